package io.ringloop.driver;

import io.ringloop.sys.Libc;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Scatter/gather lists for {@link Driver#readv}/{@link Driver#writev}: the argument checks every backend
 * makes, and the native iovec array that the fd-based backends hand the kernel.
 *
 * <pre>
 * struct iovec { void *iov_base; size_t iov_len; };   // sys/uio.h, 16 bytes on 64-bit Linux
 * </pre>
 *
 * <p><b>One iovec per buffer.</b> iovec {@code i} always stands for {@code buffers[i]}, an empty buffer giving an
 * empty iovec, so a result is scattered back by walking both arrays in step, with no index map to keep.
 *
 * <p><b>Heap buffers</b> have no address the kernel may keep (the GC moves arrays), so each gets a region of a
 * native staging buffer: copied in before a write, copied out after a read. A native buffer goes in as is.
 *
 * <p><b>Cut short, never reordered.</b> The list ends early where the staging buffer is full or the total would
 * pass {@code Integer.MAX_VALUE} (the result is an {@code int}); no later buffer is included after a cut, so
 * the bytes a call moves are always a prefix of the stream the buffers describe. A read or write may move fewer
 * bytes than asked, so a cut list is a correct, shorter call.
 */
public final class Iovecs {
    /** Bytes of an iovec array of {@link Driver#MAX_IOVECS} entries. */
    public static final long ARRAY_BYTES = Driver.MAX_IOVECS * Libc.IOVEC_SIZE;
    /**
     * Heap bytes one call stages at most; also the io_uring bounce pool's largest class, so every backend moves
     * the same amount from heap memory per call.
     */
    public static final long STAGING_BYTES = 64 * 1024;

    private Iovecs() {
    }

    /**
     * Checks a readv/writev argument; returns the total bytes the buffers hold (saturated at
     * {@code Long.MAX_VALUE}). A read may not target read-only memory: the kernel would write it all the same.
     */
    public static long check(MemorySegment[] buffers, boolean forRead) {
        Objects.requireNonNull(buffers, "buffers");
        int n = buffers.length;
        if (n > Driver.MAX_IOVECS) {
            throw new IllegalArgumentException((forRead ? "readv" : "writev") + ": " + n + " buffers, at most "
                    + Driver.MAX_IOVECS);
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            MemorySegment b = buffers[i];
            if (b == null) {
                throw new NullPointerException("buffers[" + i + "]");
            }
            if (forRead && b.isReadOnly()) {
                throw new IllegalArgumentException("readv: buffers[" + i + "] is read-only");
            }
            long size = b.byteSize();
            total = total > Long.MAX_VALUE - size ? Long.MAX_VALUE : total + size;
        }
        return total;
    }

    /** Heap bytes in {@code buffers}, up to {@link #STAGING_BYTES}: how much staging a call needs (0: none). */
    public static long heapBytes(MemorySegment[] buffers) {
        long heap = 0;
        for (MemorySegment b : buffers) {
            if (!b.isNative()) {
                heap += b.byteSize();
                if (heap >= STAGING_BYTES) {
                    return STAGING_BYTES;
                }
            }
        }
        return heap;
    }

    /**
     * Fills {@code iov} for {@code buffers}; heap buffers get consecutive regions of {@code staging} (native, or
     * {@link MemorySegment#NULL} when {@link #heapBytes} is 0), filled from them when {@code copyIn}. Returns how
     * many iovecs were written (fewer than the buffers when the list was cut).
     *
     * @throws IllegalStateException when a native buffer's arena is closed: the kernel must never see freed memory
     */
    public static int gather(MemorySegment iov, MemorySegment[] buffers, MemorySegment staging, boolean copyIn) {
        long stagingBytes = staging.byteSize();
        long total = 0;
        long staged = 0;
        int n = buffers.length;
        for (int i = 0; i < n; i++) {
            MemorySegment b = buffers[i];
            long size = b.byteSize();
            long room = Integer.MAX_VALUE - total;
            long len;
            if (b.isNative()) {
                if (!b.scope().isAlive()) {
                    throw new IllegalStateException("buffers[" + i + "]: its arena is already closed");
                }
                len = Math.min(size, room);
                Libc.iovec(iov, i, b, 0, len);
            } else {
                len = Math.min(size, Math.min(room, stagingBytes - staged));
                Libc.iovec(iov, i, staging, staged, len);
                if (copyIn && len > 0) {
                    MemorySegment.copy(b, 0, staging, staged, len);
                }
                staged += len;
            }
            total += len;
            if (len < size) {
                return i + 1; // cut: nothing after a partly included buffer, or the bytes would leave order
            }
        }
        return n;
    }

    /** Bytes the first {@code count} iovecs of {@code iov} describe: what one call offered the kernel. */
    public static long offeredBytes(MemorySegment iov, int count) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += Libc.iovecLength(iov, i);
        }
        return total;
    }

    /**
     * After a read of {@code bytes} through {@code iov} (from {@link #gather}): copies what the kernel put in
     * {@code staging} into the heap buffers it stands for. Native buffers already hold their bytes.
     */
    public static void scatter(MemorySegment iov, MemorySegment[] buffers, MemorySegment staging, int bytes) {
        long left = bytes;
        long staged = 0;
        for (int i = 0; left > 0; i++) {
            long len = Libc.iovecLength(iov, i);
            long n = Math.min(len, left);
            MemorySegment b = buffers[i];
            if (!b.isNative()) {
                if (n > 0) {
                    MemorySegment.copy(staging, staged, b, 0, n);
                }
                staged += len;
            }
            left -= n;
        }
    }
}
