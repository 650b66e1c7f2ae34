package io.ringloop.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fair counting semaphore for tasks (virtual threads) and plain threads. {@link #acquire(int)} may ask for
 * several permits at once; requests are served strictly in arrival order, so a large request at the head
 * holds back smaller ones behind it (no starvation of large requests), as in tokio's semaphore.
 *
 * <p>State: one {@code long}, the available permits, with the {@link #QUEUED} bit set while anyone waits.
 * With the bit clear, acquire and release are a single CAS and allocate nothing. With it set, every change
 * happens under {@code queueLock}, and release hands permits straight to the waiters at the head.
 *
 * <p>Cancellation: an interrupted waiter leaves the queue (which may let the waiters behind it proceed); if
 * its permits were handed over at the same moment, it releases them again before throwing. No permit is lost.
 */
public final class Semaphore {
    /** Set in {@code state} while the wait queue is non-empty; cleared only under queueLock. */
    private static final long QUEUED = 1L << 62;
    /** Upper bound on available permits. */
    public static final long MAX_PERMITS = Integer.MAX_VALUE;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Semaphore.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Available permits, plus QUEUED. Volatile semantics only. */
    private volatile long state;
    private final ReentrantLock queueLock = new ReentrantLock();
    /** Guarded by queueLock. */
    private final WaitList waiters = new WaitList();

    public Semaphore(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0: " + permits);
        }
        this.state = permits;
    }

    /** Permits available now (a snapshot). */
    public long availablePermits() {
        return state & ~QUEUED;
    }

    /** Waits for one permit. */
    public void acquire() throws InterruptedException {
        acquire(1);
    }

    /**
     * Waits (fairly, FIFO) until {@code permits} permits are available and takes them all at once.
     *
     * @throws InterruptedException if interrupted while waiting; no permit is then held
     */
    public void acquire(int permits) throws InterruptedException {
        checkPositive(permits);
        if (tryAcquire(permits)) {
            return;
        }
        acquireSlow(permits);
    }

    /** Takes {@code permits} permits if available and nobody is waiting; never waits. */
    public boolean tryAcquire(int permits) {
        checkPositive(permits);
        while (true) {
            long s = state;
            if ((s & QUEUED) != 0 || s < permits) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s - permits)) {
                return true;
            }
        }
    }

    /** Returns one permit. */
    public void release() {
        release(1);
    }

    /**
     * Returns {@code permits} permits, waking the waiters at the head whose requests they satisfy.
     *
     * @throws IllegalStateException if the total would exceed {@link #MAX_PERMITS}
     */
    public void release(int permits) {
        checkPositive(permits);
        while (true) {
            long s = state;
            if ((s & QUEUED) != 0) {
                releaseSlow(permits);
                return;
            }
            if (s + permits > MAX_PERMITS) {
                throw new IllegalStateException("permit overflow: " + s + " + " + permits);
            }
            if (STATE.compareAndSet(this, s, s + permits)) {
                return;
            }
        }
    }

    private void acquireSlow(int permits) throws InterruptedException {
        Waiter waiter;
        queueLock.lock();
        try {
            while (true) {
                long s = state;
                if ((s & QUEUED) != 0) {
                    break;
                }
                if (s >= permits) {
                    if (STATE.compareAndSet(this, s, s - permits)) {
                        return;
                    }
                } else if (STATE.compareAndSet(this, s, s | QUEUED)) {
                    break;
                }
            }
            waiter = new Waiter(Thread.currentThread(), permits);
            waiters.add(waiter);
        } finally {
            queueLock.unlock();
        }
        try {
            waiter.await(this);
        } catch (InterruptedException e) {
            cancel(waiter);
            throw e;
        }
    }

    private void cancel(Waiter waiter) {
        queueLock.lock();
        try {
            if (waiters.remove(waiter)) {
                // Leaving may unblock the waiters behind us (we were holding them back).
                grantLocked();
            } else {
                // The permits were handed to us as we were interrupted: give them back.
                release((int) waiter.amount);
            }
        } finally {
            queueLock.unlock();
        }
    }

    private void releaseSlow(int permits) {
        queueLock.lock();
        try {
            long s = state;
            if ((s & QUEUED) == 0) {
                release(permits); // the queue emptied meanwhile: the fast path applies (we hold the lock; fine)
                return;
            }
            if ((s & ~QUEUED) + permits > MAX_PERMITS) {
                throw new IllegalStateException("permit overflow: " + (s & ~QUEUED) + " + " + permits);
            }
            state = s + permits; // QUEUED is set, so only queueLock holders write state
            grantLocked();
        } finally {
            queueLock.unlock();
        }
    }

    /** Hands available permits to waiters in order while the head's request fits; keeps QUEUED exact. */
    private void grantLocked() {
        long available = state & ~QUEUED;
        while (true) {
            Waiter head = waiters.peek();
            if (head == null || head.amount > available) {
                state = head == null ? available : available | QUEUED;
                return;
            }
            waiters.poll();
            available -= head.amount;
            // Publish before waking. Once QUEUED is clear, fast paths may CAS again, so never write after that.
            state = waiters.isEmpty() ? available : available | QUEUED;
            head.wake(Waiter.GRANTED);
            if (waiters.isEmpty()) {
                return;
            }
        }
    }

    private static void checkPositive(int permits) {
        if (permits <= 0) {
            throw new IllegalArgumentException("permits must be > 0: " + permits);
        }
    }
}
