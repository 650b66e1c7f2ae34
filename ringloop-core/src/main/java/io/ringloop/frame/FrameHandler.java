package io.ringloop.frame;

/**
 * Serves one connection in callback style: called on the connection's loop thread, never concurrently, with
 * the bytes received so far shown in place. One handler per connection ({@link FrameServer} asks its factory).
 *
 * <p>{@link #onData} answers how much it consumed: {@code n > 0} (n bytes, at most {@code in.length()}; it is
 * called again at once with the rest), {@link #NEED_MORE} (nothing: call again when more bytes have arrived) or
 * {@link #needAtLeast needAtLeast(k)} (nothing: call again when at least {@code k} bytes are there, e.g. a
 * length-prefixed body). A frame that needs more than the server's {@code maxFrame} ends the connection with a
 * {@link io.ringloop.io.FrameTooLongException} given to {@link #onClosed}.
 */
public interface FrameHandler {
    /** {@link #onData}: nothing consumed, call again when more bytes have arrived. */
    long NEED_MORE = 0;

    /** {@link #onData}: nothing consumed; call again once {@code bytes} in all (from the view's start) are there. */
    static long needAtLeast(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("needAtLeast: bytes must be >= 1: " + bytes);
        }
        return -bytes;
    }

    /** The connection is open; nothing has been received yet. Default: nothing. */
    default void onOpen(FrameConnection connection) {
    }

    /**
     * Bytes have arrived: consume whole frames from {@code in} (valid during this call only), queue answers with
     * {@link FrameConnection#send}, and return the count consumed, {@link #NEED_MORE} or {@link #needAtLeast}.
     * What this throws closes the connection (abort) and reaches {@link #onClosed}.
     */
    long onData(FrameConnection connection, FrameView in) throws Exception;

    /**
     * The connection's queued output fell below the low watermark after {@link FrameConnection#send} had
     * returned false. Reading resumes after this call. Default: nothing.
     */
    default void onWritable(FrameConnection connection) {
    }

    /**
     * The connection is closed: {@code cause} is null after a clean end (the peer's end of stream between frames,
     * or a close), else why (an I/O error, an end of stream mid-frame, a timeout, a frame too long, what a
     * handler call threw). Called once. Default: nothing.
     */
    default void onClosed(FrameConnection connection, Throwable cause) {
    }
}
