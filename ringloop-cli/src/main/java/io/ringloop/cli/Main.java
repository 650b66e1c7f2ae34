package io.ringloop.cli;

import io.ringloop.cli.http.HttpCommand;
import io.ringloop.cli.kv.KvCommand;
import io.ringloop.cli.proxy.ProxyCommand;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code ringloop} command. The {@code ./ringloop} launcher at the repository root starts this class with
 * the JVM flags the runtime needs; the launcher itself handles {@code test}, {@code bench} and {@code java-home}
 * and passes every other command here. The process exit code is the subcommand's; a command line that cannot
 * be understood is one line on stderr and exit code 2 ({@link OneLineUsageErrors}).
 */
@Command(
        name = "ringloop",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "An asynchronous I/O runtime for Java 25: event loops over io_uring, epoll or the JDK "
                + "selector, with user code as tasks (virtual threads on the loop's own thread) or as callbacks.",
        subcommands = {EchoCommand.class, HttpCommand.class, KvCommand.class, ProxyCommand.class, TimersCommand.class,
            InfoCommand.class, SoakCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nLauncher commands (./ringloop only):%n",
        footer = {
            "  test       Run the whole test suite (mvn test); extra arguments go to Maven.",
            "  bench      Run the benchmarks (module ringloop-bench).",
            "  java-home  Print the home of the JDK the launcher would use; builds nothing."
        })
public final class Main implements Callable<Integer> {

    /** Exit code for a command line that could not be understood (picocli's convention). */
    static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    @Spec
    private CommandSpec spec;

    /** No subcommand given: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        // exit() rather than return: a command may leave non-daemon loop threads behind it.
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests use it with their own writers. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        // --style task / TASK / Task all name the same enum constant (--backend has its own converter).
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler(new OneLineUsageErrors());
        commandLine.setExecutionExceptionHandler(Main::handleFailure);
        return commandLine;
    }

    /**
     * An I/O failure (port in use, connection refused) is the user's situation, not a bug: one line naming the
     * command and the failed call. Anything else is a bug and keeps its stack trace.
     */
    private static int handleFailure(Exception failure, CommandLine commandLine, CommandLine.ParseResult parsed) {
        if (failure instanceof IOException) {
            commandLine.getErr().println("ringloop " + commandLine.getCommandName() + ": " + failure.getMessage());
        } else {
            failure.printStackTrace(commandLine.getErr());
        }
        commandLine.getErr().flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    /**
     * The version Maven wrote into the module descriptor (on the module path, as the launcher runs it) or the jar
     * manifest (on the class path, as the bench runs it); {@code dev} when run from classes without either.
     */
    static String version() {
        String version = Main.class.getModule().getDescriptor() != null
                ? Main.class.getModule().getDescriptor().rawVersion().orElse(null)
                : Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Supplies {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ringloop " + version()};
        }
    }
}
