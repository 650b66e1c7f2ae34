package io.ringloop.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One parked thread (virtual or platform) in a {@link WaitList}. Allocated only when a caller really has to
 * wait. The list links ({@code next}, {@code prev}, {@code queued}) are guarded by the owning primitive's lock;
 * {@code state} is written by whoever grants, under that lock, and read by the waiter without it.
 *
 * <p>Protocol, the same in every primitive: the granter removes the waiter from the list, sets a non-WAITING
 * state, then unparks. A waiter that is interrupted takes the lock and looks at its state: still WAITING means
 * it is still queued and simply leaves; anything else means a grant raced the interrupt, and the waiter hands
 * what it was given on (to the next waiter, or back), so nothing is lost.
 */
final class Waiter {
    static final int WAITING = 0;
    /** Given what it asked for (a permit, the lock, a wake-up to retry). */
    static final int GRANTED = 1;
    /** Woken by a broadcast-style wake that carries nothing to pass on ({@code Notify.notifyWaiters}). */
    static final int RELEASED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Thread thread;
    /** What the waiter asks for: permits for a semaphore, 1 elsewhere. */
    final long amount;
    /** Read with getVolatile by the waiter, written with setVolatile by the granter. */
    @SuppressWarnings("unused")
    private int state;
    Waiter next;
    Waiter prev;
    boolean queued;

    Waiter(Thread thread, long amount) {
        this.thread = thread;
        this.amount = amount;
    }

    int lvState() {
        return (int) STATE.getVolatile(this);
    }

    /** Marks the waiter woken with {@code newState} and unparks it. Call after removing it from its list. */
    void wake(int newState) {
        STATE.setVolatile(this, newState);
        LockSupport.unpark(thread);
    }

    /**
     * Parks until woken. On interrupt throws, leaving the interrupt status cleared as the JDK does; the caller
     * must then cancel under its lock.
     */
    void await(Object blocker) throws InterruptedException {
        while (lvState() == WAITING) {
            LockSupport.park(blocker);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
