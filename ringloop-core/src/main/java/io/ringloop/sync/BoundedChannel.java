package io.ringloop.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The bounded {@link Channel}: an array ring (length the next power of two of the capacity) with a
 * multi-producer claim and a single consumer.
 *
 * <h2>Indices</h2>
 * {@code sendWord = sendIndex << 2 | closeFlags}: a sender claims slot {@code sendIndex} with one CAS that
 * also fails once any close flag is set, so "sent before the close" is exactly "claimed before the flag",
 * and the receiver knows the final count. After the claim the sender stores the message (release); a
 * receiver that finds a claimed slot still empty spins briefly for that store. {@code receiveIndex} is
 * written by the receiver only, after it has cleared the slot; a sender may claim while
 * {@code sendIndex - receiveIndex < capacity}.
 *
 * <h2>Parking</h2>
 * <ul>
 *   <li>Receiver: publishes itself in {@code ReceiverParking} (volatile), re-checks, parks. A sender reads
 *       {@code ReceiverParking} (volatile) after its claim CAS and unparks. Both sides order a volatile write
 *       before a volatile read, so one of them sees the other.</li>
 *   <li>Senders on a full ring: queue a {@link Waiter} under {@code sendersLock} and bump
 *       {@code parkedSenders} (volatile), re-check, park. The receiver, after storing {@code receiveIndex}
 *       (volatile), reads {@code parkedSenders} and wakes the first queued sender: one per message taken, so
 *       a sender never stays parked while there is room for it (waking only at some lower fill level would
 *       batch better but can deadlock a receiver that takes one message and then waits for the sender). A
 *       woken sender retries and re-queues if another sender took the slot first. A sender that was woken but
 *       leaves without using the wake (interrupt, close, or room it found itself) passes it on to the next
 *       queued sender.</li>
 * </ul>
 */
final class BoundedChannel<T> implements Channel<T> {
    static final long CLOSED_BY_SENDER = 1;
    static final long CLOSED_BY_RECEIVER = 2;
    static final long CLOSED_MASK = 3;
    static final long ONE = 4;
    private static final int SPINS_BEFORE_YIELD = 64;

