package io.ringloop.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck: a read-modify-write done under the {@link Mutex} (with a deliberately racy plain read, then write)
 * is linearizable, i.e. the lock excludes; the model checker also explores the park/hand-over paths and would
 * report a lost hand-over as a hang. The sequential specification is this class run sequentially.
 */
@SuppressWarnings("missing-explicit-ctor") // public for Lincheck, which makes it reflectively; not API
public final class MutexLincheckTest {
    private final Mutex<int[]> mutex = new Mutex<>(new int[1]);

    @Operation(blocking = true)
    public int increment() throws InterruptedException {
        try (Mutex.Guard<int[]> guard = mutex.lock()) {
            int[] counter = guard.get();
            int value = counter[0];
            counter[0] = value + 1;
            return value;
        }
    }

    @Operation(blocking = true)
    public int add(int delta) throws InterruptedException {
        try (Mutex.Guard<int[]> guard = mutex.lock()) {
            int value = guard.get()[0] + delta;
            guard.get()[0] = value;
            return value;
        }
    }

    @Operation
    public int read() throws InterruptedException {
        try (Mutex.Guard<int[]> guard = mutex.lock()) {
            return guard.get()[0];
        }
    }

    @Test
    void shouldExcludeUnderModelChecking() {
        new ModelCheckingOptions().iterations(6).invocationsPerIteration(120).threads(3).actorsPerThread(2)
                .check(getClass());
    }

    @Test
    void shouldExcludeUnderStress() {
        new StressOptions().iterations(8).invocationsPerIteration(300).threads(3).actorsPerThread(3)
                .check(getClass());
    }
}
