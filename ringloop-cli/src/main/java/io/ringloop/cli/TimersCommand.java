package io.ringloop.cli;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ringloop timers}: how late timers fire. A timer never fires before its deadline; this measures how
 * long after it the sleeping task runs again, on an idle loop (sequential sleeps) and with many timers at once.
 * A measurement to read, not a test: the distribution depends on the machine.
 */
@Command(name = "timers", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Measure timer lateness (fire time minus deadline) on the loop's timer wheel.")
public final class TimersCommand implements Callable<Integer> {
    /** Largest --count and --concurrent: a million sleeps or sleepers already take minutes or much memory. */
    static final int MAX_TIMERS = 1_000_000;
    /** Largest --delay-ms: one minute per sleep. */
    static final int MAX_DELAY_MS = 60_000;

    @Spec
    private CommandSpec spec;
    private int count;
    private int delayMs;
    private int concurrent;
    private Backend backend;

    @Option(names = "--count", paramLabel = "N", defaultValue = "500", description = "sleeps per run, 1.." + MAX_TIMERS
            + " (default: ${DEFAULT-VALUE})")
    void count(int value) {
        count = OptionRange.between(spec, "--count", value, 1, MAX_TIMERS);
    }

    @Option(names = "--delay-ms", paramLabel = "MS", defaultValue = "3", description = "each sleep, 0.." + MAX_DELAY_MS
            + " ms (default: ${DEFAULT-VALUE})")
    void delayMs(int value) {
        delayMs = OptionRange.between(spec, "--delay-ms", value, 0, MAX_DELAY_MS);
    }

    @Option(names = "--concurrent", paramLabel = "N", defaultValue = "1000",
            description = "timers in flight for the second run, 1.." + MAX_TIMERS + " (default: ${DEFAULT-VALUE})")
    void concurrent(int value) {
        concurrent = OptionRange.between(spec, "--concurrent", value, 1, MAX_TIMERS);
    }

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto", converter = BackendConverter.class,
            description = "auto, io_uring, epoll or nio, in any case; auto honours RINGLOOP_BACKEND "
                    + "(default: ${DEFAULT-VALUE})")
    void backend(Backend value) {
        backend = value;
    }

    @Override
    public Integer call() throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            Duration delay = Duration.ofMillis(delayMs);
            long[] idle = rt.blockOn(() -> {
                long[] late = new long[count];
                for (int i = 0; i < count; i++) {
                    long deadline = System.nanoTime() + delay.toNanos();
                    Time.sleepUntilNanos(deadline);
                    late[i] = System.nanoTime() - deadline;
                }
                return late;
            });
            print("idle loop, " + count + " sequential sleeps of " + delayMs + " ms (" + rt.backendName() + ")", idle);
            long[] busy = rt.blockOn(() -> {
                List<JoinHandle<Long>> sleepers = new ArrayList<>(concurrent);
                long base = System.nanoTime();
                for (int i = 0; i < concurrent; i++) {
                    long deadline = base + delay.toNanos() + (i % 50) * 100_000L; // spread over 5 ms
                    sleepers.add(Tasks.spawn(() -> {
                        Time.sleepUntilNanos(deadline);
                        return System.nanoTime() - deadline;
                    }));
                }
                long[] late = new long[concurrent];
                for (int i = 0; i < concurrent; i++) {
                    late[i] = sleepers.get(i).join();
                }
                return late;
            });
            print(concurrent + " concurrent sleepers", busy);
        }
        return 0;
    }

    private static void print(String title, long[] lateNs) {
        long[] s = lateNs.clone();
        Arrays.sort(s);
        System.out.printf("%s%n  lateness  min %s  p50 %s  p90 %s  p99 %s  max %s  (never early: %s)%n", title,
                us(s[0]), us(s[s.length / 2]), us(s[(int) (s.length * 0.9)]), us(s[(int) (s.length * 0.99)]),
                us(s[s.length - 1]), s[0] >= 0 ? "yes" : "NO");
    }

    private static String us(long ns) {
        return String.format("%.0f µs", ns / 1000.0);
    }
}