    /** Longs between the two hot words (and the array's ends): 128 bytes, two cache lines. */
    private static final int PAD = 16;
    private static final int SEND_WORD = PAD;
    /** On the senders' line: receiveIndex + capacity as last seen by a sender; a lower bound of the truth. */
    private static final int SEND_LIMIT = PAD + 1;
    private static final int RECEIVE_INDEX = 2 * PAD;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);

    private final Object[] slots;
    private final int mask;
    private final int capacity;
    /**
     * The two hot words, each on its own cache lines so senders' CASes and the receiver's stores do not
     * false-share (an array keeps the padding: the JVM may reorder fields, never array elements):
     * {@code [SEND_WORD]} = sendIndex << 2 | close flags, volatile get / CAS / getAndBitwiseOr;
     * {@code [SEND_LIMIT]} = a sender-side cache of receiveIndex + capacity, acquire/release (stale is safe:
     * too low);
     * {@code [RECEIVE_INDEX]} = next index the receiver takes, written by the receiver only, volatile.
     */
    private final long[] words = new long[3 * PAD];
    private final ReceiverParking receiver = new ReceiverParking();
    /** {@link #tryReceive} captured once, so a receive allocates no lambda. */
    private final Supplier<T> poll = this::tryReceive;
    /** Set by closeReceiver(); receiver only (the receiver is the one who leaves). */
    private boolean receiverGone;
    private final ReentrantLock sendersLock = new ReentrantLock();
    /** Guarded by sendersLock. */
    private final WaitList senders = new WaitList();
    /** Size of {@code senders}; written under sendersLock, read without it. */
    private volatile int parkedSenders;

    BoundedChannel(int capacity) {
        if (capacity <= 0 || capacity > 1 << 30) {
            throw new IllegalArgumentException("capacity must be in [1, 2^30]: " + capacity);
        }
        this.capacity = capacity;
        words[SEND_LIMIT] = capacity;
        int length = Integer.highestOneBit(capacity);
        length = length == capacity ? length : length << 1;
        this.slots = new Object[length];
        this.mask = length - 1;
    }

    @Override
    public boolean trySend(T message) {
        Objects.requireNonNull(message, "message");
        while (true) {
            long word = lvSendWord();
            if ((word & CLOSED_MASK) != 0) {
                throw closedException(word);
            }
            long index = word >>> 2;
            if (index >= (long) LONGS.getAcquire(words, SEND_LIMIT)) {
                // Only now touch the receiver's line. Returning false always follows this fresh read, which
                // the parking protocol in send() relies on.
                long limit = lvReceiveIndex() + capacity;
                if (index >= limit) {
                    return false;
                }
                // Release/acquire: a sender that trusts this limit also sees the receiver's clearing of the
                // slots below it (the chain receiver -> this sender's volatile read -> that sender).
                LONGS.setRelease(words, SEND_LIMIT, limit);
            }
            if (casSendWord(word, word + ONE)) {
                SLOTS.setRelease(slots, (int) index & mask, message);
                receiver.wake();
                return true;
            }
        }
    }

    @Override
    public void send(T message) throws InterruptedException {
        while (!trySend(message)) {
            Waiter waiter = enqueueSender();
            boolean sent;
            try {
                sent = trySend(message); // room may have appeared before we were visible to the receiver
            } catch (ChannelClosedException e) {
                cancelSender(waiter);
                throw e;
            }
            if (sent) {
                cancelSender(waiter);
                return;
            }
            try {
                waiter.await(this);
            } catch (InterruptedException e) {
                cancelSender(waiter);
                throw e;
            }
            // Woken (and dequeued) by the receiver or a close: retry.
        }
    }

    @Override
    public T receive() throws InterruptedException {
        return receiver.await(poll);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T tryReceive() {
        if (receiverGone) {
            throw new ChannelClosedException(ChannelClosedException.RECEIVER_CLOSED);
        }
        long index = lvReceiveIndex();
        int slot = (int) index & mask;
        Object message = SLOTS.getAcquire(slots, slot);
        if (message == null) {
            long word = lvSendWord();
            if ((word & CLOSED_BY_RECEIVER) != 0) {
                throw closedException(word);
            }
            if ((word >>> 2) == index) {
                if ((word & CLOSED_BY_SENDER) != 0) {
                    throw closedException(word);
                }
                return null;
            }
            message = awaitStore(slot); // claimed, not yet stored: the sender is between two instructions
        }
        SLOTS.setOpaque(slots, slot, null);
        svReceiveIndex(index + 1); // volatile: ordered before the parkedSenders read
        if (parkedSenders != 0) {
            wakeOneSender();
        }
        return (T) message;
    }

    private Object awaitStore(int slot) {
        Object message;
        int spins = 0;
        while ((message = SLOTS.getAcquire(slots, slot)) == null) {
            if (++spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // a preempted platform-thread sender; a virtual one is never preempted here
            }
        }
        return message;
    }

    @Override
    public void close() {
        closeWith(CLOSED_BY_SENDER);
    }

    @Override
    public void closeReceiver() {
        receiverGone = true;
        closeWith(CLOSED_BY_RECEIVER);
        long end = lvSendWord() >>> 2;
        for (long index = lvReceiveIndex(); index < end; index++) {
            SLOTS.setOpaque(slots, (int) index & mask, null); // drop; the receiver is gone
        }
    }

    private void closeWith(long flag) {
        long word = (long) LONGS.getAndBitwiseOr(words, SEND_WORD, flag);
        if ((word & flag) != 0) {
            return;
        }
        receiver.wake();
        wakeSenders(); // they retry and see the close
    }

    @Override
    public boolean isClosed() {
        return (lvSendWord() & CLOSED_MASK) != 0;
    }

    @Override
    public int size() {
        long size = (lvSendWord() >>> 2) - lvReceiveIndex();
        return (int) Math.max(0, Math.min(size, capacity));
    }

    int capacity() {
        return capacity;
    }

    private long lvSendWord() {
        return (long) LONGS.getVolatile(words, SEND_WORD);
    }

    private boolean casSendWord(long expected, long next) {
        return LONGS.compareAndSet(words, SEND_WORD, expected, next);
    }

    private long lvReceiveIndex() {
        return (long) LONGS.getVolatile(words, RECEIVE_INDEX);
    }

    /** Volatile, not release: the receiver's next read (parkedSenders) must not move above it (Dekker). */
    private void svReceiveIndex(long index) {
        LONGS.setVolatile(words, RECEIVE_INDEX, index);
    }

    private Waiter enqueueSender() {
        Waiter waiter = new Waiter(Thread.currentThread(), 1);
        sendersLock.lock();
        try {
            senders.add(waiter);
            parkedSenders = senders.size(); // volatile write, ordered before our re-check's reads
        } finally {
            sendersLock.unlock();
        }
        return waiter;
    }

    /** Leaves the queue; a wake we received but will not use goes to the next sender. */
    private void cancelSender(Waiter waiter) {
        sendersLock.lock();
        try {
            if (senders.remove(waiter)) {
                parkedSenders = senders.size();
            } else {
                wakeSenderLocked();
            }
        } finally {
            sendersLock.unlock();
        }
    }

    private void wakeOneSender() {
        sendersLock.lock();
        try {
            wakeSenderLocked();
        } finally {
            sendersLock.unlock();
        }
    }

    private void wakeSenders() {
        sendersLock.lock();
        try {
            Waiter waiter;
            while ((waiter = senders.poll()) != null) {
                waiter.wake(Waiter.GRANTED);
            }
            parkedSenders = 0;
        } finally {
            sendersLock.unlock();
        }
    }

    private void wakeSenderLocked() {
        Waiter waiter = senders.poll();
        if (waiter != null) {
            parkedSenders = senders.size();
            waiter.wake(Waiter.GRANTED);
        }
    }

    static ChannelClosedException closedException(long word) {
        return new ChannelClosedException((word & CLOSED_BY_RECEIVER) != 0
                ? ChannelClosedException.RECEIVER_CLOSED : ChannelClosedException.SENDER_CLOSED);
    }
}
