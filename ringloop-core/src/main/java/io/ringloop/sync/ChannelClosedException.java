package io.ringloop.sync;

import java.io.Serial;

/**
 * The other side of a channel is gone: thrown to a receiver once the senders closed the channel and every
 * message sent before the close has been received, and to a sender once the channel is closed (by either side).
 * Unchecked, so a receive loop can end in one {@code catch}.
 */
public final class ChannelClosedException extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The channel's senders closed it: no more messages will come. */
    public static final String SENDER_CLOSED = "channel closed by sender";
    /** The receiver closed the channel: nobody will read what is sent. */
    public static final String RECEIVER_CLOSED = "channel closed by receiver";

    public ChannelClosedException(String message) {
        super(message);
    }

    /** True if the receiver closed the channel (a sender's "receiver is gone"). */
    public boolean receiverClosed() {
        return RECEIVER_CLOSED.equals(getMessage());
    }
}
