package io.ringloop.net;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A connected, ordered, two-way byte stream on a loop: what the buffered reader and writer of
 * {@code io.ringloop.io} need from a connection. {@link TcpStream} is one; TLS and Unix-domain streams are
 * others, so protocol code written against this interface runs over any of them.
 *
 * <p>Blocking style: call from a task (the task parks, the loop runs others). One reader and one writer at a
 * time, like a socket's two directions. Interrupting the task cancels a pending operation without losing data.
 */
public interface ByteStream extends Closeable {
    /** Reads into {@code b[off, off+len)}: the count (at least 1 when {@code len > 0}), or -1 at end of stream. */
    int read(byte[] b, int off, int len) throws IOException;

    /** Reads into {@code buffer[offset, offset+length)}: the count, or -1 at end of stream. */
    int read(MemorySegment buffer, long offset, int length) throws IOException;

    /** Writes all of {@code b[off, off+len)}. */
    void writeAll(byte[] b, int off, int len) throws IOException;

    /** Writes all of {@code buffer[offset, offset+length)}. */
    void writeAll(MemorySegment buffer, long offset, int length) throws IOException;

    /**
     * Writes every byte of every segment, in order: a gathering write, one system call or submission for many
     * buffers where the stream can (a socket does up to 64 per call).
     */
    void writeAll(MemorySegment... srcs) throws IOException;

    /** Half-close: the peer reads end of stream; this side can still read. */
    void shutdownOutput() throws IOException;

    boolean isOpen();

    /** Closes the stream; an operation pending in another task fails with an {@code IOException}. */
    @Override
    void close() throws IOException;
}
