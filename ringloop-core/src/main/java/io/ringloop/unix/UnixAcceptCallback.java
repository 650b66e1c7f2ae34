package io.ringloop.unix;

/**
 * Callback-style accept of a {@link UnixListener} ({@link UnixListener#accept(UnixAcceptCallback)}): called on
 * the listener's loop thread, never inside the call that started the accept. What it throws goes to the loop's
 * uncaught-failure handler.
 */
public interface UnixAcceptCallback {
    /** A connection arrived; {@code stream} lives on the listener's loop and is the callee's to close. */
    void accepted(UnixStream stream);

    /**
     * The accept failed: a closed listener ({@link java.nio.channels.ClosedChannelException}, or
     * {@link java.nio.channels.AsynchronousCloseException} when it closed while the accept waited), or an errno
     * other than a refusal for want of descriptors or socket memory, which is waited out instead.
     */
    void failed(Throwable error);
}
