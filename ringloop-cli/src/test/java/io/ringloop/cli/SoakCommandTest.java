package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code ringloop soak} for two seconds: churn, checked bytes, status lines, and a non-zero exit on a mismatch. */
final class SoakCommandTest {
    private static final int CONNECTIONS = 40;
    private static final Pattern OPENED = Pattern.compile("conns \\d+ open / (\\d+) opened");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @ParameterizedTest(name = "{0}, {1} style")
    @CsvSource({"io_uring, task", "io_uring, callback", "epoll, task", "epoll, callback", "nio, task",
        "nio, callback", "epoll, stealing"})
    void shouldSoakWithChurnAndCheckedBytesAndExitZero(String backend, String style) {
        Assumptions.assumeTrue(!backend.equals("io_uring")
                || io.ringloop.driver.uring.IoUringDriver.unusableReason() == null, "io_uring unusable here");

        int exitCode = run("soak", "--seconds", "2", "--connections", Integer.toString(CONNECTIONS),
                "--max-messages", "5", "--report-seconds", "1", "--backend", backend, "--style", style);

        String output = out + "\n" + err;
        assertEquals(0, exitCode, output);
        List<String> status = out.toString().lines().filter(line -> line.startsWith("[")).toList();
        assertTrue(status.size() >= 2, "a status line per second and one for the whole run: " + output);
        for (String line : status) {
            for (String field : new String[] {"rss ", "heap ", "fds ", "conns ", "msgs ", "errors 0"}) {
                assertTrue(line.contains(field), field + " missing from: " + line);
            }
        }
        String whole = status.getLast();
        assertTrue(whole.endsWith("(whole run)"), output);
        Matcher opened = OPENED.matcher(whole);
        assertTrue(opened.find(), whole);
        assertTrue(Long.parseLong(opened.group(1)) > CONNECTIONS, "connections closed and reopened: " + whole);
        assertTrue(out.toString().strip().endsWith("checked") && out.toString().contains("ringloop soak: ok,"),
                output);
    }

    @Test
    void shouldStopAndExitNonZeroOnMismatch() {
        int exitCode = run("soak", "--seconds", "30", "--connections", "10", "--report-seconds", "1",
                "--corrupt-after-bytes", "10000");

        assertEquals(1, exitCode, out + "\n" + err);
        assertTrue(err.toString().contains("ringloop soak: MISMATCH 1: connection "), err.toString());
        assertTrue(out.toString().contains("ringloop soak: FAILED: 1 mismatched echo(es)"), out.toString());
    }

    @Test
    void shouldRejectOutOfRangeOptionsWithUsageExit() {
        assertEquals(CommandLine.ExitCode.USAGE, run("soak", "--max-size", "65537"));
        assertTrue(err.toString().contains("ringloop soak: --max-size must be 1..65536, got 65537"), err.toString());
        assertEquals(CommandLine.ExitCode.USAGE, run("soak", "--seconds", "1", "--minutes", "1"));
        assertTrue(err.toString().contains("give --minutes or --seconds, not both"), err.toString());
        assertEquals(CommandLine.ExitCode.USAGE, run("soak", "--minutes", "0"));
        assertTrue(err.toString().contains("ringloop soak: --minutes must be > 0, got 0.0"), err.toString());
    }
}
