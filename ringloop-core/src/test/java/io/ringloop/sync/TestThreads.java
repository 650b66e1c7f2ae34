package io.ringloop.sync;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Test helpers: start virtual or platform threads, wait for a thread to park, join with a hang detector. */
final class TestThreads {
    /** Generous: only a hang (a lost wake-up) ever gets near it. Not a timing assertion. */
    static final Duration HANG = Duration.ofSeconds(30);

    enum Kind {
        VIRTUAL, PLATFORM;

        Thread start(String name, ThrowingRunnable body, AtomicReference<Throwable> failure) {
            Runnable runnable = () -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            };
            return this == VIRTUAL ? Thread.ofVirtual().name(name).start(runnable)
                    : Thread.ofPlatform().name(name).daemon().start(runnable);
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private TestThreads() {
    }

    /** Waits (yielding, no sleep) until the thread is parked (WAITING), i.e. queued on the primitive. */
    static void awaitParked(Thread thread) {
        long deadlineNs = System.nanoTime() + HANG.toNanos();
        while (thread.getState() != Thread.State.WAITING) {
            if (!thread.isAlive()) {
                fail(thread.getName() + " ended instead of parking");
            }
            if (System.nanoTime() - deadlineNs > 0) {
                fail(thread.getName() + " never parked: " + thread.getState());
            }
            Thread.yield();
        }
    }

    /**
     * Joins the threads; fails at once if any thread of the test failed (and interrupts the rest so they do
     * not linger and starve later tests), or if they are still running after {@link #HANG}.
     */
    static void joinAll(List<Thread> threads, AtomicReference<Throwable> failure) throws InterruptedException {
        long deadlineNs = System.nanoTime() + HANG.toNanos();
        for (Thread thread : threads) {
            // join's answer is the verdict: isAlive() may still be true for a moment after a platform thread
            // has terminated (its OS thread is exiting), which made this helper report false hangs.
            boolean terminated;
            while (!(terminated = thread.join(Duration.ofMillis(50)))) {
                if (failure.get() != null || System.nanoTime() - deadlineNs > 0) {
                    threads.forEach(Thread::interrupt);
                    break;
                }
            }
            if (failure.get() != null) {
                throw new AssertionError("a thread failed", failure.get());
            }
            assertTrue(terminated, "hung (lost wake-up?): " + thread);
        }
    }
}
