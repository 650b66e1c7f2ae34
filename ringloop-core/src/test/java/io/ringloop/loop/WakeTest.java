package io.ringloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The wake state machine: a wake while the loop runs costs no syscall; a sleeping loop is woken once. */
class WakeTest {

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNotWriteEventfdForWakesWhileRunning(Backend backend) throws Exception {
        try (EventLoop loop = EventLoop.start(backend, "wake-test")) {
            int wakes = 10_000;
            AtomicInteger ran = new AtomicInteger();
            AtomicBoolean foreignDone = new AtomicBoolean();
            CountDownLatch busy = new CountDownLatch(1);
            long[] before = new long[1];
            // Keep the loop RUNNING (busy in a runnable) while a foreign thread posts many wakes.
            loop.execute(() -> {
                busy.countDown();
                while (!foreignDone.get()) {
                    Thread.onSpinWait();
                }
            });
            busy.await();
            // Counted here, not in the runnable: the write that woke the loop for it may be counted only after
            // the loop started running it (a spurious return from its wait lets it start that early).
            before[0] = loop.wakeupCount();
            Thread foreign = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < wakes; i++) {
                    loop.execute(ran::incrementAndGet);
                }
                foreignDone.set(true);
            });
            foreign.join();
            CountDownLatch drained = new CountDownLatch(1);
            loop.execute(drained::countDown);
            drained.await();
            assertEquals(wakes, ran.get());
            long during = loop.wakeupCount() - before[0];
            // The last execute (drained) may find the loop asleep again and cost one write; the 10,000 cost none.
            assertTrue(during <= 1, "eventfd writes for wakes while running: " + during);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldWakeSleepingLoopOncePerSleep(Backend backend) throws Exception {
        try (EventLoop loop = EventLoop.start(backend, "wake-test")) {
            for (int i = 0; i < 20; i++) {
                awaitSleeping(loop);
                long before = loop.wakeupCount();
                CountDownLatch done = new CountDownLatch(1);
                loop.execute(done::countDown);
                done.await();
                assertEquals(1, loop.wakeupCount() - before, "one eventfd write wakes a sleeping loop");
            }
        }
    }

    /** Waits until the loop has announced SLEEPING (it has nothing to do, so it gets there by itself). */
    private static void awaitSleeping(EventLoop loop) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!loop.isSleeping()) {
            assertTrue(System.nanoTime() - deadline < 0, "loop never went to sleep");
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldKeepRunningAfterRunnableThrows(Backend backend) throws Exception {
        try (EventLoop loop = EventLoop.start(backend, "wake-test")) {
            loop.execute(() -> {
                throw new IllegalStateException("boom (expected by the test)");
            });
            CountDownLatch after = new CountDownLatch(1);
            loop.execute(after::countDown);
            after.await();
            assertTrue(!loop.isTerminated());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFireTimersNotBeforeDeadline(Backend backend) throws Exception {
        try (EventLoop loop = EventLoop.start(backend, "timer-test")) {
            long delayNs = Duration.ofMillis(20).toNanos();
            long[] firedAt = new long[1];
            long[] scheduledAt = new long[1];
            CountDownLatch fired = new CountDownLatch(1);
            loop.execute(() -> {
                scheduledAt[0] = System.nanoTime();
                loop.schedule(delayNs, () -> {
                    firedAt[0] = System.nanoTime();
                    fired.countDown();
                });
            });
            fired.await();
            assertTrue(firedAt[0] - scheduledAt[0] >= delayNs, "a timer never fires early");
        }
    }
}
