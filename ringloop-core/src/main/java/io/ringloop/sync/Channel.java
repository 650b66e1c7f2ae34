package io.ringloop.sync;

/**
 * A multi-producer, single-consumer channel for tasks (virtual threads) and plain threads, bounded (a full
 * channel makes {@link #send} wait: backpressure) or unbounded.
 *
 * <p>Any number of threads may send; one thread at a time receives. Messages from one sender arrive in the
 * order it sent them. Null messages are not allowed.
 *
 * <p>Closing:
 * <ul>
 *   <li>{@link #close()} (the senders' side): later sends throw {@link ChannelClosedException}; the receiver
 *       still gets every message sent before the close, then {@code ChannelClosedException}.</li>
 *   <li>{@link #closeReceiver()} (the receiver is gone): every send, including those waiting for space,
 *       throws {@code ChannelClosedException} with {@link ChannelClosedException#receiverClosed()} true;
 *       buffered messages are dropped.</li>
 * </ul>
 *
 * <p>Waiting is interruptible and loses nothing: an interrupted receive leaves the message in the channel;
 * an interrupted send did not send.
 *
 * @param <T> the message type
 */
public sealed interface Channel<T> permits BoundedChannel, UnboundedChannel {

    /** A channel holding at most {@code capacity} messages, array-backed; nothing is allocated per message. */
    static <T> Channel<T> bounded(int capacity) {
        return new BoundedChannel<>(capacity);
    }

    /** A channel that never makes a sender wait; one small node is allocated per message. */
    static <T> Channel<T> unbounded() {
        return new UnboundedChannel<>();
    }

    /**
     * Sends, waiting while the channel is full.
     *
     * @throws ChannelClosedException if the channel is closed, or closes while waiting
     * @throws InterruptedException   if interrupted while waiting; the message was then not sent
     */
    void send(T message) throws InterruptedException;

    /**
     * Sends if there is room now.
     *
     * @return false if the channel is full
     * @throws ChannelClosedException if the channel is closed
     */
    boolean trySend(T message);

    /**
     * Receives the next message, waiting while the channel is empty. Only one thread at a time may receive.
     *
     * @throws ChannelClosedException once the channel is closed and everything sent before has been received
     * @throws InterruptedException   if interrupted while waiting; no message is lost
     */
    T receive() throws InterruptedException;

    /**
     * Receives the next message if there is one now, else returns null.
     *
     * @throws ChannelClosedException once the channel is closed and everything sent before has been received
     */
    T tryReceive();

    /** Closes the senders' side; idempotent. The receiver drains what was sent, then sees closed. */
    void close();

    /** The receiver leaves: senders see closed at once, buffered messages are dropped; idempotent. */
    void closeReceiver();

    /** Whether either side has closed. */
    boolean isClosed();

    /** Messages sent and not yet received (a snapshot). */
    int size();
}
