package io.ringloop.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A FIFO-fair mutual-exclusion lock around a value, for tasks (virtual threads) and plain threads alike. A
 * task waiting for it parks and frees its loop. Not reentrant.
 *
 * <pre>{@code
 * try (Mutex.Guard<Map<K, V>> guard = mutex.lock()) {
 *     guard.get().put(k, v);
 * }
 * }</pre>
 *
 * <p>Fairness: once anyone waits, the lock goes to waiters in arrival order; it is handed over directly on
 * unlock (it never becomes free while someone waits), so a newcomer cannot barge ahead of the queue.
 *
 * <p>Fast path: an uncontended lock or unlock is one CAS and allocates nothing (the {@link Guard} is one
 * object per mutex, reused). Only a caller that must wait allocates its wait node.
 *
 * <p>Cancellation: {@link #lock()} is interruptible. An interrupted waiter leaves the queue; if ownership
 * was handed to it at the same moment, it passes ownership on to the next waiter (or frees the lock) before
 * throwing, so the lock is never lost.
 *
 * @param <T> the guarded value's type
 */
public final class Mutex<T> {
    /** {@code state}: free. Only when nobody waits. */
    private static final int UNLOCKED = 0;
    /** {@code state}: held, nobody queued; unlock is a CAS back to UNLOCKED. */
    private static final int LOCKED = 1;
    /** {@code state}: held, waiters queued; unlock hands over under {@code queueLock}. Left only under it. */
    private static final int LOCKED_QUEUED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Mutex.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Accessed with volatile semantics only (get/set/compareAndSet on STATE or the volatile field). */
    private volatile int state;
    private final ReentrantLock queueLock = new ReentrantLock();
    /** Guarded by queueLock. */
    private final WaitList waiters = new WaitList();
    private final Guard<T> guard = new Guard<>(this);
    /** The holder; written by the holder only (after acquiring, before releasing). */
    private Thread owner;
    private T value;

    public Mutex(T value) {
        this.value = value;
    }

    /**
     * Waits (parking, FIFO) until the lock is free and takes it.
     *
     * @return the guard; close it to unlock (try-with-resources)
     * @throws InterruptedException if interrupted while waiting; the lock is then not held
     */
    public Guard<T> lock() throws InterruptedException {
        if (STATE.compareAndSet(this, UNLOCKED, LOCKED)) {
            return acquired();
        }
        return lockSlow();
    }

    /** Takes the lock if it is free and nobody waits for it, else returns null. Never waits. */
    public Guard<T> tryLock() {
        if (STATE.compareAndSet(this, UNLOCKED, LOCKED)) {
            return acquired();
        }
        return null;
    }

    /** Whether someone holds the lock now (a snapshot, for monitoring and tests). */
    public boolean isLocked() {
        return state != UNLOCKED;
    }

    private Guard<T> acquired() {
        owner = Thread.currentThread();
        return guard;
    }

    private Guard<T> lockSlow() throws InterruptedException {
        Waiter waiter;
        queueLock.lock();
        try {
            while (true) {
                int s = state;
                if (s == UNLOCKED) {
                    if (STATE.compareAndSet(this, UNLOCKED, LOCKED)) {
                        return acquired();
                    }
                } else if (s == LOCKED_QUEUED || STATE.compareAndSet(this, LOCKED, LOCKED_QUEUED)) {
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
        return acquired(); // handed over by the previous holder
    }

    private void cancel(Waiter waiter) {
        queueLock.lock();
        try {
            if (waiters.remove(waiter)) {
                if (waiters.isEmpty()) {
                    state = LOCKED; // still held by someone else, now with nobody queued
                }
            } else {
                // Ownership was handed to us as we were interrupted: pass it on rather than lose it.
                release();
            }
        } finally {
            queueLock.unlock();
        }
    }

    /** Unlocks: frees the lock, or hands it to the first waiter. */
    private void release() {
        owner = null;
        if (STATE.compareAndSet(this, LOCKED, UNLOCKED)) {
            return;
        }
        queueLock.lock();
        try {
            if (state == LOCKED) {
                // The last waiter cancelled between our CAS and here. Nobody else can write state now:
                // fast lockers need UNLOCKED, the rest need queueLock.
                state = UNLOCKED;
                return;
            }
            Waiter next = waiters.poll();
            if (waiters.isEmpty()) {
                state = LOCKED;
            }
            next.wake(Waiter.GRANTED);
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Proof of holding the lock, and access to the value. One instance per mutex, reused by every holder, so
     * do not keep it after closing it.
     *
     * @param <T> the guarded value's type
     */
    public static final class Guard<T> implements AutoCloseable {
        private final Mutex<T> mutex;

        private Guard(Mutex<T> mutex) {
            this.mutex = mutex;
        }

        /** The guarded value. Only valid while the lock is held. */
        public T get() {
            return mutex.value;
        }

        /** Replaces the guarded value. Only valid while the lock is held. */
        public void set(T value) {
            mutex.value = value;
        }

        /**
         * Unlocks.
         *
         * @throws IllegalMonitorStateException if the calling thread does not hold the lock (e.g. closed twice)
         */
        @Override
        public void close() {
            if (mutex.owner != Thread.currentThread()) {
                throw new IllegalMonitorStateException("mutex not held by " + Thread.currentThread());
            }
            mutex.release();
        }
    }
}
