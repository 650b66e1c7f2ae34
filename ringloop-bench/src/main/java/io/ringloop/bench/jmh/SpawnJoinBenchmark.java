package io.ringloop.bench.jmh;

import io.ringloop.Ringloop;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one short task, spawned and joined (issue 14): a ringloop task on a loop, beside a plain virtual
 * thread ({@code Thread.ofVirtual()}, the JDK's ForkJoinPool scheduler) and a task on a platform-thread executor.
 * Each invocation spawns {@link #BATCH} tasks and then joins them all ({@code batch*}), or spawns and joins one at
 * a time ({@code oneByOne*}); scores are per task. The ringloop batch runs inside one task on the loop (one
 * {@code blockOn} per batch, amortised); {@code -prof gc}'s bytes per operation count every thread of the
 * process, the loop's included. Not final: JMH subclasses it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpawnJoinBenchmark {
    /** Tasks per invocation. */
    static final int BATCH = 1_000;

    private Ringloop runtime;
    private ExecutorService platform;

    @Setup(Level.Trial)
    public void start() throws Exception {
        runtime = Ringloop.builder().threads(1).name("spawn-bench").start();
        platform = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long batchRingloopTasks() throws Exception {
        return runtime.blockOn(() -> {
            List<JoinHandle<Integer>> handles = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                int n = i;
                handles.add(Tasks.spawn(() -> n));
            }
            long sum = 0;
            for (JoinHandle<Integer> h : handles) {
                sum += h.join();
            }
            return sum;
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long oneByOneRingloopTasks() throws Exception {
        return runtime.blockOn(() -> {
            long sum = 0;
            for (int i = 0; i < BATCH; i++) {
                int n = i;
                sum += Tasks.spawn(() -> n).join();
            }
            return sum;
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long batchVirtualThreads() throws Exception {
        long[] values = new long[BATCH];
        Thread[] threads = new Thread[BATCH];
        for (int i = 0; i < BATCH; i++) {
            int n = i;
            threads[i] = Thread.ofVirtual().start(() -> values[n] = n);
        }
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            threads[i].join();
            sum += values[i];
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long oneByOneVirtualThreads() throws Exception {
        long[] value = new long[1];
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            int n = i;
            Thread t = Thread.ofVirtual().start(() -> value[0] = n);
            t.join();
            sum += value[0];
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long batchPlatformExecutor() throws Exception {
        List<Future<Integer>> futures = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            int n = i;
            futures.add(platform.submit(() -> n));
        }
        long sum = 0;
        for (Future<Integer> f : futures) {
            sum += f.get();
        }
        return sum;
    }

    @TearDown(Level.Trial)
    public void stop() {
        platform.shutdownNow();
        runtime.close();
    }
}
