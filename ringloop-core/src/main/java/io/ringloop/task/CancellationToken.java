package io.ringloop.task;

import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.Timeouts;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A signal that work should stop, shared by whoever does the work (tokio-util's {@code CancellationToken}).
 * {@link #cancel()} fires it once, from any thread: every callback registered with {@link #onCancel} runs,
 * every task {@link #bind bound} to it is cancelled ({@link JoinHandle#cancel()}), every thread in
 * {@link #await()} returns, and every {@link #child() child} token is cancelled in turn, and so on down.
 * Cancelling a child does not touch its parent or its siblings.
 *
 * <p>A token belongs to no loop: it is cancelled, waited on and registered with from tasks of any loop and from
 * plain threads alike. A waiting task parks (its loop goes on with other work) and is unparked by the cancel, as
 * a plain thread is; nothing polls.
 *
 * <p><b>Callbacks</b> run on the thread that calls {@link #cancel()} (on a loop thread, if a task cancels), in
 * registration order, after the token is marked cancelled and outside its lock, so a callback may use the token.
 * They should be short; what one throws does not stop the others and is rethrown by {@code cancel()} when all have
 * run (the first failure, the others suppressed). A callback registered after the cancel runs at once, on the
 * registering thread.
 *
 * <p><b>Memory.</b> A registration is removed when it fires or is {@link Registration#close() closed}; a bound
 * task's registration is removed when the task ends; a child's registration in its parent is removed when the
 * child is cancelled. A long-lived token therefore holds only the children and callbacks that are still live.
 */
public final class CancellationToken {
    /** Guards the registration list; never held while a callback runs. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Written once, false to true, under {@link #lock}; read without it. */
    private volatile boolean cancelled;
    /** First and last live registration, a doubly linked list in registration order; guarded by {@link #lock}. */
    private Registration head;
    private Registration tail;
    /** This child's registration in its parent, or null (a root, or not yet linked); removed by our cancel. */
    private volatile Registration inParent;

    /** A new root token, not cancelled. */
    public CancellationToken() {
    }

    /**
     * A new token that is cancelled when this one is (at once if this one is cancelled already); cancelling the
     * child leaves this one alone.
     */
    public CancellationToken child() {
        CancellationToken child = new CancellationToken();
        child.inParent = onCancel(child::cancel);
        return child;
    }

    /**
     * Fires the token: marks it cancelled, then runs its callbacks, cancels its bound tasks and children and wakes
     * its waiters. Any thread; only the first call does anything.
     *
     * @return true if this call cancelled the token, false if it was cancelled already
     * @throws RuntimeException what the first failing callback threw, after every callback has run (an
     *                          {@link Error} is rethrown as it is; a checked exception thrown sneakily comes
     *                          as the cause of an {@link IllegalStateException})
     */
    public boolean cancel() {
        Registration fired;
        lock.lock();
        try {
            if (cancelled) {
                return false;
            }
            cancelled = true;
            fired = head;
            for (Registration r = head; r != null; r = r.next) {
                r.token = null; // no longer linked: a close from now on is a no-op
            }
            head = null;
            tail = null;
        } finally {
            lock.unlock();
        }
        Registration link = inParent;
        if (link != null) {
            link.close(); // nothing left to propagate from the parent
        }
        Throwable failure = null;
        for (Registration r = fired; r != null; r = r.next) {
            try {
                r.action.run();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) { // a checked exception thrown sneakily: not dropped either
            throw new IllegalStateException("CancellationToken.cancel: a registered action failed", failure);
        }
        return true;
    }

    /** True once the token has been cancelled. Any thread. */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Throws if the token has been cancelled, for work that checks between steps.
     *
     * @throws CancellationException the token is cancelled
     */
    public void throwIfCancelled() {
        if (cancelled) {
            throw new CancellationException("CancellationToken.throwIfCancelled: the token is cancelled");
        }
    }

    /**
     * Registers {@code action} to run when the token is cancelled (see the class comment for on which thread).
     * If the token is cancelled already, runs it now, on the calling thread.
     *
     * @return the registration; {@link Registration#close() close} it when the action is no longer wanted
     */
    public Registration onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        Registration r = new Registration(this, action);
        lock.lock();
        try {
            if (!cancelled) {
                r.prev = tail;
                if (tail == null) {
                    head = r;
                } else {
                    tail.next = r;
                }
                tail = r;
                return r;
            }
            r.token = null;
        } finally {
            lock.unlock();
        }
        action.run();
        return r;
    }

    /**
     * Binds {@code task} to this token: when the token is cancelled, the task is (its {@link JoinHandle#cancel()});
     * at once if the token is cancelled already, and then a task its loop has not started yet never runs. The
     * binding is dropped when the task ends.
     *
     * @return {@code task}
     */
    public <T> JoinHandle<T> bind(JoinHandle<T> task) {
        Registration r = onCancel(task::cancel);
        task.whenDone(r::close);
        return task;
    }

    /**
     * Waits until the token is cancelled; returns at once if it is. A task parks (its loop is free meanwhile); a
     * plain thread parks too. A loop's own thread (callback code) may not wait: use {@link #onCancel} there.
     *
     * @throws InterruptedException  the waiting thread was interrupted (a cancelled task is)
     * @throws IllegalStateException the caller is a loop's own thread and the token is not cancelled
     */
    public void await() throws InterruptedException {
        awaitNanos(Long.MAX_VALUE, false);
    }

    /**
     * {@link #await()} for at most {@code timeout}. Zero or null: no limit (as for every timeout in ringloop);
     * negative: {@link IllegalArgumentException}; over about 146 years: that long.
     *
     * @return true if the token is cancelled, false if the time ran out first
     * @throws InterruptedException the waiting thread was interrupted
     */
    public boolean await(Duration timeout) throws InterruptedException {
        long timeoutNs = Timeouts.limitNanos(timeout, "CancellationToken.await");
        return timeoutNs == 0 ? awaitNanos(Long.MAX_VALUE, false) : awaitNanos(timeoutNs, true);
    }

    private boolean awaitNanos(long timeoutNs, boolean timed) throws InterruptedException {
        if (cancelled) {
            return true;
        }
        Loop here = Loop.current();
        if (here != null) {
            throw new IllegalStateException("CancellationToken.await: would block the thread of loop " + here.name()
                    + "; wait from a task, or register a callback with onCancel");
        }
        Thread me = Thread.currentThread();
        Registration r = onCancel(() -> LockSupport.unpark(me));
        try {
            long deadlineNs = System.nanoTime() + timeoutNs;
            while (!cancelled) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("CancellationToken.await: interrupted");
                }
                if (!timed) {
                    LockSupport.park(this);
                    continue;
                }
                long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, leftNs);
            }
            return true;
        } finally {
            r.close();
        }
    }

    private void unlink(Registration r) {
        lock.lock();
        try {
            if (r.token != this) {
                return; // fired or closed already
            }
            r.token = null;
            if (r.prev == null) {
                head = r.next;
            } else {
                r.prev.next = r.next;
            }
            if (r.next == null) {
                tail = r.prev;
            } else {
                r.next.prev = r.prev;
            }
            r.prev = null;
            r.next = null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "CancellationToken[" + (cancelled ? "cancelled" : "live") + "]";
    }

    /** A callback registered with {@link #onCancel}; closing it takes it back. */
    public static final class Registration implements AutoCloseable {
        private final Runnable action;
        /**
         * The token whose list holds this registration; null once it fired or was closed. Written under the
         * token's lock; volatile so that {@link #close()} may look without it (and check again under it).
         */
        private volatile CancellationToken token;
        /** Neighbours in the token's list; token's lock. {@code next} is kept when fired (the fired walk). */
        private Registration prev;
        private Registration next;

        private Registration(CancellationToken token, Runnable action) {
            this.token = token;
            this.action = action;
        }

        /** Takes the callback back if it has not run; a no-op once it ran or was closed. Any thread. */
        @Override
        public void close() {
            CancellationToken t = token;
            if (t != null) {
                t.unlink(this);
            }
        }
    }
}
