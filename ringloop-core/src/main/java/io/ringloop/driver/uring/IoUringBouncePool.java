package io.ringloop.driver.uring;

import io.ringloop.driver.Iovecs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Native buffers that stand in for heap buffers while the kernel works on them: the GC moves arrays, so an
 * io_uring read or write of a heap segment goes through one of these, copied in before a write and out
 * after a read.
 *
 * <p>Buffers come in power-of-two size classes from {@value #MIN_BYTES} to {@value #MAX_BYTES} bytes; a
 * heap transfer is capped at {@link #MAX_BYTES} (reads and writes may always transfer fewer bytes than
 * asked). A buffer belongs to one operation from {@link #take} until that operation's CQE is reaped, then
 * returns to its class's free stack: in steady state nothing is allocated. Buffers are never freed before
 * the driver closes its arena. Loop thread only.
 */
final class IoUringBouncePool {
    static final int MIN_SHIFT = 9;
    static final int MAX_SHIFT = Long.numberOfTrailingZeros(Iovecs.STAGING_BYTES);
    static final long MIN_BYTES = 1L << MIN_SHIFT;
    static final long MAX_BYTES = 1L << MAX_SHIFT;

    private final Arena arena;
    private final MemorySegment[][] free = new MemorySegment[MAX_SHIFT - MIN_SHIFT + 1][];
    private final int[] freeCount = new int[MAX_SHIFT - MIN_SHIFT + 1];
    private long allocatedBytes;

    IoUringBouncePool(Arena arena) {
        this.arena = arena;
        for (int i = 0; i < free.length; i++) {
            free[i] = new MemorySegment[4];
        }
    }

    /** How many bytes of a {@code wantedBytes} heap transfer go through one bounce buffer. */
    static long cap(long wantedBytes) {
        return Math.min(wantedBytes, MAX_BYTES);
    }

    /** A native buffer of at least {@code cap(wantedBytes)} bytes (zero-length requests get the smallest). */
    MemorySegment take(long wantedBytes) {
        int c = sizeClass(cap(wantedBytes));
        int n = freeCount[c];
        if (n > 0) {
            MemorySegment s = free[c][n - 1];
            free[c][n - 1] = null;
            freeCount[c] = n - 1;
            return s;
        }
        long size = 1L << (c + MIN_SHIFT);
        allocatedBytes += size;
        return arena.allocate(size, 64);
    }

    /** Returns a buffer from {@link #take}; the kernel must be done with it. */
    void give(MemorySegment buffer) {
        int c = sizeClass(buffer.byteSize());
        int n = freeCount[c];
        if (n == free[c].length) {
            free[c] = Arrays.copyOf(free[c], n * 2);
        }
        free[c][n] = buffer;
        freeCount[c] = n + 1;
    }

    /** Native bytes allocated for bounce buffers so far (they are reused, never freed before close). */
    long allocatedBytes() {
        return allocatedBytes;
    }

    private static int sizeClass(long bytes) {
        if (bytes <= MIN_BYTES) {
            return 0;
        }
        int shift = 64 - Long.numberOfLeadingZeros(bytes - 1); // ceil(log2(bytes))
        return Math.min(shift, MAX_SHIFT) - MIN_SHIFT;
    }
}
