package io.ringloop.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The primitives used the way ringloop tasks use them: virtual threads whose scheduler is one platform
 * thread (a stand-in for an event loop's carrier, built through the same non-public JDK constructor the
 * runtime uses; needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}, else skipped). If waiting blocked
 * the carrier instead of parking the virtual thread, the partner task on the same carrier could never run and
 * these tests would hang. Two carriers stand for two loops.
 */
final class SyncOnLoopCarrierTest {
    private final List<ExecutorService> carriers = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @AfterEach
    void shutDown() {
        carriers.forEach(ExecutorService::shutdownNow);
    }

    private Thread.Builder.OfVirtual loop() {
        Constructor<?> constructor;
        try {
            Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            constructor = builder.getDeclaredConstructor(Executor.class);
            constructor.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            assumeTrue(false, "no custom virtual-thread scheduler here: " + e);
            throw new AssertionError(e);
        }
        ExecutorService carrier = Executors.newSingleThreadExecutor();
        carriers.add(carrier);
        try {
            return (Thread.Builder.OfVirtual) constructor.newInstance((Executor) carrier);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private Thread task(Thread.Builder.OfVirtual loop, TestThreads.ThrowingRunnable body) {
        return loop.start(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
    }

    private void join(Thread... threads) throws InterruptedException {
        for (Thread thread : threads) {
            assertTrue(thread.join(Duration.ofSeconds(30)), "hung: a wait blocked the carrier? " + thread);
        }
        if (failure.get() != null) {
            throw new AssertionError("a task failed", failure.get());
        }
    }

    @Test
    void shouldPingPongThroughTinyChannelOnOneCarrier() throws InterruptedException {
        Thread.Builder.OfVirtual loop = loop();
        Channel<Integer> channel = Channel.bounded(1);
        int messages = 20_000;
        AtomicLong sum = new AtomicLong();
        Thread consumer = task(loop, () -> {
            for (int i = 0; i < messages; i++) {
                sum.addAndGet(channel.receive());
            }
        });
        Thread producer = task(loop, () -> {
            for (int i = 0; i < messages; i++) {
                channel.send(i); // parks when full; the consumer runs on the same carrier meanwhile
            }
        });
        join(producer, consumer);
        assertEquals((long) messages * (messages - 1) / 2, sum.get());
    }

    @Test
    void shouldCarryMessagesBetweenTwoCarriers() throws InterruptedException {
        Thread.Builder.OfVirtual loopA = loop();
        Thread.Builder.OfVirtual loopB = loop();
        Channel<Integer> requests = Channel.bounded(4);
        Channel<Integer> replies = Channel.unbounded();
        int messages = 10_000;
        Thread server = task(loopB, () -> {
            for (int i = 0; i < messages; i++) {
                replies.send(requests.receive() + 1);
            }
        });
        Thread client = task(loopA, () -> {
            for (int i = 0; i < messages; i++) {
                requests.send(i);
                assertEquals(i + 1, replies.receive());
            }
        });
        join(client, server);
    }

    @Test
    void shouldShareMutexSemaphoreAndNotifyAcrossTasksOnOneCarrier() throws InterruptedException {
        Thread.Builder.OfVirtual loop = loop();
        Mutex<long[]> mutex = new Mutex<>(new long[1]);
        Semaphore semaphore = new Semaphore(1);
        Notify ready = new Notify();
        AtomicInteger finished = new AtomicInteger();
        List<Thread> tasks = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            tasks.add(task(loop, () -> {
                for (int i = 0; i < 1_000; i++) {
                    try (Mutex.Guard<long[]> guard = mutex.lock()) {
                        semaphore.acquire();
                        Thread.yield(); // let the others queue up behind us on this carrier
                        guard.get()[0]++;
                        semaphore.release();
                    }
                }
                finished.incrementAndGet();
                ready.notifyOne();
            }));
        }
        Thread waiter = task(loop, () -> {
            while (finished.get() < 4) {
                ready.await(); // a notifyOne between the check and the await is kept as the permit
            }
        });
        join(tasks.toArray(new Thread[0]));
        join(waiter);
        try (Mutex.Guard<long[]> guard = mutex.lock()) {
            assertEquals(4_000, guard.get()[0]);
        }
        assertEquals(1, semaphore.availablePermits());
    }
}
