package io.ringloop.driver.uring;

import io.ringloop.sys.Libc;
import io.ringloop.sys.MsgHdr;
import io.ringloop.sys.SockAddr;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The native memory each in-flight io_uring operation lends the kernel, by {@code OpTable} slot: a scratch
 * block for the structs an SQE points at (msghdr, iovec, sockaddr), made on the slot's first use and kept,
 * and the bounce buffer that stands in for a heap buffer. A slot is reused only after its CQE has been
 * reaped, so the kernel never sees this memory change under an operation it still runs. Loop thread only.
 */
final class IoUringOpMemory {
    /** Scratch block: msghdr (56 bytes) at 0, one iovec (16) at 64, a timespec (16) at 96, a sockaddr (128) at 128. */
    private static final long SCRATCH_BYTES = 256;
    private static final long SCRATCH_MSGHDR = 0;
    private static final long SCRATCH_IOVEC = 64;
    private static final long SCRATCH_TIMESPEC = 96;
    private static final long SCRATCH_ADDR = 128;

    private final Arena arena;
    private final IoUringBouncePool bounce;
    private MemorySegment[] scratchBySlot = new MemorySegment[64];
    private MemorySegment[] bounceBySlot = new MemorySegment[64];
    /** An ASYNC_CANCEL was already submitted for the slot's live operation. */
    private boolean[] cancelledBySlot = new boolean[64];
    /** System.nanoTime() by which the slot's operation must end (a linked timeout), or 0. */
    private long[] deadlineBySlot = new long[64];
    /** The slot's send waits on a POLL_ADD for room ({@link IoUringResends}): its next CQE is the readiness. */
    private boolean[] pollingBySlot = new boolean[64];

    IoUringOpMemory(Arena arena) {
        this.arena = arena;
        this.bounce = new IoUringBouncePool(arena);
    }

    /** Makes room for {@code slot} (the op table grows by doubling; so do we). */
    void ensureSlot(int slot) {
        if (slot >= bounceBySlot.length) {
            int n = Math.max(slot + 1, bounceBySlot.length * 2);
            bounceBySlot = Arrays.copyOf(bounceBySlot, n);
            scratchBySlot = Arrays.copyOf(scratchBySlot, n);
            cancelledBySlot = Arrays.copyOf(cancelledBySlot, n);
            deadlineBySlot = Arrays.copyOf(deadlineBySlot, n);
            pollingBySlot = Arrays.copyOf(pollingBySlot, n);
        }
    }

    /**
     * The memory the kernel reads or fills for {@code buffer}: the buffer itself when native, else a bounce
     * buffer (filled from {@code buffer} when {@code copyIn}). Only the first {@link #kernelLength} bytes of
     * the returned segment are for the kernel: a bounce buffer may be larger than asked.
     */
    MemorySegment kernelBuffer(int slot, MemorySegment buffer, boolean copyIn) {
        if (buffer.isNative()) {
            return buffer;
        }
        long n = IoUringBouncePool.cap(buffer.byteSize());
        MemorySegment b = bounce.take(n);
        bounceBySlot[slot] = b;
        if (copyIn) {
            MemorySegment.copy(buffer, 0, b, 0, n);
        }
        return b;
    }

