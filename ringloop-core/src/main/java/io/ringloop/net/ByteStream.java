package io.ringloop.net;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

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

    /** Reads into {@code b}: the count (at least 1 when {@code b} is not empty), or -1 at end of stream. */
    default int read(byte[] b) throws IOException {
        return read(b, 0, b.length);
    }

    /** Fills {@code b[off, off+len)}, or throws {@link EOFException} if the stream ends first. */
    default void readFully(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int done = 0;
        while (done < len) {
            int n = read(b, off + done, len - done);
            if (n < 0) {
                throw new EOFException("readFully: end of stream with " + (len - done) + " bytes missing");
            }
            done += n;
        }
    }

    /** Writes all of {@code b[off, off+len)}. */
    void writeAll(byte[] b, int off, int len) throws IOException;

    /** Writes all of {@code b}. */
    default void writeAll(byte[] b) throws IOException {
        writeAll(b, 0, b.length);
    }

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
