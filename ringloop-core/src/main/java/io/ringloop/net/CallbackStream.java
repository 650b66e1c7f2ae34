package io.ringloop.net;

import io.ringloop.loop.EventLoop;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * A {@link ByteStream} that also has the callback style: reads and writes that start on the loop thread and report
 * to an {@link IoCallback} there, with no task, and {@link CompletionStage} adapters any thread may call.
 * {@link TcpStream} and {@code io.ringloop.unix.UnixStream} are two; code written against this interface (the
 * callback style of {@code io.ringloop.tls.TlsStream}, a callback-style echo) runs over either.
 *
 * <p>The rules are {@link TcpStream}'s: one reader and one writer at a time in either style (a second one throws
 * {@link IllegalStateException} naming the call and the stream); a callback runs on the loop thread, never inside
 * the call that started its operation; what it throws goes to the loop's uncaught-failure handler.
 */
public interface CallbackStream extends ByteStream {
    /** The loop this stream lives on; its callbacks run on this loop's thread. */
    EventLoop loop();

    /**
     * Reads into {@code buffer[offset, offset+length)} and calls {@code callback} with the count (-1 at end of
     * stream). Loop thread only ({@link IllegalStateException} elsewhere); one read at a time.
     */
    void read(MemorySegment buffer, long offset, int length, IoCallback callback);

    /**
     * Writes up to {@code length} bytes of {@code buffer[offset, offset+length)} and calls {@code callback} with the
     * count written (a socket may take part of them). Loop thread only; one write at a time.
     */
    void write(MemorySegment buffer, long offset, int length, IoCallback callback);

    /**
     * A callback-style read into {@code dst}'s remaining space, as a stage that completes on the loop thread; the
     * position advances by the count. Any thread; a read-only {@code dst} throws {@link IllegalArgumentException}.
     */
    CompletionStage<Integer> readAsync(ByteBuffer dst);

    /** A callback-style write of some of {@code src}'s remaining bytes, as a stage; any thread. */
    CompletionStage<Integer> writeAsync(ByteBuffer src);

    /**
     * Whom this stream talks to, for messages (a TLS failure names its peer): an IP address and port, a Unix
     * socket's path or name, or what is known of it. Never throws; a closed stream says what it remembers.
     */
    String peerDescription();
}
