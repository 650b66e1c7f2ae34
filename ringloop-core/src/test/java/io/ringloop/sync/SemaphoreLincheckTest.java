package io.ringloop.sync;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck for {@link Semaphore}, two ways:
 * <ul>
 *   <li>{@link NonBlocking}: tryAcquire(n) / release(n) / availablePermits are linearizable against the
 *       semaphore run sequentially (multi-permit requests, the QUEUED bit never set).</li>
 *   <li>{@link Blocking}: acquire(n) ... release(n) sections with 3 permits never hold more than 3 permits at
 *       once (an over-grant throws, which the sequential run never does), and never hang (a lost hand-over
 *       would). This drives the FIFO queue and the grant path.</li>
 * </ul>
 */
@SuppressWarnings("missing-explicit-ctor") // public for Lincheck, which makes it reflectively; not API
public final class SemaphoreLincheckTest {

    @Param(name = "n", gen = IntGen.class, conf = "1:3")
    public static final class NonBlocking {
        private final Semaphore semaphore = new Semaphore(2);

        @Operation
        public boolean tryAcquire(@Param(name = "n") int n) {
            return semaphore.tryAcquire(n);
        }

        @Operation
        public void release(@Param(name = "n") int n) {
            semaphore.release(n);
        }

        @Operation
        public long available() {
            return semaphore.availablePermits();
        }
    }

    @Param(name = "n", gen = IntGen.class, conf = "1:3")
    public static final class Blocking {
        private static final int PERMITS = 3;
        private final Semaphore semaphore = new Semaphore(PERMITS);
        private final AtomicInteger inUse = new AtomicInteger();

        @Operation(blocking = true)
        public void section(@Param(name = "n") int n) throws InterruptedException {
            semaphore.acquire(n);
            try {
                if (inUse.addAndGet(n) > PERMITS) {
                    throw new IllegalStateException("over-granted");
                }
                inUse.addAndGet(-n);
            } finally {
                semaphore.release(n);
            }
        }

        @Operation
        public void trySection(@Param(name = "n") int n) {
            if (semaphore.tryAcquire(n)) {
                try {
                    if (inUse.addAndGet(n) > PERMITS) {
                        throw new IllegalStateException("over-granted");
                    }
                    inUse.addAndGet(-n);
                } finally {
                    semaphore.release(n);
                }
            }
        }
    }

    @Test
    void shouldBeLinearizableUnderModelChecking() {
        new ModelCheckingOptions().iterations(10).invocationsPerIteration(150).threads(3).actorsPerThread(3)
                .check(NonBlocking.class);
    }

    @Test
    void shouldBeLinearizableUnderStress() {
        new StressOptions().iterations(10).invocationsPerIteration(500).threads(3).actorsPerThread(3)
                .check(NonBlocking.class);
    }

    @Test
    void shouldNeverOverGrantOrHangUnderModelChecking() {
        new ModelCheckingOptions().iterations(8).invocationsPerIteration(150).threads(3).actorsPerThread(2)
                .check(Blocking.class);
    }
}
