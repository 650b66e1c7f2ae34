package io.ringloop.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * The unbounded {@link Channel}: an intrusive multi-producer single-consumer linked queue (after Vyukov's
 * MPSC node queue) of one node per message.
 *
 * <p>A sender first counts itself in {@code sendWord = sentCount << 2 | closeFlags} with a CAS that fails
 * once a close flag is set (as in {@link BoundedChannel}), then swaps its node into {@code tail} and links
 * the previous tail to it. The count tells the receiver, after a close, exactly how many messages are still
 * to come, and tells it to wait (briefly) for a node that was swapped in but not linked yet. Receiver
 * parking is the same Dekker pair as in {@code BoundedChannel}: {@code parkedReceiver} against
 * {@code sendWord}.
 */
final class UnboundedChannel<T> implements Channel<T> {
    private static final int SPINS_BEFORE_YIELD = 64;

    private static final VarHandle SEND_WORD;
    private static final VarHandle TAIL;
    private static final VarHandle NEXT;
    private static final VarHandle RECEIVED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SEND_WORD = lookup.findVarHandle(UnboundedChannel.class, "sendWord", long.class);
            TAIL = lookup.findVarHandle(UnboundedChannel.class, "tail", Node.class);
            NEXT = lookup.findVarHandle(Node.class, "next", Node.class);
            RECEIVED = lookup.findVarHandle(UnboundedChannel.class, "received", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** sentCount << 2 | close flags (BoundedChannel's CLOSED_* bits). Volatile semantics only. */
    private volatile long sendWord;
    /** Last node; swapped by senders (getAndSet). */
    private volatile Node tail;
    /** The receiver's stub: its successor holds the next message. Receiver only. */
    private Node head;
    /** Messages taken. Written by the receiver only (opaque), read opaquely by size(). */
    private long received;
    private volatile Thread parkedReceiver;
    /** Set by closeReceiver(); receiver only (the receiver is the one who leaves). */
    private boolean receiverGone;

    UnboundedChannel() {
        Node stub = new Node(null);
        head = stub;
        tail = stub;
    }

    @Override
    public boolean trySend(T message) {
        Objects.requireNonNull(message, "message");
        while (true) {
            long word = (long) SEND_WORD.getVolatile(this);
            if ((word & BoundedChannel.CLOSED_MASK) != 0) {
                throw BoundedChannel.closedException(word);
            }
            if (SEND_WORD.compareAndSet(this, word, word + BoundedChannel.ONE)) {
                break;
            }
        }
        Node node = new Node(message);
        Node previous = (Node) TAIL.getAndSet(this, node);
        NEXT.setRelease(previous, node);
        Thread receiver = parkedReceiver;
        if (receiver != null) {
            LockSupport.unpark(receiver);
        }
        return true;
    }

    @Override
    public void send(T message) {
        trySend(message);
    }

    @Override
    public T receive() throws InterruptedException {
        while (true) {
            T message = tryReceive();
            if (message != null) {
                return message;
            }
            parkedReceiver = Thread.currentThread();
            try {
                message = tryReceive();
                if (message != null) {
                    return message;
                }
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            } finally {
                parkedReceiver = null;
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T tryReceive() {
        if (receiverGone) {
            throw new ChannelClosedException(ChannelClosedException.RECEIVER_CLOSED);
        }
        Node first = head;
        Node next = (Node) NEXT.getAcquire(first);
        if (next == null) {
            long word = (long) SEND_WORD.getVolatile(this);
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
        head = next;
        RECEIVED.setOpaque(this, received + 1); // single writer; opaque only so size() never tears
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
        Node node = head;
        Node next;
        while ((next = (Node) NEXT.getAcquire(node)) != null) {
            next.message = null; // drop what was buffered; the receiver is gone
            node = next;
        }
        head = node;
    }

    private void closeWith(long flag) {
        long word = (long) SEND_WORD.getAndBitwiseOr(this, flag);
        if ((word & flag) == 0) {
            Thread receiver = parkedReceiver;
            if (receiver != null) {
                LockSupport.unpark(receiver);
            }
        }
    }

    @Override
    public boolean isClosed() {
        return (sendWord & BoundedChannel.CLOSED_MASK) != 0;
    }

    @Override
    public int size() {
        long size = (sendWord >>> 2) - (long) RECEIVED.getOpaque(this);
        return (int) Math.max(0, Math.min(size, Integer.MAX_VALUE));
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
