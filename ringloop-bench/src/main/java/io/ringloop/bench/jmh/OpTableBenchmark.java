package io.ringloop.bench.jmh;

import io.ringloop.driver.Completion;
import io.ringloop.driver.OpTable;
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

/**
 * One operation's bookkeeping on the loop: claim a slot, look the token up when its event arrives, release
 * it. {@code inFlight} other operations stay claimed so the free list is not trivially one slot deep.
 * Expect a few ns and 0 B/op under {@code -prof gc}. Not final: JMH subclasses {@code @State} classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OpTableBenchmark {
    @Param({"1", "1024"})
    int inFlight;

    private OpTable table;
    private final Completion completion = new Completion() {
        @Override
        public void complete(int result) {
            // the benchmark only measures the table
        }
    };

    @Setup(Level.Trial)
    public void fill() {
        table = new OpTable(16);
        for (int i = 0; i < inFlight; i++) {
            table.claim(null, i, 1, null);
        }
    }

    @Benchmark
    public Completion claimLookupRelease() {
        long token = table.claim(completion, 7, 1, null);
        Completion found = table.lookup(token);
        table.release(token);
        return found;
    }

    /** A late event for a released operation: the generation check must reject it. */
    @Benchmark
    public Completion staleLookup() {
        long token = table.claim(completion, 7, 1, null);
        table.release(token);
        return table.lookup(token);
    }
}
