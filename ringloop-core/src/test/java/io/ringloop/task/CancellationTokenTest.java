package io.ringloop.task;

import static io.ringloop.net.TcpEchoTestAccess.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** CancellationToken: the tree, callbacks, waiting (tasks and plain threads), tasks bound to a token. */
class CancellationTokenTest {

    @Test
    void shouldCancelChildrenButNotParentOrSiblings() {
        CancellationToken root = new CancellationToken();
        CancellationToken a = root.child();
        CancellationToken b = root.child();
        CancellationToken aa = a.child();
        assertTrue(a.cancel());
        assertTrue(a.isCancelled());
        assertTrue(aa.isCancelled(), "a grandchild follows its parent");
        assertFalse(root.isCancelled(), "cancelling a child leaves the parent");
        assertFalse(b.isCancelled(), "and the siblings");
        assertFalse(a.cancel(), "only the first cancel does anything");
        assertTrue(root.cancel());
        assertTrue(b.isCancelled());
        assertTrue(root.child().isCancelled(), "a child of a cancelled token is born cancelled");
    }

    @Test
    void shouldRunCallbacksInOrderOnTheCancellingThreadAndOnlyOnce() {
        CancellationToken t = new CancellationToken();
        List<String> seen = new ArrayList<>();
        t.onCancel(() -> seen.add("first " + Thread.currentThread().getName()));
        CancellationToken.Registration gone = t.onCancel(() -> seen.add("closed"));
        t.onCancel(() -> seen.add("third"));
        gone.close();
        gone.close(); // twice is fine
        t.cancel();
        t.cancel();
        assertEquals(List.of("first " + Thread.currentThread().getName(), "third"), seen);
        t.onCancel(() -> seen.add("late, at once"));
        assertEquals("late, at once", seen.getLast());
        assertThrows(CancellationException.class, t::throwIfCancelled);
    }

