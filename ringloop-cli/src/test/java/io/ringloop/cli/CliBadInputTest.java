package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * A command line that cannot be understood gets one line on stderr, naming the command and the option, and
 * picocli's usage exit code (2): no stack trace, no usage page, and nothing started (the values are checked
 * while parsing, so a server that started would have printed to stdout).
 */
final class CliBadInputTest {
    /** Each row: the arguments (split on spaces) | the one line expected on stderr. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            echo --port 70000             | ringloop echo: --port must be 0..65535, got 70000
            echo --port -1                | ringloop echo: --port must be 0..65535, got -1
            echo --port 65536             | ringloop echo: --port must be 0..65535, got 65536
            echo --threads 0              | ringloop echo: --threads must be >= 1, got 0
            echo --threads -3             | ringloop echo: --threads must be >= 1, got -3
            echo --buffer-kib 0           | ringloop echo: --buffer-kib must be 1..1048576, got 0
            echo --buffer-kib 1048577     | ringloop echo: --buffer-kib must be 1..1048576, got 1048577
            echo --zero-copy-kib -1       | ringloop echo: --zero-copy-kib must be >= 0, got -1
            echo --fixed-files-after -64  | ringloop echo: --fixed-files-after must be >= 0, got -64
            timers --count 0              | ringloop timers: --count must be 1..1000000, got 0
            timers --count 1000001        | ringloop timers: --count must be 1..1000000, got 1000001
            timers --delay-ms -1          | ringloop timers: --delay-ms must be 0..60000, got -1
            timers --delay-ms 60001       | ringloop timers: --delay-ms must be 0..60000, got 60001
            timers --concurrent 0         | ringloop timers: --concurrent must be 1..1000000, got 0
            """)
    void shouldRejectNumberOutOfRangeOnOneLine(String args, String expected) {
        assertUsageError(expected, args.split(" "));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            echo --backend foo    | ringloop echo: Invalid value for option '--backend': unknown backend 'foo': \
            expected one of auto, io_uring, iouring, uring, epoll, nio (any case)
            timers --backend x    | ringloop timers: Invalid value for option '--backend': unknown backend 'x': \
            expected one of auto, io_uring, iouring, uring, epoll, nio (any case)
            echo --port abc       | ringloop echo: Invalid value for option '--port': 'abc' is not an int
            echo --port 1e3       | ringloop echo: Invalid value for option '--port': '1e3' is not an int
            echo --threads 9999999999 | ringloop echo: Invalid value for option '--threads': '9999999999' is not an int
            timers --count ten    | ringloop timers: Invalid value for option '--count': 'ten' is not an int
            echo --style fast     | ringloop echo: Invalid value for option '--style': expected one of \
            [TASK, STEALING, CALLBACK, FRAMING] (case-insensitive) but was 'fast'
            echo --host [::1      | ringloop echo: --host: cannot resolve '[::1'
            echo --nope           | ringloop echo: Unknown option: '--nope'
            echo --threads        | ringloop echo: Missing required parameter for option '--threads' (N)
            echo extra            | ringloop echo: Unmatched argument at index 1: 'extra'
            ech                   | ringloop: Unmatched argument at index 0: 'ech' (did you mean echo?)
            """)
    void shouldRejectMalformedInputOnOneLine(String args, String expected) {
        assertUsageError(expected, args.split(" "));
    }

    @Test
    void shouldNotPrintUsagePageOrStackTraceForUnknownOption() {
        Run run = Run.of("echo", "--port", "7000", "--frobnicate");

        assertEquals(List.of("ringloop echo: Unknown option: '--frobnicate'"), run.errLines());
        assertEquals("", run.out());
        assertNotEquals(0, run.exitCode());
    }

    private static void assertUsageError(String expected, String... args) {
        Run run = Run.of(args);

        assertEquals(List.of(expected), run.errLines(), "stderr of " + String.join(" ", args));
        assertEquals("", run.out(), "stdout of " + String.join(" ", args));
        assertEquals(CommandLine.ExitCode.USAGE, run.exitCode());
    }

    /** One run of the command line {@link Main#main} runs, with its output captured instead of exiting. */
    record Run(int exitCode, String out, String err) {
        static Run of(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine commandLine = Main.commandLine();
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            int exitCode = commandLine.execute(args);
            return new Run(exitCode, out.toString(), err.toString());
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }
}