    /** How many bytes of {@code buffer} one operation transfers: all of a native one, a capped heap one. */
    static int kernelLength(MemorySegment buffer) {
        long n = buffer.isNative() ? buffer.byteSize() : IoUringBouncePool.cap(buffer.byteSize());
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /**
     * Fills the slot's msghdr for one datagram: {@code name} (or NULL) and one iovec over the first
     * {@link #kernelLength} bytes of {@code kernelBuffer}, which stands for {@code userBuffer}.
     */
    MemorySegment msghdr(int slot, MemorySegment name, int nameLen, MemorySegment kernelBuffer,
                         MemorySegment userBuffer) {
        MemorySegment s = scratch(slot);
        MemorySegment iov = s.asSlice(SCRATCH_IOVEC, Libc.IOVEC_SIZE);
        iov.set(ValueLayout.ADDRESS, 0, kernelBuffer); // struct iovec { void *iov_base; size_t iov_len; }
        iov.set(ValueLayout.JAVA_LONG, 8, kernelLength(userBuffer));
        MemorySegment msg = s.asSlice(SCRATCH_MSGHDR, MsgHdr.SIZE);
        MsgHdr.set(msg, name, nameLen, iov, 1);
        return msg;
    }

    MemorySegment sockaddr(int slot) {
        return scratch(slot).asSlice(SCRATCH_ADDR, SockAddr.MAX_SIZE);
    }

    /** The {@code __kernel_timespec} of the slot's linked timeout. */
    MemorySegment timespec(int slot) {
        return scratch(slot).asSlice(SCRATCH_TIMESPEC, 16);
    }

    private MemorySegment scratch(int slot) {
        MemorySegment s = scratchBySlot[slot];
        if (s == null) {
            s = arena.allocate(SCRATCH_BYTES, 8);
            scratchBySlot[slot] = s;
        }
        return s;
    }

    /** The bounce buffer the slot's operation uses (a heap buffer's stand-in), or null. */
    MemorySegment bounce(int slot) {
        return bounceBySlot[slot];
    }

    /** Whether a cancel was submitted for the slot's current operation. */
    boolean isCancelled(int slot) {
        return cancelledBySlot[slot];
    }

    /** True the first time it is called for the slot's current operation. */
    boolean markCancelled(int slot) {
        boolean first = !cancelledBySlot[slot];
        cancelledBySlot[slot] = true;
        return first;
    }

    /**
     * The slot's CQE has been reaped: copies {@code bytes} received into a heap {@code userBuffer} (when
     * {@code copyOut} and a bounce buffer was used) and takes the bounce buffer back.
     */
    void completed(int slot, int bytes, boolean copyOut, MemorySegment userBuffer) {
        MemorySegment b = bounceBySlot[slot];
        if (b != null) {
            if (copyOut && bytes > 0) {
                // A MSG_TRUNC receive reports more than it wrote: copy what the bounce buffer holds, no more.
                MemorySegment.copy(b, 0, userBuffer, 0, Math.min(bytes, kernelLength(userBuffer)));
            }
            bounceBySlot[slot] = null;
            bounce.give(b);
        }
        cancelledBySlot[slot] = false;
        deadlineBySlot[slot] = 0;
        pollingBySlot[slot] = false;
    }

    /** Whether the slot's send waits for room, so that its next CQE is that readiness. */
    boolean polling(int slot) {
        return pollingBySlot[slot];
    }

    void polling(int slot, boolean waiting) {
        pollingBySlot[slot] = waiting;
    }

    /** Records that the slot's operation must end by {@code deadlineNs} (System.nanoTime()). */
    void deadline(int slot, long deadlineNs) {
        deadlineBySlot[slot] = deadlineNs == 0 ? 1 : deadlineNs;
    }

    /** The slot's deadline, or 0 for none. */
    long deadline(int slot) {
        return deadlineBySlot[slot];
    }

    long bounceAllocatedBytes() {
        return bounce.allocatedBytes();
    }

    /**
     * What the slot holds for its operation, for messages: {@code ""}, or a list starting with ", " (the
     * bounce buffer's size, whether a cancel was submitted, the time left to its deadline).
     */
    String describe(int slot) {
        if (slot < 0 || slot >= bounceBySlot.length) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        if (bounceBySlot[slot] != null) {
            b.append(", bounce ").append(bounceBySlot[slot].byteSize()).append('B');
        }
        if (cancelledBySlot[slot]) {
            b.append(", cancelled");
        }
        if (deadlineBySlot[slot] != 0) {
            b.append(", deadline in ").append((deadlineBySlot[slot] - System.nanoTime()) / 1_000_000).append("ms");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        int bounced = 0;
        int cancelled = 0;
        for (int slot = 0; slot < bounceBySlot.length; slot++) {
            bounced += bounceBySlot[slot] != null ? 1 : 0;
            cancelled += cancelledBySlot[slot] ? 1 : 0;
        }
        return "IoUringOpMemory[slots=" + bounceBySlot.length + ", bouncing=" + bounced + ", cancelled=" + cancelled
                + ", bounceBytes=" + bounce.allocatedBytes() + "]";
    }
}
