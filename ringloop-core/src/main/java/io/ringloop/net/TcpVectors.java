package io.ringloop.net;

import io.ringloop.driver.Driver;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The scatter/gather calls of {@link TcpStream}: turning buffer arrays of any length into driver calls of at
 * most {@link Driver#MAX_IOVECS} buffers, and advancing through them as bytes move; {@link #vectorIo} does the
 * one driver call.
 *
 * <p>Allocation: a {@code ByteBuffer} call makes one segment per buffer and one array; a {@code MemorySegment}
 * call passes the caller's array as is when it fits one driver call, and makes a shorter window only after a
 * partial write (or for more than {@link Driver#MAX_IOVECS} buffers).
 */
final class TcpVectors {
    private TcpVectors() {
    }

    /** {@link TcpStream#write(ByteBuffer[], int, int)}: one gathering write, positions advanced. */
    static long write(TcpStream s, ByteBuffer[] srcs, int offset, int length) throws IOException {
        MemorySegment[] segments = segments(srcs, offset, length);
        if (segments.length == 0) {
            s.ensureOpen("writev");
            return 0;
        }
        int r = vectorIo(s, false, segments);
        advance(srcs, offset, length, r);
        return r;
    }

    /** {@link TcpStream#read(ByteBuffer[], int, int)}: one scattering read, positions advanced; -1 at end. */
    static long read(TcpStream s, ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        for (int i = offset; i < offset + length; i++) { // empty ones too, as the JDK does
            TcpOp.requireWritable(s, requireBuffer(dsts[i], i).isReadOnly(), "readv");
        }
        MemorySegment[] segments = segments(dsts, offset, length);
        if (segments.length == 0) {
            s.ensureOpen("readv");
            return 0;
        }
        int r = vectorIo(s, true, segments);
        if (r > 0) {
            advance(dsts, offset, length, r);
        }
        return r;
    }

    static void writeAll(TcpStream s, ByteBuffer[] srcs) throws IOException {
        do {
            write(s, srcs, 0, srcs.length);
        } while (hasRemaining(srcs));
    }

    /**
     * One gathering write (or scattering read) of whole segments, from segment {@code from} at byte
     * {@code skip} on: the count, -1 at end of stream.
     */
    static long transfer(TcpStream s, boolean read, MemorySegment[] segments, int from, long skip)
            throws IOException {
        if (read) {
            for (MemorySegment m : segments) {
                TcpOp.requireWritable(s, m != null && m.isReadOnly(), "readv");
            }
        }
        MemorySegment[] window = window(segments, from, skip);
        long total = 0;
        for (MemorySegment m : window) {
            total += m.byteSize();
        }
        if (total == 0) {
            s.ensureOpen(read ? "readv" : "writev"); // an empty read is 0, not end of stream
            return 0;
        }
        return vectorIo(s, read, window);
    }

    static void writeAll(TcpStream s, MemorySegment[] srcs) throws IOException {
        int i = 0;
        long skip = 0;
        while (true) {
            while (i < srcs.length && skip == srcs[i].byteSize()) {
                i++;
                skip = 0;
            }
            if (i == srcs.length) {
                return;
            }
            long n = transfer(s, false, srcs, i, skip);
            // Advance past the n bytes written: whole segments first, then into the next one.
            while (n > 0) {
                long left = srcs[i].byteSize() - skip;
                if (n < left) {
                    skip += n;
                    n = 0;
                } else {
                    n -= left;
                    i++;
                    skip = 0;
                }
            }
        }
    }

    /**
     * {@code segments} from segment {@code from}, byte {@code skip}, at most {@link Driver#MAX_IOVECS} of them:
     * the array itself when that is all of it.
     */
    private static MemorySegment[] window(MemorySegment[] segments, int from, long skip) {
        for (int i = 0; i < segments.length; i++) {
            requireBuffer(segments[i], i);
        }
        if (from == 0 && skip == 0 && segments.length <= Driver.MAX_IOVECS) {
            return segments;
        }
        MemorySegment[] w = new MemorySegment[Math.min(segments.length - from, Driver.MAX_IOVECS)];
        System.arraycopy(segments, from, w, 0, w.length);
        if (skip != 0) {
            w[0] = w[0].asSlice(skip);
        }
        return w;
    }

    /** Segments over the first {@link Driver#MAX_IOVECS} buffers of the range that have bytes remaining. */
    private static MemorySegment[] segments(ByteBuffer[] buffers, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffers.length);
        int n = 0;
        for (int i = offset; i < offset + length; i++) {
            if (requireBuffer(buffers[i], i).hasRemaining() && n < Driver.MAX_IOVECS) {
                n++;
            }
        }
        MemorySegment[] out = new MemorySegment[n];
        for (int i = offset, j = 0; j < n; i++) {
            if (buffers[i].hasRemaining()) {
                out[j++] = MemorySegment.ofBuffer(buffers[i]);
            }
        }
        return out;
    }

    /** Moves the positions of the range's buffers past {@code n} bytes, in order, as a gathering channel does. */
    private static void advance(ByteBuffer[] buffers, int offset, int length, long n) {
        for (int i = offset; i < offset + length && n > 0; i++) {
            ByteBuffer b = buffers[i];
            int step = (int) Math.min(b.remaining(), n);
            b.position(b.position() + step);
            n -= step;
        }
    }

    private static <T> T requireBuffer(T buffer, int index) {
        if (buffer == null) {
            throw new NullPointerException("buffers[" + index + "]");
        }
        return buffer;
    }

    private static boolean hasRemaining(ByteBuffer[] buffers) {
        for (ByteBuffer b : buffers) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /**
     * One readv/writev of at most {@link Driver#MAX_IOVECS} segments holding at least one byte: the count, -1 at
     * end of stream. The array is not changed by anyone until the driver completes: the caller waits for that.
     */
    static int vectorIo(TcpStream s, boolean read, MemorySegment[] segments) throws IOException {
        s.ensureOpen(read ? "readv" : "writev");
        for (MemorySegment m : segments) {
            TcpOp.requireReachable(s, m, read);
            if (read) {
                TcpOp.requireWritable(s, m.isReadOnly(), "readv");
            }
        }
        int r = TcpOp.run(s, read ? TcpOp.READV : TcpOp.WRITEV, null, 0, 0, segments);
        return read && r == 0 ? -1 : r;
    }
}
