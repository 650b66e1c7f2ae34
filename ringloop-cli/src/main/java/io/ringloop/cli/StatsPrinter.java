package io.ringloop.cli;

import io.ringloop.Ringloop;
import io.ringloop.RingloopMetrics;
import io.ringloop.loop.LoopMetrics;
import io.ringloop.task.Tasks;
import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * What {@code ringloop echo} says about itself: the one start line ({@link #startLine}) and, with
 * {@code --stats INTERVAL}, one line per interval of rates taken from {@link Ringloop#metrics()} ({@link #line}):
 * operations completed per second by kind, system calls per second (kernel waits and wake-ups), wake requests
 * per second from other threads, the loops' busy share and live tasks. The echo counts no messages: one message
 * is one read and one write.
 */
final class StatsPrinter implements AutoCloseable {
    private final Ringloop runtime;
    private final long intervalNs;
    private final PrintStream out;
    private final Thread thread;
    private volatile boolean closed;

    private StatsPrinter(Ringloop runtime, Duration interval, PrintStream out) {
        this.runtime = runtime;
        this.intervalNs = interval.toNanos();
        this.out = out;
        this.thread = Thread.ofPlatform().daemon(true).name("ringloop-stats").unstarted(this::run);
    }

    /** Prints a line to {@code out} every {@code interval} until closed. */
    static StatsPrinter start(Ringloop runtime, Duration interval, PrintStream out) {
        StatsPrinter p = new StatsPrinter(runtime, interval, out);
        p.thread.start();
        return p;
    }

    /** {@code ringloop echo: port 7000, io_uring (AUTO: io_uring usable), 2 loops, task style}. */
    static String startLine(int port, Ringloop runtime, int loops, String style) {
        LoopMetrics first = runtime.loop(0).metrics();
        String tasks = style.equals("callback") || Tasks.loopScheduled() ? ""
                : "; tasks on the JDK's default scheduler (run with --add-opens java.base/java.lang=ALL-UNNAMED)";
        return "ringloop echo: port " + port + ", " + first.backend() + " (" + first.backendReason() + "), " + loops
                + (loops == 1 ? " loop, " : " loops, ") + style + " style" + tasks;
    }

    private void run() {
        RingloopMetrics last = runtime.metrics();
        long lastNs = System.nanoTime();
        long nextNs = lastNs + intervalNs;
        while (!closed) {
            long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(waitNs)); // the printing period itself
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            RingloopMetrics now = runtime.metrics();
            long nowNs = System.nanoTime();
            out.println(line(last, now, nowNs - lastNs));
            out.flush();
            last = now;
            lastNs = nowNs;
            nextNs += intervalNs;
        }
    }

    /** One line of rates between two snapshots {@code elapsedNs} apart. */
    static String line(RingloopMetrics before, RingloopMetrics after, long elapsedNs) {
        LoopMetrics a = before.total();
        LoopMetrics b = after.total();
        LoopMetrics.OpCounts opsA = a.operations().completed();
        LoopMetrics.OpCounts opsB = b.operations().completed();
        long busyNs = b.time().busyNs() - a.time().busyNs();
        long upNs = b.time().uptimeNs() - a.time().uptimeNs();
        return String.format(Locale.ROOT, "stats: ops %s/s (reads %s, writes %s, accepts %s), syscalls %s/s "
                        + "(waits %s, wakes %s), wake requests %s/s, busy %.1f%%, tasks %d",
                rate(opsB.total() - opsA.total(), elapsedNs), rate(opsB.reads() - opsA.reads(), elapsedNs),
                rate(opsB.writes() - opsA.writes(), elapsedNs), rate(opsB.accepts() - opsA.accepts(), elapsedNs),
                rate(b.syscalls() - a.syscalls(), elapsedNs), rate(b.kernelWaits() - a.kernelWaits(), elapsedNs),
                rate(b.wakes().syscalls() - a.wakes().syscalls(), elapsedNs),
                rate(b.wakes().requested() - a.wakes().requested(), elapsedNs),
                upNs <= 0 ? 0.0 : 100.0 * busyNs / upNs, b.tasks().live());
    }

    /** {@code count} over {@code elapsedNs} per second, rounded: {@code "24012"}. */
    private static String rate(long count, long elapsedNs) {
        return elapsedNs <= 0 ? "0" : Long.toString(Math.round(count * 1e9 / elapsedNs));
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    /**
     * {@code --stats} values: a positive count and a unit ({@code 500ms}, {@code 1s}, {@code 1.5s}, {@code 2m}), or
     * ISO-8601 ({@code PT1S}).
     */
    static final class IntervalConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Duration d;
            Matcher m = SHORT.matcher(v);
            if (m.matches()) {
                double amount = Double.parseDouble(m.group(1));
                long unitNs = switch (m.group(2)) {
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    default -> 3_600_000_000_000L;
                };
                d = Duration.ofNanos((long) Math.min(Long.MAX_VALUE, amount * unitNs));
            } else {
                try {
                    d = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
                } catch (DateTimeParseException e) {
                    throw new CommandLine.TypeConversionException(
                            "'" + value + "' is not an interval: use e.g. 1s, 500ms, 2m or PT1S");
                }
            }
            if (d.toMillis() < 1) {
                throw new CommandLine.TypeConversionException("'" + value + "': the interval must be at least 1 ms");
            }
            return d;
        }
    }
}
