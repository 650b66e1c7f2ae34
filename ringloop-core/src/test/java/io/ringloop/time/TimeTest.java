package io.ringloop.time;

import static io.ringloop.net.TcpEchoTestAccess.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** sleep, sleepUntil, timeout and interval on the loop's timer wheel; every backend. */
class TimeTest {

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNeverWakeBeforeDeadline(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                for (int ms : new int[] {0, 1, 3, 7, 20}) {
                    long start = System.nanoTime();
                    Time.sleep(Duration.ofMillis(ms));
                    assertTrue(System.nanoTime() - start >= ms * 1_000_000L, "slept at least " + ms + " ms");
                }
                Instant until = Instant.now().plusMillis(15);
                Time.sleepUntil(until);
                assertTrue(!Instant.now().isBefore(until));
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldWakeSleepersInDeadlineOrder(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
            rt.blockOn(() -> {
                List<JoinHandle<Void>> sleepers = new ArrayList<>();
                // One base for every deadline: how late each task starts (a loaded machine) cannot reorder them.
                long base = System.nanoTime();
                for (int i = 9; i >= 0; i--) {
                    int id = i;
                    // deadlines 3 ms apart: different wheel ticks, so the wheel fires them in this order
                    sleepers.add(Tasks.spawn(() -> {
                        Time.sleepUntilNanos(base + Duration.ofMillis(50 + 3L * id).toNanos());
                        order.add(id);
                        return null;
                    }));
                }
                for (JoinHandle<Void> h : sleepers) {
                    h.join();
                }
                return null;
            });
            assertArrayEquals(new Integer[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, order.toArray(new Integer[0]));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCancelSleepingTask(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            CountDownLatch sleeping = new CountDownLatch(1);
            JoinHandle<Void> h = rt.spawn(() -> {
                sleeping.countDown();
                Time.sleep(Duration.ofHours(1));
                return null;
            });
            sleeping.await();
            h.cancel();
            assertThrows(CancellationException.class, h::join);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTimeOutReadAndKeepLaterData(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                     TcpStream s = l.accept()) {
                    byte[] buf = new byte[4];
                    assertThrows(TimeoutException.class, () -> Time.timeout(Duration.ofMillis(20), () -> s.read(buf)));
                    assertTrue(!Thread.currentThread().isInterrupted(), "the timeout's interrupt does not leak");
                    c.writeAll("data".getBytes());
                    int n = Time.timeout(Duration.ofSeconds(30), () -> {
                        s.readFully(buf, 0, 4);
                        return 4;
                    });
                    assertEquals(4, n);
                    assertArrayEquals("data".getBytes(), buf);
                    assertEquals("fast", Time.timeout(Duration.ofSeconds(30), () -> "fast"));
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTickIntervalAtPeriodNeverEarly(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                Interval iv = Time.interval(Duration.ofMillis(4));
                long first = iv.tick();
                for (int i = 1; i <= 5; i++) {
                    long scheduled = iv.tick();
                    assertEquals(first + i * 4_000_000L, scheduled, "BURST keeps the original phase");
                    assertTrue(System.nanoTime() - scheduled >= 0, "never early");
                }
                return null;
            });
        }
    }

    @Test
    void shouldApplyMissedTickPolicies() {
        long p = 10;
        // on time: every policy goes one period on
        for (MissedTicks m : MissedTicks.values()) {
            assertEquals(110, Interval.next(m, 100, 101, p), m.name());
        }
        // 35 late (3.5 periods): burst replays, delay shifts, skip jumps to the next tick of the schedule
        assertEquals(110, Interval.next(MissedTicks.BURST, 100, 135, p));
        assertEquals(145, Interval.next(MissedTicks.DELAY, 100, 135, p));
        assertEquals(140, Interval.next(MissedTicks.SKIP, 100, 135, p));
        // exactly on a later tick: skip moves past it
        assertEquals(150, Interval.next(MissedTicks.SKIP, 100, 140, p));
    }

    @Test
    void shouldSleepOnPlainThreadToo() throws Exception {
        long start = System.nanoTime();
        Time.sleep(Duration.ofMillis(5));
        assertTrue(System.nanoTime() - start >= 5_000_000L);
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSleepInWorkStealingTask(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).workStealing(true).start()) {
            long elapsed = rt.blockOn(() -> {
                long start = System.nanoTime();
                Time.sleep(Duration.ofMillis(5));
                return System.nanoTime() - start;
            });
            assertTrue(elapsed >= 5_000_000L);
        }
    }
}