    @Test
    void shouldRunEveryCallbackThenRethrowTheFirstFailure() {
        CancellationToken t = new CancellationToken();
        AtomicInteger ran = new AtomicInteger();
        t.onCancel(() -> {
            ran.incrementAndGet();
            throw new IllegalStateException("first, expected by the test");
        });
        t.onCancel(ran::incrementAndGet);
        t.onCancel(() -> {
            throw new IllegalArgumentException("second, expected by the test");
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, t::cancel);
        assertEquals(2, ran.get(), "a failing callback does not stop the others");
        assertEquals(1, e.getSuppressed().length);
        assertTrue(t.isCancelled());
    }

    @Test
    void shouldNotDropACheckedExceptionACallbackThrowsSneakily() {
        CancellationToken t = new CancellationToken();
        t.onCancel(() -> sneakyThrow(new IOException("checked, expected by the test")));
        IllegalStateException e = assertThrows(IllegalStateException.class, t::cancel);
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        assertTrue(t.isCancelled());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    /**
     * Threads register, close and make children while another cancels: every callback that was never closed runs
     * exactly once (by the cancel, or at once if registered after it), none runs twice, every child ends up
     * cancelled.
     */
    @Test
    void shouldRunEachLiveCallbackExactlyOnceUnderConcurrentRegistration() throws Exception {
        for (int round = 0; round < 20; round++) {
            CancellationToken t = new CancellationToken();
            int perThread = 2_000;
            int threads = 3;
            AtomicInteger[][] runs = new AtomicInteger[threads][perThread];
            List<CancellationToken> children = new CopyOnWriteArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                AtomicInteger[] mine = runs[w];
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        AtomicInteger count = new AtomicInteger();
                        mine[i] = count;
                        CancellationToken.Registration r = t.onCancel(count::incrementAndGet);
                        if (i % 2 == 1) {
                            r.close(); // closed: may have run once (the cancel came first), or not at all
                        }
                        if (i % 100 == 0) {
                            children.add(t.child());
                        }
                    }
                }));
            }
            go.countDown();
            Thread.yield();
            t.cancel();
            for (Thread w : workers) {
                w.join();
            }
            for (AtomicInteger[] mine : runs) {
                for (int i = 0; i < perThread; i++) {
                    if (i % 2 == 0) {
                        assertEquals(1, mine[i].get(), "a live callback runs exactly once");
                    } else {
                        assertTrue(mine[i].get() <= 1, "a closed callback ran " + mine[i].get() + " times");
                    }
                }
            }
            for (CancellationToken c : children) {
                assertTrue(c.isCancelled());
            }
        }
    }

    @Test
    void shouldParkPlainThreadUntilCancelled() throws Exception {
        CancellationToken t = new CancellationToken();
        AtomicBoolean returned = new AtomicBoolean();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                t.await();
                returned.set(true);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitParked(waiter);
        assertFalse(returned.get());
        t.cancel();
        waiter.join();
        assertTrue(returned.get());
        assertFalse(new CancellationToken().await(Duration.ofMillis(1)), "a timed wait ends without the cancel");
        assertTrue(t.await(Duration.ZERO), "zero is no limit; the token is cancelled");
        assertThrows(IllegalArgumentException.class, () -> t.await(Duration.ofMillis(-1)));
    }

    /**
     * Tokens across loops: tasks on two loops wait on one token, tasks on both are bound to it while they read
     * from real streams; a plain thread cancels the root, and everything ends. The streams keep their data.
     */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCancelWaitersAndBoundReadsOnEveryLoopFromPlainThread(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(2).start()) {
            CancellationToken root = new CancellationToken();
            List<JoinHandle<?>> tasks = new ArrayList<>();
            List<TcpStream[]> pairs = new CopyOnWriteArrayList<>();
            List<Thread> parked = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 2; i++) {
                CancellationToken mine = root.child();
                tasks.add(rt.spawnOn(i, () -> {
                    parked.add(Thread.currentThread());
                    mine.await();
                    return "woken";
                }));
                TcpStream[] pair = rt.spawnOn(i, CancellationTokenTest::connectedPair).join();
                pairs.add(pair);
                tasks.add(mine.bind(rt.spawnOn(i, () -> pair[1].read(new byte[8]))));
            }
            for (Thread t : parked) {
                awaitParked(t);
            }
            for (JoinHandle<?> h : tasks) {
                assertFalse(h.isDone());
            }
            root.cancel();
            assertEquals("woken", tasks.get(0).join());
            assertEquals("woken", tasks.get(2).join());
            assertThrows(CancellationException.class, tasks.get(1)::join);
            assertThrows(CancellationException.class, tasks.get(3)::join);
            for (int i = 0; i < 2; i++) {
                TcpStream[] pair = pairs.get(i);
                byte[] got = rt.spawnOn(i, () -> {
                    pair[0].writeAll("still".getBytes());
                    byte[] b = new byte[5];
                    pair[1].readFully(b, 0, 5);
                    pair[0].close();
                    pair[1].close();
                    return b;
                }).join();
                assertArrayEquals("still".getBytes(), got, "the cancelled read lost no data");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCancelTaskBoundToCancelledTokenBeforeItRuns(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            CancellationToken t = new CancellationToken();
            t.cancel();
            AtomicBoolean ran = new AtomicBoolean();
            JoinHandle<Boolean> h = rt.blockOn(() -> t.bind(Tasks.spawn(() -> ran.getAndSet(true))));
            assertThrows(CancellationException.class, h::join);
            assertFalse(ran.get());
            // A task that ends first drops its binding: a later cancel does not touch its handle.
            CancellationToken later = new CancellationToken();
            JoinHandle<String> done = later.bind(rt.spawn(() -> "done"));
            assertEquals("done", done.join());
            later.cancel();
            assertFalse(done.isCancelled());
        }
    }

    static TcpStream[] connectedPair() throws Exception {
        try (TcpListener l = TcpListener.bind(ANY_LOCAL)) {
            TcpStream c = TcpStream.connect(l.localAddress());
            return new TcpStream[] {c, l.accept()};
        }
    }

    /**
     * Waits (without sleeping) until {@code t} is parked or waiting: it has reached its wait. A task caller yields
     * to its loop meanwhile, so that {@code t} can run there.
     */
    static void awaitParked(Thread t) {
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (!t.isAlive() && t.getState() == Thread.State.TERMINATED) {
                throw new AssertionError(t + " ended instead of waiting");
            }
            Tasks.yieldNow();
        }
    }
}
