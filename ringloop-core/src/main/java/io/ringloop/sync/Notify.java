package io.ringloop.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes waiting tasks or threads, with tokio's {@code Notify} semantics:
 * <ul>
 *   <li>{@link #notifyOne()} wakes the longest waiting caller of {@link #await()}; if nobody waits it stores
 *       one permit (at most one: permits do not add up), and the next {@code await} returns at once.</li>
 *   <li>{@link #notifyWaiters()} wakes everybody waiting at that moment and stores nothing.</li>
 * </ul>
 * An interrupted waiter leaves the queue; if a {@code notifyOne} chose it at the same moment, the
 * notification passes to the next waiter (or becomes the stored permit), so it is never lost.
 */
public final class Notify {
    /** {@code state}: no permit, nobody waits. */
    private static final int EMPTY = 0;
    /** {@code state}: one stored permit. */
    private static final int NOTIFIED = 1;
    /** {@code state}: the wait queue is non-empty (so no permit). Entered and left only under queueLock. */
    private static final int WAITING = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Notify.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Volatile semantics only. */
    private volatile int state;
    private final ReentrantLock queueLock = new ReentrantLock();
    /** Guarded by queueLock. */
    private final WaitList waiters = new WaitList();

    /** A notify with no stored permit and nobody waiting. */
    public Notify() {
    }

    /** Wakes one waiter, or stores a permit if nobody waits. */
    public void notifyOne() {
        while (true) {
            int s = state;
            if (s == NOTIFIED || (s == EMPTY && STATE.compareAndSet(this, EMPTY, NOTIFIED))) {
                return;
            }
            if (s == WAITING) {
                queueLock.lock();
                try {
                    if (state == WAITING) {
                        wakeOneLocked();
                        return;
                    }
                } finally {
                    queueLock.unlock();
                }
            }
        }
    }

    /** Wakes every current waiter; stores no permit. */
    public void notifyWaiters() {
        if (state != WAITING) {
            return;
        }
        queueLock.lock();
        try {
            if (state != WAITING) {
                return;
            }
            state = EMPTY;
            Waiter waiter;
            while ((waiter = waiters.poll()) != null) {
                waiter.wake(Waiter.RELEASED);
            }
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Returns at once if a permit is stored (consuming it), else waits for a notification.
     *
     * @throws InterruptedException if interrupted while waiting; a notification that raced the interrupt is
     *                              passed on
     */
    public void await() throws InterruptedException {
        if (STATE.compareAndSet(this, NOTIFIED, EMPTY)) {
            return;
        }
        Waiter waiter;
        queueLock.lock();
        try {
            while (true) {
                int s = state;
                if (s == NOTIFIED) {
                    if (STATE.compareAndSet(this, NOTIFIED, EMPTY)) {
                        return;
                    }
                } else if (s == WAITING || STATE.compareAndSet(this, EMPTY, WAITING)) {
                    break;
                }
            }
            waiter = new Waiter(Thread.currentThread(), 1);
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

    /** Consumes a stored permit if there is one; never waits. */
    public boolean tryAwait() {
        return STATE.compareAndSet(this, NOTIFIED, EMPTY);
    }

    private void cancel(Waiter waiter) {
        queueLock.lock();
        try {
            if (waiters.remove(waiter)) {
                if (waiters.isEmpty()) {
                    state = EMPTY;
                }
            } else if (waiter.lvState() == Waiter.GRANTED) {
                notifyOne(); // chosen by notifyOne as we were interrupted: forward it (reentrant lock)
            }
        } finally {
            queueLock.unlock();
        }
    }

    /** Wakes the head waiter; state is WAITING and queueLock is held. */
    private void wakeOneLocked() {
        Waiter waiter = waiters.poll();
        if (waiters.isEmpty()) {
            state = EMPTY;
        }
        waiter.wake(Waiter.GRANTED);
    }
}
