package io.ringloop.io;

import io.ringloop.net.ByteStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedChannelException;
import java.util.List;

/**
 * A {@link ByteStream} in memory for the reader/writer unit tests: reads return the input cut into the given
 * chunk sizes (a read never spans two chunks, as a socket read may return any prefix); writes are recorded,
 * with the number of write calls, so a test can tell a gathered write from two.
 */
final class MemoryStream implements ByteStream {
    private final byte[] input;
    private final List<Integer> chunks;
    private int position;
    private int chunk;
    private int usedOfChunk;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    int writeCalls;
    int readCalls;
    private boolean closed;

    MemoryStream(byte[] input, List<Integer> chunks) {
        this.input = input;
        this.chunks = chunks;
    }

    MemoryStream(byte[] input) {
        this(input, List.of(Integer.MAX_VALUE));
    }

    /** The size of the next read: what is left of the current chunk (the last chunk size repeats). */
    private int nextChunk() {
        int size = chunks.get(Math.min(chunk, chunks.size() - 1));
        return Math.max(1, size - usedOfChunk);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        readCalls++;
        if (position == input.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, nextChunk()), input.length - position);
        System.arraycopy(input, position, b, off, n);
        position += n;
        usedOfChunk += n;
        if (usedOfChunk >= chunks.get(Math.min(chunk, chunks.size() - 1))) {
            chunk++;
            usedOfChunk = 0;
        }
        return n;
    }

    @Override
    public int read(MemorySegment buffer, long offset, int length) throws IOException {
        byte[] tmp = new byte[length];
        int n = read(tmp, 0, length);
        if (n > 0) {
            MemorySegment.copy(tmp, 0, buffer, ValueLayout.JAVA_BYTE, offset, n);
        }
        return n;
    }

    @Override
    public void writeAll(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        writeCalls++;
        written.write(b, off, len);
    }

    @Override
    public void writeAll(MemorySegment buffer, long offset, int length) throws IOException {
        ensureOpen();
        writeCalls++;
        written.writeBytes(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public void writeAll(MemorySegment... srcs) throws IOException {
        ensureOpen();
        writeCalls++;
        for (MemorySegment s : srcs) {
            written.writeBytes(s.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Override
    public void shutdownOutput() {
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }
}
