package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.uring.IoUringDriver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

final class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(CommandLine commandLine, String... args) {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void shouldPrintJdkKernelAndOsInInfo() {
        int exitCode = run(Main.commandLine(), "info");

        assertEquals(0, exitCode, err.toString());
        String info = out.toString();
        assertTrue(info.contains("java           " + Runtime.version()), info);
        assertTrue(info.contains("kernel         " + System.getProperty("os.version")), info);
        assertTrue(info.contains("os             " + System.getProperty("os.name")), info);
        // The io_uring row names what the ring took, or "-" where io_uring is unusable.
        String want = IoUringDriver.unusableReason() == null ? "io_uring has   SINGLE_ISSUER" : "io_uring has   -";
        assertTrue(info.contains("io_uring has   ") && (info.contains(want) || info.contains("COOP_TASKRUN")), info);
    }

    @Test
    void shouldShowUsageAndFailWithoutCommand() {
        int exitCode = run(Main.commandLine());

        assertEquals(CommandLine.ExitCode.USAGE, exitCode);
        assertTrue(err.toString().contains("Usage: ringloop"), err.toString());
    }

    @Test
    void shouldFailWithUsageOnUnknownCommand() {
        int exitCode = run(Main.commandLine(), "no-such-command");

        assertEquals(CommandLine.ExitCode.USAGE, exitCode);
        assertTrue(err.toString().contains("no-such-command"), err.toString());
    }

    @Test
    void shouldNameLauncherCommandsAndEchoInHelp() {
        int exitCode = run(Main.commandLine(), "help");

        assertEquals(0, exitCode, err.toString());
        String help = out.toString();
        for (String command : new String[] {"echo", "info", "test", "bench"}) {
            assertTrue(help.contains("  " + command + " "), command + " missing from: " + help);
        }
    }

    @Test
    void shouldPropagateSubcommandExitCode() {
        int exitCode = run(Main.commandLine().addSubcommand(new ExitWith42()), "exit42");

        assertEquals(42, exitCode);
    }

    @Test
    void shouldReportIoFailureOnOneLine() {
        int exitCode = run(Main.commandLine().addSubcommand(new FailsWithIo()), "fails");

        assertEquals(CommandLine.ExitCode.SOFTWARE, exitCode);
        assertEquals("ringloop fails: bind(0.0.0.0:7000): EADDRINUSE (98) Address already in use",
                err.toString().strip());
    }

    @Command(name = "exit42")
    static final class ExitWith42 implements Callable<Integer> {
        @Override
        public Integer call() {
            return 42;
        }
    }

    @Command(name = "fails")
    static final class FailsWithIo implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            throw new IOException("bind(0.0.0.0:7000): EADDRINUSE (98) Address already in use");
        }
    }
}
