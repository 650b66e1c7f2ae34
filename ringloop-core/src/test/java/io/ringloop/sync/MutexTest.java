package io.ringloop.sync;

import static io.ringloop.sync.TestThreads.awaitParked;
import static io.ringloop.sync.TestThreads.joinAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.sync.TestThreads.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class MutexTest {
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Test
    void shouldGuardValueAndUnlockOnClose() throws InterruptedException {
        Mutex<StringBuilder> mutex = new Mutex<>(new StringBuilder());
        try (Mutex.Guard<StringBuilder> guard = mutex.lock()) {
            assertTrue(mutex.isLocked());
            guard.get().append("a");
            assertNull(mutex.tryLock());
        }
        assertFalse(mutex.isLocked());
        Mutex.Guard<StringBuilder> guard = mutex.tryLock();
        assertNotNull(guard);
        assertEquals("a", guard.get().toString());
        guard.set(new StringBuilder("b"));
        guard.close();
        try (Mutex.Guard<StringBuilder> again = mutex.lock()) {
            assertSame(guard, again); // one guard per mutex: no allocation per lock
            assertEquals("b", again.get().toString());
        }
    }

    @Test
    void shouldRefuseUnlockByNonHolder() throws InterruptedException {
        Mutex<Integer> mutex = new Mutex<>(0);
        Mutex.Guard<Integer> guard = mutex.lock();
        guard.close();
        assertThrows(IllegalMonitorStateException.class, guard::close); // closed twice
        Mutex.Guard<Integer> held = mutex.lock();
        Thread other = Thread.ofVirtual().start(() ->
                assertThrows(IllegalMonitorStateException.class, held::close));
        other.join();
        assertTrue(mutex.isLocked());
        held.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldGrantInArrivalOrder(Kind kind) throws InterruptedException {
        Mutex<List<Integer>> mutex = new Mutex<>(new ArrayList<>());
        Mutex.Guard<List<Integer>> held = mutex.lock();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int id = i;
            Thread waiter = kind.start("waiter-" + i, () -> {
                try (Mutex.Guard<List<Integer>> guard = mutex.lock()) {
                    guard.get().add(id);
                }
            }, failure);
            awaitParked(waiter);
            waiters.add(waiter);
        }
        assertNull(mutex.tryLock()); // no barging past the queue
        held.close();
        joinAll(waiters, failure);
        try (Mutex.Guard<List<Integer>> guard = mutex.lock()) {
            assertEquals(List.of(0, 1, 2, 3, 4), guard.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldLeaveQueueWhenInterrupted(Kind kind) throws InterruptedException {
        Mutex<Integer> mutex = new Mutex<>(0);
        Mutex.Guard<Integer> held = mutex.lock();
        Thread cancelled = kind.start("cancelled",
                () -> assertThrows(InterruptedException.class, mutex::lock), failure);
        awaitParked(cancelled);
        Thread next = kind.start("next", () -> mutex.lock().close(), failure);
        awaitParked(next);
        cancelled.interrupt();
        joinAll(List.of(cancelled), failure);
        held.close(); // must go to "next", not to the departed waiter
        joinAll(List.of(next), failure);
        assertFalse(mutex.isLocked());
    }

    /**
     * Hand-over racing interrupt, many times: the holder unlocks while the head waiter is interrupted. Either
     * the waiter got the lock (and releases it) or it passes it on; the next waiter must always get it.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldNeverLoseHandOverRacingInterrupt(Kind kind) throws InterruptedException {
        for (int round = 0; round < 300; round++) {
            Mutex<Integer> mutex = new Mutex<>(0);
            Mutex.Guard<Integer> held = mutex.lock();
            AtomicInteger outcomes = new AtomicInteger();
            Thread racer = kind.start("racer", () -> {
                try {
                    mutex.lock().close();
                    outcomes.incrementAndGet();
                } catch (InterruptedException cancelled) {
                    outcomes.addAndGet(100);
                }
            }, failure);
            awaitParked(racer);
            Thread next = kind.start("next", () -> mutex.lock().close(), failure);
            awaitParked(next);
            Thread interrupter = kind.start("interrupter", racer::interrupt, failure);
            held.close();
            joinAll(List.of(interrupter, racer, next), failure);
            assertTrue(outcomes.get() == 1 || outcomes.get() == 100, "outcome " + outcomes.get());
            assertFalse(mutex.isLocked());
        }
    }

    /** Many threads increment under the lock while being interrupted; counts balance, lock ends free. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldExcludeAndLoseNothingUnderInterruptStress(Kind kind) throws InterruptedException {
        Mutex<long[]> mutex = new Mutex<>(new long[1]);
        int threads = 6;
        int sections = 3_000;
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger inside = new AtomicInteger();
        List<Thread> workers = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            workers.add(kind.start("worker-" + t, () -> {
                for (int i = 0; i < sections; i++) {
                    try (Mutex.Guard<long[]> guard = mutex.lock()) {
                        assertEquals(1, inside.incrementAndGet(), "two holders");
                        guard.get()[0]++;
                        inside.decrementAndGet();
                        completed.incrementAndGet();
                    } catch (InterruptedException cancelled) {
                        // leave the queue, try the next section
                    }
                }
            }, failure));
        }
        for (int round = 0; round < 3_000 && workers.stream().anyMatch(Thread::isAlive); round++) {
            workers.get(round % threads).interrupt();
            Thread.yield();
        }
        joinAll(workers, failure);
        assertFalse(mutex.isLocked());
        try (Mutex.Guard<long[]> guard = mutex.lock()) {
            assertEquals(completed.get(), guard.get()[0]);
        }
    }
}
