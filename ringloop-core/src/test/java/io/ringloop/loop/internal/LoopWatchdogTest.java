package io.ringloop.loop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.loop.Backend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

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
}
