package io.ringloop.loop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.loop.Backend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import io.ringloop.task.Tasks;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The blocked-loop detector, sampled by hand at chosen times (its thread not started). */
class LoopWatchdogTest {
    private static final long SECOND_NS = 1_000_000_000L;

    @Test
    void shouldMeasureABlockedLoopFromWhenItWasFirstSeenAndReportItOncePerEpisode() throws Exception {
        try (Loop loop = Loop.start(Backend.EPOLL, "watched")) {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> {
                inside.countDown();
                try {
                    release.await(); // the loop thread stays inside this turn
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            inside.await();
            try {
                long t0 = 1_000 * SECOND_NS; // any origin: only differences count
                LoopWatchdog w = new LoopWatchdog(List.of(loop), Duration.ofSeconds(1), t0, false);
                assertEquals(0, w.sample(t0 + SECOND_NS / 2), "blocked for half the threshold since first seen");
                assertEquals(1, w.sample(t0 + 2 * SECOND_NS), "blocked for twice the threshold");
                assertEquals(0, w.sample(t0 + 3 * SECOND_NS), "one report per episode");
                assertEquals(1, w.blockedEpisodes());
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void shouldNotReportAnIdleLoop() throws Exception {
        try (Loop loop = Loop.start(Backend.EPOLL, "idle")) {
            LoopWatchdog w = new LoopWatchdog(List.of(loop), Duration.ofSeconds(1), 0, false);
            // An idle loop sleeps in its poll; a loop that just ran a turn has moved on. Either way: not blocked.
            CountDownLatch ran = new CountDownLatch(1);
            loop.execute(ran::countDown);
            ran.await();
            while (!loop.isSleeping()) {
                Thread.onSpinWait(); // the turn that ran it ends, and nothing else is queued: it goes to sleep
            }
            assertEquals(0, w.sample(10 * SECOND_NS));
            assertEquals(0, w.sample(20 * SECOND_NS));
        }
    }

    /** Runs {@code hold} on {@code loop} until it is inside it, samples past the threshold, returns the report. */
    private static String reportWhileHeld(Loop loop, CountDownLatch inside) throws Exception {
        inside.await();
        List<String> reports = new java.util.ArrayList<>();
        long t0 = 1_000 * SECOND_NS;
        LoopWatchdog w = new LoopWatchdog(List.of(loop), Duration.ofSeconds(1), t0, false, reports::add);
        assertEquals(1, w.sample(t0 + 2 * SECOND_NS), "blocked for twice the threshold");
        return reports.get(0);
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldShowTheStackOfATaskThatNeverYields(Backend backend) throws Exception {
        try (Loop loop = Loop.start(backend, "watched")) {
            CountDownLatch inside = new CountDownLatch(1);
            AtomicBoolean release = new AtomicBoolean();
            Tasks.spawn(loop, () -> spinUntil(inside, release));
            try {
                String report = reportWhileHeld(loop, inside);
                assertTrue(report.contains(": task ringloop-task-"), report);
                assertTrue(report.contains("runs without yielding"), report);
                assertTrue(report.contains("The task's stack:"), report);
                assertTrue(report.contains(LoopWatchdogTest.class.getName() + ".spinUntil"), "the task's frames: "
                        + report);
                assertFalse(report.contains("Loop.turn"), "not the carrier's frames: " + report);
            } finally {
                release.set(true);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSayWhenATaskIsInABlockingCall(Backend backend) throws Exception {
        Process cat = new ProcessBuilder("cat").start();
        try (Loop loop = Loop.start(backend, "watched")) {
            CountDownLatch inside = new CountDownLatch(1);
            var reader = Tasks.spawn(loop, () -> {
                inside.countDown();
                return cat.getInputStream().read(); // a pipe read in native code: the carrier blocks with it
            });
            String report;
            try {
                inside.await();
                while (reader.thread().getStackTrace().length == 0
                        || !reader.thread().getStackTrace()[0].isNativeMethod()) {
                    Thread.onSpinWait(); // until the task is inside the read
                }
                report = reportWhileHeld(loop, inside);
            } finally {
                cat.getOutputStream().write(7);
                cat.getOutputStream().flush();
            }
            assertEquals(7, reader.join());
            assertTrue(report.contains(": task ringloop-task-"), report);
            assertTrue(report.contains("is in a blocking call"), report);
            assertTrue(report.contains(LoopWatchdogTest.class.getName() + ".lambda$shouldSayWhenATaskIsInABlocking"),
                    "the task's frames: " + report);
        } finally {
            cat.destroy();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldBlameCallbackCodeOnTheLoopThread(Backend backend) throws Exception {
        try (Loop loop = Loop.start(backend, "watched")) {
            CountDownLatch inside = new CountDownLatch(1);
            AtomicBoolean release = new AtomicBoolean();
            loop.execute(() -> spinUntil(inside, release));
            try {
                String report = reportWhileHeld(loop, inside);
                assertTrue(report.contains(": callback code on the loop thread runs without yielding"), report);
                assertTrue(report.contains("The loop thread's stack:"), report);
                assertTrue(report.contains(LoopWatchdogTest.class.getName() + ".spinUntil"), report);
            } finally {
                release.set(true);
            }
            CountDownLatch waiting = new CountDownLatch(1);
            CountDownLatch open = new CountDownLatch(1);
            loop.execute(() -> {
                waiting.countDown();
                try {
                    open.await(); // a blocking call in callback code
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                waiting.await();
                while (loop.thread().getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
                String report = reportWhileHeld(loop, waiting);
                assertTrue(report.contains(": callback code on the loop thread is in a blocking call"), report);
            } finally {
                open.countDown();
            }
        }
    }

    private static Void spinUntil(CountDownLatch inside, AtomicBoolean release) {
        inside.countDown(); // unparks the test thread: a native call the watchdog may catch it in, once
        while (!release.get()) {
            Thread.onSpinWait(); // holds the loop: never yields
        }
        return null;
    }
}
