package io.ringloop.net;

import io.ringloop.loop.internal.Loop;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The connections of one {@link TcpServer}, over all its loops: the count against
 * {@link ServerLimits#maxConnections()}, the accepting tasks parked at the limit, and for each loop the list of
 * the connections it serves (for a drain).
 *
 * <p><b>The limit.</b> An accepting task first waits for room ({@link #awaitRoom}): at the limit it parks with
 * no accept submitted, and the kernel's backlog holds new connections. After an accept it takes a slot
 * ({@link #acquire}); with one acceptor (ACCEPTOR) there is always one. With REUSE_PORT the acceptors of other
 * loops may have had accepts pending when the limit was reached; a connection such an accept brings waits,
 * accepted but not served (as it would in the backlog), until a slot frees. So at most {@code maxConnections}
 * handlers run, and at most one connection per loop waits accepted. A handler's end frees its slot
 * ({@link #release}) and unparks the waiting acceptors.
 *
 * <p>Thread contract: the count and the acceptor slots are atomic (any loop); the per-loop lists are touched
 * only on their loop's thread (by the connection's task on that carrier, or by a runnable posted there).
 */
final class ServerConnections {
    private final ServerLimits limits;
    private final List<Loop> loops;
    private final AtomicInteger open = new AtomicInteger();
    /** The acceptor of loop i parked for room, or null. */
    private final AtomicReferenceArray<Thread> parked;
    /** Per loop: the first connection of its list; loop thread only. */
    private final ServerConnection[] heads;
    private volatile boolean stopped;
    private volatile boolean draining;
    private volatile boolean cancelling;
    /** Completed when the server drains and its last connection has closed. */
    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();

    ServerConnections(ServerLimits limits, List<Loop> loops) {
        this.limits = limits;
        this.loops = loops;
        this.parked = new AtomicReferenceArray<>(loops.size());
        this.heads = new ServerConnection[loops.size()];
    }

    ServerLimits limits() {
        return limits;
    }

    int open() {
        return open.get();
    }

    boolean draining() {
        return draining;
    }

    /** True once a drain's deadline passed: the handlers still running are being cancelled. */
    boolean cancelling() {
        return cancelling;
    }

    // ---- the limit ----

    /**
     * Acceptor {@code index}: parks while the server is at its limit. False when the server stopped accepting
     * or the task was cancelled (stop).
     */
    boolean awaitRoom(int index) {
        int max = limits.maxConnections();
        while (open.get() >= max) {
            Thread me = Thread.currentThread();
            parked.set(index, me);
            if (open.get() >= max && !stopped) { // re-checked after announcing: a release in between unparks
                LockSupport.park(this);
            }
            parked.set(index, null);
            if (stopped || me.isInterrupted()) {
                return false;
            }
        }
        return !stopped;
    }

    /** Acceptor {@code index}, with a connection in hand: takes a slot, waiting for one; false to stop. */
    boolean acquire(int index) {
        int max = limits.maxConnections();
        while (true) {
            int n = open.get();
            if (n < max) {
                if (open.compareAndSet(n, n + 1)) {
                    return true;
                }
            } else if (!awaitRoom(index)) {
                return false;
            }
        }
    }

    /** A connection's handler ended (or it was never served): frees its slot. */
    void release() {
        int left = open.decrementAndGet();
        for (int i = 0; i < parked.length(); i++) {
            Thread t = parked.get(i);
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        if (left == 0 && draining) {
            allClosed.complete(null);
        }
    }

    /** Accepting stops: parked acceptors wake and end. */
    void stopAccepting() {
        stopped = true;
        for (int i = 0; i < parked.length(); i++) {
            Thread t = parked.get(i);
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    // ---- the per-loop lists (loop thread) ----

    void add(ServerConnection c) {
        int i = c.loopIndex();
        ServerConnection head = heads[i];
        c.next = head;
        if (head != null) {
            head.prev = c;
        }
        heads[i] = c;
        if (cancelling) {
            c.task.interrupt(); // served after the drain's deadline swept this loop
        }
    }

    void remove(ServerConnection c) {
        int i = c.loopIndex();
        if (c.prev != null) {
            c.prev.next = c.next;
        } else if (heads[i] == c) {
            heads[i] = c.next;
        }
        if (c.next != null) {
            c.next.prev = c.prev;
        }
        c.prev = null;
        c.next = null;
    }

    // ---- drain ----

    /**
     * Any thread but the loops': waits up to {@code timeoutNs} for every connection to close after cancelling
     * the reads that wait outside a request; then cancels the handlers still running and gives them
     * {@code graceNs} to end. True when all closed within the first wait.
     */
    boolean drain(long timeoutNs, long graceNs) throws InterruptedException {
        draining = true;
        if (open.get() == 0) {
            allClosed.complete(null);
        }
        onEachLoop(false);
        if (await(timeoutNs)) {
            return true;
        }
        cancelling = true;
        onEachLoop(true);
        await(graceNs);
        return false;
    }

    private boolean await(long timeoutNs) throws InterruptedException {
        try {
            allClosed.get(Math.max(0, timeoutNs), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("never completed exceptionally", e);
        }
    }

    /** Posts to every loop: close what waits idle (or, {@code cancel}, interrupt every handler). */
    private void onEachLoop(boolean cancel) {
        for (int i = 0; i < loops.size(); i++) {
            int index = i;
            try {
                loops.get(i).execute(() -> {
                    for (ServerConnection c = heads[index]; c != null; c = c.next) {
                        if (cancel) {
                            c.task.interrupt();
                        } else {
                            c.drainIfIdle();
                        }
                    }
                });
            } catch (RejectedExecutionException ignore) {
                // the loop is shut down: its tasks were cancelled with it
            }
        }
    }
}
