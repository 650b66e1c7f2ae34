package io.ringloop.sync;

import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded multi-producer, multi-consumer broadcast channel: every {@link Receiver} sees every message sent
 * after it subscribed, in send order. The ring keeps the last {@code capacity} messages; senders never wait.
 * A receiver that falls further behind is told how many messages it missed with a {@link LaggedException}
 * and then continues from the oldest message still kept (tokio's {@code broadcast}).
 *
 * <p>One lock guards the ring: a send is a store and a sequence bump, a receive a load; both are short.
 * Waiting receivers park on a condition (a task parks and frees its loop) and are signalled only if some
 * are actually waiting. An interrupted receiver loses nothing: its position does not move.
 *
 * @param <T> the message type (not null)
 */
public final class Broadcast<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final Object[] ring;
    /** Guarded by lock: sequence number the next message gets; the ring holds [max(0, tail - capacity), tail). */
    private long tail;
    /** Guarded by lock. */
    private int receivers;
    /** Guarded by lock. */
    private int waiting;
    /** Guarded by lock. */
    private boolean closed;

    public Broadcast(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0: " + capacity);
        }
        this.ring = new Object[capacity];
    }

    /** A new receiver that will see every message sent from now on. Close it when done. */
    public Receiver<T> subscribe() {
        lock.lock();
        try {
            if (closed) {
                throw new ChannelClosedException(ChannelClosedException.SENDER_CLOSED);
            }
            receivers++;
            return new Receiver<>(this, tail);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends to every current receiver. Never waits: the oldest message is overwritten when the ring is full.
     *
     * @return how many receivers were subscribed (0 means nobody will see it)
     * @throws ChannelClosedException if the channel was closed
     */
    public int send(T message) {
        Objects.requireNonNull(message, "message");
        lock.lock();
        try {
            if (closed) {
                throw new ChannelClosedException(ChannelClosedException.SENDER_CLOSED);
            }
            ring[(int) (tail % ring.length)] = message;
            tail++;
            if (waiting > 0) {
                available.signalAll();
            }
            return receivers;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the channel: receivers drain what is kept, then see {@link ChannelClosedException}. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Current subscribers. */
    public int receiverCount() {
        lock.lock();
        try {
            return receivers;
        } finally {
            lock.unlock();
        }
    }

    /**
     * One subscriber's view. Use it from one thread at a time.
     *
     * @param <T> the message type
     */
    public static final class Receiver<T> implements AutoCloseable {
        private final Broadcast<T> channel;
        /** Sequence number of the next message to read; guarded by channel.lock. */
        private long next;
        private boolean closed;

        private Receiver(Broadcast<T> channel, long next) {
            this.channel = channel;
            this.next = next;
        }

        /**
         * Waits for the next message.
         *
         * @throws LaggedException        if messages were overwritten before this receiver read them (it then
         *                                continues from the oldest kept one)
         * @throws ChannelClosedException once the channel is closed and this receiver has read all it kept; or
         *                                ({@link ChannelClosedException#RECEIVER_CLOSED}) once this receiver is
         *                                closed, including a receive that was waiting when it closed
         * @throws InterruptedException   if interrupted while waiting; nothing is lost
         */
        public T receive() throws InterruptedException {
            ReentrantLock lock = channel.lock;
            lock.lockInterruptibly();
            try {
                while (true) {
                    T message = takeLocked();
                    if (message != null) {
                        return message;
                    }
                    channel.waiting++;
                    try {
                        channel.available.await();
                    } finally {
                        channel.waiting--;
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        /**
         * The next message if there is one, else null.
         *
         * @throws LaggedException        as for {@link #receive()}
         * @throws ChannelClosedException as for {@link #receive()}
         */
        public T tryReceive() {
            channel.lock.lock();
            try {
                return takeLocked();
            } finally {
                channel.lock.unlock();
            }
        }

        @SuppressWarnings("unchecked")
        private T takeLocked() {
            if (closed) {
                throw new ChannelClosedException(ChannelClosedException.RECEIVER_CLOSED);
            }
            long oldest = Math.max(0, channel.tail - channel.ring.length);
            if (next < oldest) {
                long missed = oldest - next;
                next = oldest;
                throw new LaggedException(missed);
            }
            if (next < channel.tail) {
                Object message = channel.ring[(int) (next % channel.ring.length)];
                next++;
                return (T) message;
            }
            if (channel.closed) {
                throw new ChannelClosedException(ChannelClosedException.SENDER_CLOSED);
            }
            return null;
        }

        /** Unsubscribes; idempotent. A {@link #receive()} waiting on this receiver wakes with the close. */
        @Override
        public void close() {
            channel.lock.lock();
            try {
                if (!closed) {
                    closed = true;
                    channel.receivers--;
                    if (channel.waiting > 0) {
                        channel.available.signalAll(); // the others look again and wait on
                    }
                }
            } finally {
                channel.lock.unlock();
            }
        }
    }
}
