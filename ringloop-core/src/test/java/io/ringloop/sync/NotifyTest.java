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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class NotifyTest {
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Test
    void shouldStoreOnePermitWhenNobodyWaits() throws InterruptedException {
        Notify notify = new Notify();
        assertFalse(notify.tryAwait());
        notify.notifyOne();
        notify.notifyOne(); // permits do not add up
        notify.await(); // returns at once
        assertFalse(notify.tryAwait());
    }

    @Test
    void shouldStoreNothingOnNotifyWaiters() {
        Notify notify = new Notify();
        notify.notifyWaiters();
        assertFalse(notify.tryAwait());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldWakeOneWaiterInOrder(Kind kind) throws InterruptedException {
        Notify notify = new Notify();
        List<Integer> woken = new ArrayList<>();
        Object lock = new Object();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int id = i;
            Thread waiter = kind.start("waiter-" + i, () -> {
                notify.await();
                synchronized (lock) {
                    woken.add(id);
                }
            }, failure);
            awaitParked(waiter);
            waiters.add(waiter);
        }
        for (int i = 0; i < 3; i++) {
            notify.notifyOne();
            joinAll(List.of(waiters.get(i)), failure); // exactly the longest waiter wakes
        }
        assertEquals(List.of(0, 1, 2), woken);
        assertFalse(notify.tryAwait()); // every notification went to a waiter
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldWakeAllCurrentWaiters(Kind kind) throws InterruptedException {
        Notify notify = new Notify();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread waiter = kind.start("waiter-" + i, notify::await, failure);
            awaitParked(waiter);
            waiters.add(waiter);
        }
        notify.notifyWaiters();
        joinAll(waiters, failure);
        assertFalse(notify.tryAwait());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldLeaveQueueWhenInterrupted(Kind kind) throws InterruptedException {
        Notify notify = new Notify();
        Thread cancelled = kind.start("cancelled",
                () -> assertThrows(InterruptedException.class, notify::await), failure);
        awaitParked(cancelled);
        cancelled.interrupt();
        joinAll(List.of(cancelled), failure);
        notify.notifyOne(); // nobody waits any more: stored
        assertTrue(notify.tryAwait());
    }

    /**
     * notifyOne racing the interrupt of the waiter it picks, many times: the notification reaches the racer
     * (it returns normally) or is forwarded to the next waiter; never lost, never duplicated.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldForwardNotificationRacingInterrupt(Kind kind) throws InterruptedException {
        for (int round = 0; round < 300; round++) {
            Notify notify = new Notify();
            AtomicInteger racerNotified = new AtomicInteger();
            Thread racer = kind.start("racer", () -> {
                try {
                    notify.await();
                    racerNotified.set(1);
                } catch (InterruptedException cancelled) {
                    racerNotified.set(0);
                }
            }, failure);
            awaitParked(racer);
            AtomicInteger nextNotified = new AtomicInteger();
            Thread next = kind.start("next", () -> {
                notify.await();
                nextNotified.incrementAndGet();
            }, failure);
            awaitParked(next);
            Thread interrupter = kind.start("interrupter", racer::interrupt, failure);
            notify.notifyOne();
            joinAll(List.of(interrupter, racer), failure);
            if (racerNotified.get() == 0) {
                joinAll(List.of(next), failure); // forwarded: next must wake
            } else {
                assertEquals(0, nextNotified.get(), "one notifyOne woke two");
                notify.notifyOne();
                joinAll(List.of(next), failure);
            }
            assertFalse(notify.tryAwait(), "round " + round + ": a permit appeared from nowhere");
        }
    }
}
