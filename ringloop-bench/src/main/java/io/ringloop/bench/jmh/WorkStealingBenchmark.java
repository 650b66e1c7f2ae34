package io.ringloop.bench.jmh;

import io.ringloop.Ringloop;
import io.ringloop.task.JoinHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * What work-stealing mode buys for CPU-heavy tasks: {@code tasks} tasks each hash for a while, spawned on a
 * runtime with one loop. Loop-scheduled, they share the loop's one thread; in work-stealing mode they spread
 * over every core of the JDK's ForkJoinPool. (What it costs per I/O operation is the bench's
 * {@code ringloop-*-stealing} servers.) Not final: JMH subclasses it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WorkStealingBenchmark {
    @Param({"false", "true"})
    boolean workStealing;

    @Param({"8"})
    int tasks;

    private Ringloop runtime;

    @Setup(Level.Trial)
    public void start() throws Exception {
        runtime = Ringloop.builder().threads(1).workStealing(workStealing).name("ws-bench").start();
    }

    @Benchmark
    public long cpuHeavyTasks() throws Exception {
        List<JoinHandle<Long>> handles = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            long seed = i;
            handles.add(runtime.spawn(() -> work(seed)));
        }
        long sum = 0;
        for (JoinHandle<Long> h : handles) {
            sum += h.join();
        }
        return sum;
    }

    /** About a millisecond of integer hashing that the JIT cannot fold away. */
    private static long work(long seed) {
        long h = seed;
        for (int i = 0; i < 2_000_000; i++) {
            h = (h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L + i;
        }
        return h;
    }

    @TearDown(Level.Trial)
    public void stop() {
        runtime.close();
    }
}
