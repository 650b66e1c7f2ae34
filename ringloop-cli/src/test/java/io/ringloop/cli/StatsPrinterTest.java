package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.RingloopMetrics;
import io.ringloop.loop.Backend;
import io.ringloop.loop.LoopMetrics;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code ringloop echo}'s start line and {@code --stats}: the interval option, the rates, the printing thread. */
class StatsPrinterTest {

    @ParameterizedTest
    @CsvSource({"1s, 1000", "500ms, 500", "1.5s, 1500", "2m, 120000", "PT0.25S, 250", "1 S, 1000"})
    void shouldParseAnIntervalWithAUnitOrInIso8601(String value, long millis) {
        assertEquals(Duration.ofMillis(millis), echo("--stats", value).stats);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0.5ms", "-1s", "1", "fast", "PT-1S"})
    void shouldRefuseAnIntervalThatIsNotOneMillisecondOrMore(String value) {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> echo("--stats", value));
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void shouldSayABadIntervalInOneLineWithExitCode2() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("echo", "--stats", "fast"));
        assertEquals("ringloop echo: Invalid value for option '--stats': 'fast' is not an interval: use e.g. 1s, "
                + "500ms, 2m or PT1S", err.toString().strip().lines().findFirst().orElse(""));
    }

    @Test
    void shouldLeaveStatsOffByDefault() {
        assertEquals(null, echo().stats);
    }

    @Test
    void shouldPrintRatesPerSecondBetweenTwoSnapshots() {
        RingloopMetrics before = snapshot(10, 10, 2, 0, 0, 1_000_000_000L);
        RingloopMetrics after = snapshot(210, 110, 6, 8, 500_000_000L, 3_000_000_000L);
        String line = StatsPrinter.line(before, after, 2_000_000_000L);
        assertEquals("stats: ops 150/s (reads 100, writes 50, accepts 0), syscalls 4/s (waits 2, wakes 2), "
                + "wake requests 4/s, busy 25.0%, tasks 3", line);
    }

    @Test
    void shouldSayPortBackendReasonLoopsAndStyleInOneStartLine() throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(Backend.EPOLL).threads(2).start()) {
            assertEquals("ringloop echo: port 7000, epoll (requested), 2 loops, callback style",
                    StatsPrinter.startLine(7000, rt, 2, "callback"));
        }
    }

    @Test
    void shouldPrintALineEveryIntervalUntilClosed() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        try (Ringloop rt = Ringloop.builder().backend(Backend.EPOLL).threads(1).start();
             PrintStream out = new PrintStream(new LineSink(lines), true, StandardCharsets.UTF_8)) {
            try (StatsPrinter _ = StatsPrinter.start(rt, Duration.ofMillis(10), out)) {
                for (int i = 0; i < 2; i++) {
                    String line = lines.poll(10, TimeUnit.SECONDS);
                    assertNotNull(line, "no line within 10 s");
                    assertTrue(line.startsWith("stats: ops 0/s (reads 0, writes 0, accepts 0), syscalls "), line);
                }
            }
        }
    }

    /** The echo command as {@code ringloop echo args} parses it. */
    private static EchoCommand echo(String... args) {
        String[] line = new String[args.length + 1];
        line[0] = "echo";
        System.arraycopy(args, 0, line, 1, args.length);
        return (EchoCommand) Main.commandLine().parseArgs(line).subcommand().commandSpec().userObject();
    }

    /** A snapshot of one loop with these counts. */
    private static RingloopMetrics snapshot(long reads, long writes, long waits, long wakeRequests, long busyNs,
                                            long uptimeNs) {
        LoopMetrics.OpCounts ops = new LoopMetrics.OpCounts(reads, writes, 0, 0, 0);
        LoopMetrics.OpCounts none = new LoopMetrics.OpCounts(0, 0, 0, 0, 0);
        LoopMetrics m = new LoopMetrics("echo-0", "epoll", "requested", 1, new LoopMetrics.Tasks(3, 0, 0, 0, 0),
                new LoopMetrics.Operations(ops, ops, none), waits, new LoopMetrics.Wakes(wakeRequests, waits),
                new LoopMetrics.Queues(0, 0, 0, 0), new LoopMetrics.Timers(0, 0, 0, 0),
                new LoopMetrics.Time(uptimeNs, busyNs, uptimeNs - busyNs));
        return new RingloopMetrics(List.of(m), LoopMetrics.sum(List.of(m)));
    }

    /** Hands each complete line written to it to {@code lines}. */
    private static final class LineSink extends OutputStream {
        private final BlockingQueue<String> lines;
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        LineSink(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString(StandardCharsets.UTF_8).stripTrailing());
                current.reset();
            } else {
                current.write(b);
            }
        }
    }
}
