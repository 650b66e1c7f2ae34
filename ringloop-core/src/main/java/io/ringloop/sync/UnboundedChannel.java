package io.ringloop.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The unbounded {@link Channel}: an intrusive multi-producer single-consumer linked queue (after Vyukov's
 * MPSC node queue) of one node per message.
 *
 * <p>A sender first counts itself in {@code sendWord = sentCount << 2 | closeFlags} with a CAS that fails
 * once a close flag is set (as in {@link BoundedChannel}), then swaps its node into {@code tail} and links
 * the previous tail to it. The count tells the receiver, after a close, exactly how many messages are still
 * to come, and tells it to wait (briefly) for a node that was swapped in but not linked yet. Receiver
 * parking is the same Dekker pair as in {@code BoundedChannel}: {@code ReceiverParking} against
 * {@code sendWord}.
 */
final class UnboundedChannel<T> implements Channel<T> {
    private static final int SPINS_BEFORE_YIELD = 64;

    /** Padding in longs (16 x 8 B) and in references (32 x 4 B compressed; more without): 128 bytes. */
    private static final int LONG_PAD = 16;
    private static final int REF_PAD = 32;
    private static final int SEND_WORD = LONG_PAD;
    private static final int RECEIVED = 2 * LONG_PAD;
    private static final int TAIL = REF_PAD;
    private static final int HEAD = 2 * REF_PAD;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle REFS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle NEXT;

    static {
        try {
            NEXT = MethodHandles.lookup().findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Senders' words and the receiver's words on separate cache lines (arrays keep the padding; the JVM
     * may reorder fields). {@code words[SEND_WORD]}: sentCount << 2 | close flags (BoundedChannel's CLOSED_*
     * bits), volatile get / CAS / getAndBitwiseOr. {@code words[RECEIVED]}: messages taken, written by the
     * receiver only, opaque (size() reads it).
     */
    private final long[] words = new long[3 * LONG_PAD];
    /**
     * {@code refs[TAIL]}: the last node, swapped by senders (getAndSet). {@code refs[HEAD]}: the receiver's
     * stub, whose successor holds the next message; receiver only, plain.
     */
    private final Object[] refs = new Object[3 * REF_PAD];
    private final ReceiverParking receiver = new ReceiverParking();
    /** {@link #tryReceive} captured once, so a receive allocates no lambda. */
    private final Supplier<T> poll = this::tryReceive;
    /** Set by closeReceiver(); receiver only (the receiver is the one who leaves). */
    private boolean receiverGone;

    UnboundedChannel() {
        Node stub = new Node(null);
        refs[HEAD] = stub;
        refs[TAIL] = stub;
    }

    @Override
    public boolean trySend(T message) {
        Objects.requireNonNull(message, "message");
        while (true) {
            long word = lvSendWord();
            if ((word & BoundedChannel.CLOSED_MASK) != 0) {
                throw BoundedChannel.closedException(word);
            }
            if (LONGS.compareAndSet(words, SEND_WORD, word, word + BoundedChannel.ONE)) {
                break;
            }
        }
        Node node = new Node(message);
        Node previous = (Node) REFS.getAndSet(refs, TAIL, node);
        NEXT.setRelease(previous, node);
        receiver.wake();
        return true;
    }

    @Override
    public void send(T message) {
        trySend(message);
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
        Node first = (Node) refs[HEAD];
        long received = words[RECEIVED]; // receiver-only writer: a plain read of our own value
        Node next = (Node) NEXT.getAcquire(first);
        if (next == null) {
            long word = lvSendWord();
            if ((word & BoundedChannel.CLOSED_BY_RECEIVER) != 0) {
                throw BoundedChannel.closedException(word);
            }
            if ((word >>> 2) == received) {
                if ((word & BoundedChannel.CLOSED_BY_SENDER) != 0) {
                    throw BoundedChannel.closedException(word);
                }
                return null;
            }
            next = awaitLink(first); // counted, not linked yet: the sender is between two instructions
        }
        Object message = next.message;
        next.message = null; // next becomes the stub; drop the reference
        refs[HEAD] = next;
        LONGS.setOpaque(words, RECEIVED, received + 1); // single writer; opaque only so size() never tears
        return (T) message;
    }

    private static Node awaitLink(Node node) {
        Node next;
        int spins = 0;
        while ((next = (Node) NEXT.getAcquire(node)) == null) {
            if (++spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        return next;
    }

    @Override
    public void close() {
        closeWith(BoundedChannel.CLOSED_BY_SENDER);
    }

    @Override
    public void closeReceiver() {
        receiverGone = true;
        closeWith(BoundedChannel.CLOSED_BY_RECEIVER);
        Node node = (Node) refs[HEAD];
        Node next;
        while ((next = (Node) NEXT.getAcquire(node)) != null) {
            next.message = null; // drop what was buffered; the receiver is gone
            node = next;
        }
        refs[HEAD] = node;
    }

    private void closeWith(long flag) {
        long word = (long) LONGS.getAndBitwiseOr(words, SEND_WORD, flag);
        if ((word & flag) == 0) {
            receiver.wake();
        }
    }

    @Override
    public boolean isClosed() {
        return (lvSendWord() & BoundedChannel.CLOSED_MASK) != 0;
    }

    @Override
    public int size() {
        long size = (lvSendWord() >>> 2) - (long) LONGS.getOpaque(words, RECEIVED);
        return (int) Math.max(0, Math.min(size, Integer.MAX_VALUE));
    }

    private long lvSendWord() {
        return (long) LONGS.getVolatile(words, SEND_WORD);
    }

    private static final class Node {
        Object message;
        @SuppressWarnings("unused")
        volatile Node next;

        Node(Object message) {
            this.message = message;
        }
    }
}
