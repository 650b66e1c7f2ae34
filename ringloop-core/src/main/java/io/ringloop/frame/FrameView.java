package io.ringloop.frame;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The bytes a connection has received and not yet consumed, shown in place: the loop's receive memory (on
 * io_uring with multishot receive, the provided buffer the kernel filled) or the connection's accumulator, never
 * a copy made for the handler. Read-only, and valid for one handler call: once the call returns, every access
 * throws {@link IllegalStateException}, because the memory goes back to the loop and will hold other bytes. Copy
 * what must outlive the call ({@link #toByteArray}, {@link #copyTo}).
 */
public final class FrameView {
    private final MemorySegment memory;
    private final long offset;
    private final long length;
    private final FrameInbound owner;
    private final long epoch;

    FrameView(MemorySegment memory, long offset, long length, FrameInbound owner, long epoch) {
        this.memory = memory;
        this.offset = offset;
        this.length = length;
        this.owner = owner;
        this.epoch = epoch;
    }

    private void check() {
        if (owner != null && owner.epoch() != epoch) {
            throw new IllegalStateException("stale FrameView: it was valid during one FrameHandler.onData call only "
                    + "(copy the bytes with toByteArray() or copyTo() to keep them)");
        }
    }

    /** How many bytes the view shows. */
    public long length() {
        return length;
    }

    /** The byte at {@code index}. */
    public byte get(long index) {
        check();
        Objects.checkIndex(index, length);
        return memory.get(ValueLayout.JAVA_BYTE, offset + index);
    }

    /** The first index in {@code [from, to)} holding {@code b}, or -1. */
    public long indexOf(byte b, long from, long to) {
        check();
        Objects.checkFromToIndex(from, to, length);
        MemorySegment m = memory;
        long base = offset;
        for (long i = from; i < to; i++) {
            if (m.get(ValueLayout.JAVA_BYTE, base + i) == b) {
                return i;
            }
        }
        return -1;
    }

    /** The first index holding {@code b}, or -1. */
    public long indexOf(byte b) {
        return indexOf(b, 0, length);
    }

    /** Copies {@code len} bytes from {@code from} into {@code dst[dstOffset...]}. */
    public void copyTo(long from, byte[] dst, int dstOffset, int len) {
        check();
        Objects.checkFromIndexSize(from, len, length);
        MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, offset + from, dst, dstOffset, len);
    }

    /** Copies {@code len} bytes from {@code from} into {@code dst} at {@code dstOffset}. */
    public void copyTo(long from, MemorySegment dst, long dstOffset, long len) {
        check();
        Objects.checkFromIndexSize(from, len, length);
        MemorySegment.copy(memory, offset + from, dst, dstOffset, len);
    }

    /** A copy of {@code [from, from+len)}. */
    public byte[] toByteArray(long from, int len) {
        byte[] out = new byte[len];
        copyTo(from, out, 0, len);
        return out;
    }

    /** A copy of every byte shown. */
    public byte[] toByteArray() {
        return toByteArray(0, Math.toIntExact(length));
    }

    /** {@code [from, from+len)} decoded with {@code charset}. */
    public String toString(long from, int len, Charset charset) {
        return new String(toByteArray(from, len), charset);
    }

    /** The bytes as ISO-8859-1 text (one char per byte): for logs and tests. */
    @Override
    public String toString() {
        return toString(0, Math.toIntExact(length), StandardCharsets.ISO_8859_1);
    }

    /** For {@link FrameConnection#send(FrameView, long, long)}: the memory, validity checked. */
    MemorySegment memory() {
        check();
        return memory;
    }

    long offset() {
        return offset;
    }
}
