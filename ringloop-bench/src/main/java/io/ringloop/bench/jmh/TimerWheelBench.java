package io.ringloop.bench.jmh;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.ringloop.loop.internal.TimerWheel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Timer insert + cancel, the pattern of I/O timeouts (almost all are cancelled before they fire). Each
 * operation cancels the oldest of {@value #PENDING} outstanding timers and schedules a new one, with delays
 * from 1 ms to ~1 min so every level of a hierarchical wheel is used. Nothing fires during the run.
 *
 * <ul>
 *   <li>{@code ringloopWheel}: {@link TimerWheel#cancel} + {@link TimerWheel#schedule}, the loop's own
 *       single-threaded wheel (expected 0 B/op with {@code -prof gc}).</li>
 *   <li>{@code nettyHashedWheelTimer}: Netty 4.2 {@code HashedWheelTimer} (1 ms tick, 512 buckets)
 *       {@code Timeout.cancel} + {@code newTimeout}; thread-safe, hands both to its worker thread.</li>
 *   <li>{@code jdkScheduledThreadPool}: {@code ScheduledThreadPoolExecutor} (remove-on-cancel)
 *       {@code cancel} + {@code schedule}; a locked binary heap.</li>
 * </ul>
 * Run: {@code java -cp ... org.openjdk.jmh.Main TimerWheelBench -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class TimerWheelBench {
    static final int PENDING = 1024;
    static final int MASK = PENDING - 1;
    static final long[] DELAYS_NS = new long[64];

    static {
        long delayNs = TimeUnit.MILLISECONDS.toNanos(1);
        for (int i = 0; i < DELAYS_NS.length; i++) {
            DELAYS_NS[i] = delayNs;
            delayNs = delayNs * 5 / 4; // 1 ms * 1.25^63 ~ 1.3 min
        }
    }

    static final Runnable NOOP = () -> { };
    static final TimerTask NETTY_NOOP = timeout -> { };

    @State(Scope.Thread)
    public static class Wheel {
        TimerWheel wheel;
        long[] ids = new long[PENDING];
        int cursor;

        @Setup(Level.Trial)
        public void setUp() {
            wheel = new TimerWheel(TimerWheel.DEFAULT_TICK_NS, System.nanoTime(), 2 * PENDING);
            for (int i = 0; i < PENDING; i++) {
                ids[i] = wheel.schedule(System.nanoTime() + DELAYS_NS[i & 63], NOOP);
            }
        }
    }

    @State(Scope.Thread)
    public static class Netty {
        HashedWheelTimer timer;
        Timeout[] timeouts = new Timeout[PENDING];
        int cursor;

        @Setup(Level.Trial)
        public void setUp() {
            timer = new HashedWheelTimer(1, TimeUnit.MILLISECONDS, 512);
            for (int i = 0; i < PENDING; i++) {
                timeouts[i] = timer.newTimeout(NETTY_NOOP, DELAYS_NS[i & 63], TimeUnit.NANOSECONDS);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            timer.stop();
        }
    }

    @State(Scope.Thread)
    public static class Jdk {
        ScheduledThreadPoolExecutor executor;
        ScheduledFuture<?>[] futures = new ScheduledFuture<?>[PENDING];
        int cursor;

        @Setup(Level.Trial)
        public void setUp() {
            executor = new ScheduledThreadPoolExecutor(1);
            executor.setRemoveOnCancelPolicy(true);
            for (int i = 0; i < PENDING; i++) {
                futures[i] = executor.schedule(NOOP, DELAYS_NS[i & 63], TimeUnit.NANOSECONDS);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            executor.shutdownNow();
        }
    }

    /** What every variant pays for reading the clock (the wheel's callers pass nowNs in; here it is read). */
    @Benchmark
    public long nanoTimeBaseline() {
        return System.nanoTime();
    }

    @Benchmark
    public boolean ringloopWheel(Wheel state) {
        int i = state.cursor++ & MASK;
        boolean cancelled = state.wheel.cancel(state.ids[i]);
        state.ids[i] = state.wheel.schedule(System.nanoTime() + DELAYS_NS[i & 63], NOOP);
        return cancelled;
    }

    @Benchmark
    public boolean nettyHashedWheelTimer(Netty state) {
        int i = state.cursor++ & MASK;
        boolean cancelled = state.timeouts[i].cancel();
        state.timeouts[i] = state.timer.newTimeout(NETTY_NOOP, DELAYS_NS[i & 63], TimeUnit.NANOSECONDS);
        return cancelled;
    }

    @Benchmark
    public boolean jdkScheduledThreadPool(Jdk state) {
        int i = state.cursor++ & MASK;
        boolean cancelled = state.futures[i].cancel(false);
        state.futures[i] = state.executor.schedule(NOOP, DELAYS_NS[i & 63], TimeUnit.NANOSECONDS);
        return cancelled;
    }
}
