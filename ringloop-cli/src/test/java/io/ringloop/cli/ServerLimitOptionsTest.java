package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.net.ServerLimits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The connection limit, timeouts and style of {@code ringloop http} and {@code ringloop kv}: given values become the
 * server's {@link ServerLimits}, the rest keep the command's defaults, {@code --style} is task or framing, and a bad
 * value is a one-line usage error before anything starts.
 */
final class ServerLimitOptionsTest {

    private static ServerOptions options(String... args) {
        CommandLine.ParseResult r = Main.commandLine().parseArgs(args);
        return (ServerOptions) r.subcommand().commandSpec().mixins().get("server").userObject();
    }

    private static ServerLimits parse(ServerLimits defaults, String... args) {
        return options(args).limits(defaults);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "kv"})
    void shouldTurnTheOptionsIntoServerLimits(String command) {
        ServerLimits l = parse(ServerLimits.DEFAULTS, command, "--max-connections", "5", "--idle-timeout", "2m",
                "--read-timeout", "250ms", "--write-timeout", "PT3S", "--drain-s", "7");
        assertEquals(new ServerLimits(5, Duration.ofMinutes(2), Duration.ofMillis(250), Duration.ofSeconds(3),
                Duration.ofSeconds(7)), l);
        ServerLimits defaults = ServerLimits.DEFAULTS.withReadTimeout(Duration.ofSeconds(10));
        assertEquals(defaults.withIdleTimeout(Duration.ZERO).withDrainTimeout(Duration.ofSeconds(5)),
                parse(defaults, command, "--idle-timeout", "0"), "0 is none; what is not given stays");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "kv"})
    void shouldTakeTheStyleInAnyCaseWithTaskByDefault(String command) {
        assertEquals(ServerStyle.TASK, options(command).style());
        assertEquals(ServerStyle.FRAMING, options(command, "--style", "Framing").style());
        assertEquals(ServerStyle.TASK, options(command, "--style", "task").style());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http --max-connections 0    | ringloop http: --max-connections must be >= 1, got 0
            kv --max-connections -2     | ringloop kv: --max-connections must be >= 1, got -2
            http --idle-timeout -1s     | ringloop http: Invalid value for option '--idle-timeout': '-1s' is not a \
            timeout: use 0 (none) or a time such as 500ms, 30s, 2m or PT1S
            kv --read-timeout soon      | ringloop kv: Invalid value for option '--read-timeout': 'soon' is not a \
            timeout: use 0 (none) or a time such as 500ms, 30s, 2m or PT1S
            http --write-timeout 0.1ms  | ringloop http: Invalid value for option '--write-timeout': '0.1ms' is not \
            a timeout: use 0 (none) or a time such as 500ms, 30s, 2m or PT1S
            kv --style callback         | ringloop kv: Invalid value for option '--style': 'callback' is not a \
            style: use task or framing
            """)
    void shouldRejectABadLimitOnOneLine(String args, String expected) {
        CliBadInputTest.Run run = CliBadInputTest.Run.of(args.split(" "));
        assertEquals(List.of(expected), run.errLines(), "stderr of " + args);
        assertEquals("", run.out());
        assertEquals(CommandLine.ExitCode.USAGE, run.exitCode());
    }
}
