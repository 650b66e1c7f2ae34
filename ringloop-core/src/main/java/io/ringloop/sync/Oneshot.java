package io.ringloop.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Carries one value from one sender to one receiver, for tasks and plain threads.
 *
 * <ul>
 *   <li>{@link #send(Object)} succeeds once; it throws {@link ChannelClosedException} if the receiver
 *       {@linkplain #closeReceiver() has gone}.</li>
 *   <li>{@link #receive()} waits for the value; it throws {@link ChannelClosedException} if the sender
 *       {@linkplain #close() gave up} without sending, or the value was already received.</li>
 * </ul>
 * An interrupted receiver loses nothing: the value stays until a later receive.
 *
 * @param <T> the value's type (not null)
 */
public final class Oneshot<T> {
    private static final Object EMPTY = new Marker("EMPTY");
    private static final Object SENDER_CLOSED = new Marker("SENDER_CLOSED");
    private static final Object RECEIVER_CLOSED = new Marker("RECEIVER_CLOSED");
    private static final Object TAKEN = new Marker("TAKEN");

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Oneshot.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** EMPTY, the value, or one of the terminal markers. Volatile semantics only. */
    private volatile Object state = EMPTY;
    /** The receiver while parked in receive(), else null. */
    private volatile Thread parkedReceiver;

    /** An empty oneshot: nothing sent, both ends open. */
    public Oneshot() {
    }

    /**
     * Sends the value and wakes the receiver.
     *
     * @throws ChannelClosedException if the receiver has closed
     * @throws IllegalStateException  if a value was already sent or the sender closed
     */
    public void send(T value) {
        Objects.requireNonNull(value, "value");
        if (STATE.compareAndSet(this, EMPTY, value)) {
            Thread receiver = parkedReceiver;
            if (receiver != null) {
                LockSupport.unpark(receiver);
            }
            return;
        }
        if (state == RECEIVER_CLOSED) {
            throw new ChannelClosedException(ChannelClosedException.RECEIVER_CLOSED);
        }
        throw new IllegalStateException("oneshot already sent or closed");
    }

    /**
     * Waits for the value.
     *
     * @throws ChannelClosedException if the sender closed without sending, or the value was already taken
     * @throws InterruptedException   if interrupted while waiting; a value sent meanwhile stays for later
     */
    public T receive() throws InterruptedException {
        while (true) {
            T value = tryReceive();
            if (value != null) {
                return value;
            }
            parkedReceiver = Thread.currentThread();
            try {
                if (state == EMPTY) {
                    LockSupport.park(this);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            } finally {
                parkedReceiver = null;
            }
        }
    }

    /**
     * Takes the value if it has been sent, else returns null.
     *
     * @throws ChannelClosedException if the sender closed without sending, or the value was already taken
     */
    @SuppressWarnings("unchecked")
    public T tryReceive() {
        Object s = state;
        if (s == EMPTY) {
            return null;
        }
        if (s instanceof Marker) {
            throw new ChannelClosedException(s == TAKEN ? "oneshot value already received"
                    : s == RECEIVER_CLOSED ? ChannelClosedException.RECEIVER_CLOSED
                    : ChannelClosedException.SENDER_CLOSED);
        }
        state = TAKEN; // only the receiver moves a value on, and only once
        return (T) s;
    }

    /** The sender gives up: a waiting receiver wakes with {@link ChannelClosedException}. No-op once sent. */
    public void close() {
        if (STATE.compareAndSet(this, EMPTY, SENDER_CLOSED)) {
            Thread receiver = parkedReceiver;
            if (receiver != null) {
                LockSupport.unpark(receiver);
            }
        }
    }

    /** The receiver gives up: a later send throws; a value already sent is dropped. */
    public void closeReceiver() {
        while (true) {
            Object s = state;
            if (s == RECEIVER_CLOSED || s == SENDER_CLOSED || s == TAKEN) {
                return;
            }
            if (STATE.compareAndSet(this, s, RECEIVER_CLOSED)) {
                return;
            }
        }
    }

    /** Whether the sender can no longer send: a value was sent, or either side closed. */
    public boolean isDone() {
        return state != EMPTY;
    }

    private record Marker(String name) {
    }
}
