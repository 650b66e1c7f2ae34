package io.ringloop.bench.jmh;

import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Wake coalescing: another thread hands the loop work with {@code execute}. While the loop runs, a wake is a
 * CAS and no syscall; only a sleeping loop costs an eventfd write. The aux counter {@code eventfdWrites}
 * over {@code handoffs} shows how many hand-offs paid for a syscall. Not final: JMH subclasses it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WakeBenchmark {
    @Param({"EPOLL"})
    String backend;

    private EventLoop loop;
    private static final Runnable NOOP = () -> { };

    /** Per-iteration counts, reported by JMH next to the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counts {
        public long handoffs;
        public long eventfdWrites;
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        loop = EventLoop.start(Backend.parse(backend), "wake-bench");
    }

    @Benchmark
    public void foreignExecute(Counts counts) {
        long before = loop.wakeupCount();
        loop.execute(NOOP);
        counts.handoffs++;
        counts.eventfdWrites += loop.wakeupCount() - before;
    }

    @TearDown(Level.Trial)
    public void stop() {
        loop.close();
    }
}
