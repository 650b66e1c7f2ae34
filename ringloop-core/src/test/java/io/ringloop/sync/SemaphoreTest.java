package io.ringloop.sync;

import static io.ringloop.sync.TestThreads.awaitParked;
import static io.ringloop.sync.TestThreads.joinAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.sync.TestThreads.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class SemaphoreTest {
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Test
    void shouldTakeAndReturnSeveralPermits() throws InterruptedException {
        Semaphore semaphore = new Semaphore(5);
        semaphore.acquire(3);
        assertEquals(2, semaphore.availablePermits());
        assertFalse(semaphore.tryAcquire(3));
        assertTrue(semaphore.tryAcquire(2));
        semaphore.release(5);
        assertEquals(5, semaphore.availablePermits());
        assertThrows(IllegalArgumentException.class, () -> semaphore.acquire(0));
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertThrows(IllegalStateException.class, () -> semaphore.release(Integer.MAX_VALUE));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldServeInOrderSoLargeRequestIsNotStarved(Kind kind) throws InterruptedException {
        Semaphore semaphore = new Semaphore(0);
        List<String> order = new CopyOnWriteArrayList<>();
        Thread big = kind.start("big", () -> {
            semaphore.acquire(3);
            order.add("big");
        }, failure);
        awaitParked(big);
        Thread small = kind.start("small", () -> {
            semaphore.acquire(1);
            order.add("small");
        }, failure);
        awaitParked(small);
        semaphore.release(2);
        assertFalse(semaphore.tryAcquire(1)); // queued requests come first
        assertEquals(List.of(), order); // 2 < 3: the big head waits and holds the small one back
        semaphore.release(2); // 4 >= 3 + 1: both, in order
        joinAll(List.of(big, small), failure);
        assertEquals(Set.of("big", "small"), Set.copyOf(order)); // both granted by one release, so either order
        assertEquals(0, semaphore.availablePermits());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldLetNextWaiterProceedWhenHeadIsCancelled(Kind kind) throws InterruptedException {
        Semaphore semaphore = new Semaphore(2);
        Thread big = kind.start("big",
                () -> assertThrows(InterruptedException.class, () -> semaphore.acquire(3)), failure);
        awaitParked(big);
        Thread small = kind.start("small", () -> semaphore.acquire(2), failure);
        awaitParked(small);
        big.interrupt(); // its departure must unblock "small": 2 permits are there
        joinAll(List.of(big, small), failure);
        assertEquals(0, semaphore.availablePermits());
        semaphore.release(2);
        assertEquals(2, semaphore.availablePermits());
    }

    /** Many threads acquire 1..3 permits while being interrupted; never over-granted, no permit lost. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldLoseNoPermitUnderInterruptStress(Kind kind) throws InterruptedException {
        int permits = 4;
        Semaphore semaphore = new Semaphore(permits);
        AtomicInteger inUse = new AtomicInteger();
        AtomicInteger sections = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            long seed = t;
            workers.add(kind.start("worker-" + t, () -> {
                SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < 3_000; i++) {
                    int n = 1 + random.nextInt(3);
                    try {
                        semaphore.acquire(n);
                    } catch (InterruptedException cancelled) {
                        continue;
                    }
                    int now = inUse.addAndGet(n);
                    if (now > permits) {
                        throw new AssertionError("over-granted: " + now);
                    }
                    inUse.addAndGet(-n);
                    sections.incrementAndGet();
                    semaphore.release(n);
                }
            }, failure));
        }
        for (int round = 0; round < 3_000 && workers.stream().anyMatch(Thread::isAlive); round++) {
            workers.get(round % workers.size()).interrupt();
            Thread.yield();
        }
        joinAll(workers, failure);
        assertEquals(permits, semaphore.availablePermits());
        assertTrue(sections.get() > 0);
    }

    /** Grant racing interrupt, many times: the permits end up with the next waiter or back, never lost. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldNeverLoseGrantRacingInterrupt(Kind kind) throws InterruptedException {
        for (int round = 0; round < 300; round++) {
            Semaphore semaphore = new Semaphore(0);
            AtomicInteger held = new AtomicInteger();
            Thread racer = kind.start("racer", () -> {
                try {
                    semaphore.acquire(2);
                    held.addAndGet(2);
                } catch (InterruptedException cancelled) {
                    // the permits, if granted, were given back
                }
            }, failure);
            awaitParked(racer);
            Thread next = kind.start("next", () -> {
                semaphore.acquire(1);
                held.addAndGet(1);
            }, failure);
            awaitParked(next);
            Thread interrupter = kind.start("interrupter", racer::interrupt, failure);
            semaphore.release(3);
            joinAll(List.of(interrupter, racer, next), failure);
            assertEquals(3, held.get() + semaphore.availablePermits(), "round " + round);
        }
    }
}
