package io.ringloop.sys.uring;

import io.ringloop.sys.Errno;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A provided-buffer ring (IORING_REGISTER_PBUF_RING, Linux 5.19): buffers the kernel picks from when a recv
 * is submitted with IOSQE_BUFFER_SELECT, so memory is taken only when data arrives rather than for as long
 * as a read waits. From include/uapi/linux/io_uring.h (v6.1):
 *
 * <pre>
 * struct io_uring_buf { __u64 addr; __u32 len; __u16 bid; __u16 resv; };      // 16 bytes
 * struct io_uring_buf_ring { union { struct { __u64 resv1; __u32 resv2; __u16 resv3; __u16 tail; };
 *                                    struct io_uring_buf bufs[]; }; };       // tail overlays bufs[0].resv
 * struct io_uring_buf_reg { __u64 ring_addr; __u32 ring_entries; __u16 bgid; __u16 flags; __u64 resv[3]; };
 * </pre>
 *
 * <p>We own the tail (release store after the entries are written); the kernel consumes from its own head.
 * A buffer is the kernel's from {@link #publish} until a CQE names its id (IORING_CQE_F_BUFFER, id in the
 * upper 16 bits of {@code cqe->flags}); then it is ours until {@link #recycle}. Loop thread only.
 */
public final class IoUringBufRing {
    private static final long BUF_SIZE = IoUringLayouts.BUF.byteSize();
    private static final long BUF_ADDR = IoUringLayouts.offset(IoUringLayouts.BUF, "addr");
    private static final long BUF_LEN = IoUringLayouts.offset(IoUringLayouts.BUF, "len");
    private static final long BUF_BID = IoUringLayouts.offset(IoUringLayouts.BUF, "bid");
    /** The ring's tail overlays entry 0's {@code resv}. */
    private static final long RING_TAIL = IoUringLayouts.offset(IoUringLayouts.BUF, "resv");
    private static final long REG_SIZE = IoUringLayouts.BUF_REG.byteSize();
    private static final long REG_RING_ADDR = IoUringLayouts.offset(IoUringLayouts.BUF_REG, "ring_addr");
    private static final long REG_RING_ENTRIES = IoUringLayouts.offset(IoUringLayouts.BUF_REG, "ring_entries");
    private static final long REG_BGID = IoUringLayouts.offset(IoUringLayouts.BUF_REG, "bgid");
    private static final int REGISTER_PBUF_RING = 22;
    private static final long PAGE = 4096;
    private static final VarHandle SHORT = JAVA_SHORT.varHandle();

    private final MemorySegment ring;
    private final MemorySegment[] buffers;
    private final int mask;
    private final int groupId;
    private final int bufferBytes;
    /** Our tail: entries written so far (published by {@link #publish}). */
    private int tail;

    private IoUringBufRing(MemorySegment ring, MemorySegment[] buffers, int groupId, int bufferBytes) {
        this.ring = ring;
        this.buffers = buffers;
        this.mask = buffers.length - 1;
        this.groupId = groupId;
        this.bufferBytes = bufferBytes;
    }

    /**
     * Allocates {@code count} (a power of two) buffers of {@code bufferBytes} from {@code arena}, registers
     * them with ring {@code ringFd} as group {@code groupId} and hands them all to the kernel. Throws when the
     * kernel refuses (EINVAL before 5.19).
     */
    public static IoUringBufRing register(MemorySegment cs, int ringFd, Arena arena, int groupId, int count,
                                          int bufferBytes) throws IOException {
        if (Integer.bitCount(count) != 1 || count > 32768) {
            throw new IllegalArgumentException("buffer count must be a power of two <= 32768: " + count);
        }
        MemorySegment ring = arena.allocate(BUF_SIZE * count, PAGE); // the kernel wants it page-aligned
        MemorySegment[] buffers = new MemorySegment[count];
        MemorySegment block = arena.allocate((long) bufferBytes * count, 64);
        for (int i = 0; i < count; i++) {
            buffers[i] = block.asSlice((long) i * bufferBytes, bufferBytes);
        }
        MemorySegment reg = arena.allocate(REG_SIZE, 8);
        reg.set(ADDRESS, REG_RING_ADDR, ring);
        reg.set(JAVA_INT, REG_RING_ENTRIES, count);
        reg.set(JAVA_SHORT, REG_BGID, (short) groupId);
        int r = IoUring.register(cs, ringFd, REGISTER_PBUF_RING, reg, 1);
        if (r < 0) {
            throw Errno.exception("io_uring_register(IORING_REGISTER_PBUF_RING, bgid=" + groupId + ")", r);
        }
        IoUringBufRing b = new IoUringBufRing(ring, buffers, groupId, bufferBytes);
        for (int i = 0; i < count; i++) {
            b.add(i);
        }
        b.publish();
        return b;
    }

    public int groupId() {
        return groupId;
    }

    public int bufferBytes() {
        return bufferBytes;
    }

    /** Buffer {@code bid}, which a CQE has just handed back to us. */
    public MemorySegment buffer(int bid) {
        return buffers[bid];
    }

    /** Gives buffer {@code bid} back to the kernel (visible after {@link #publish}). */
    public void add(int bid) {
        long e = (long) (tail & mask) * BUF_SIZE;
        ring.set(ADDRESS, e + BUF_ADDR, buffers[bid]);
        ring.set(JAVA_INT, e + BUF_LEN, bufferBytes);
        ring.set(JAVA_SHORT, e + BUF_BID, (short) bid);
        tail++;
    }

    /** Makes the added buffers visible to the kernel: release store of the 16-bit tail. */
    public void publish() {
        SHORT.setRelease(ring, RING_TAIL, (short) tail);
    }

    /** {@link #add} then {@link #publish}. */
    public void recycle(int bid) {
        add(bid);
        publish();
    }
}
