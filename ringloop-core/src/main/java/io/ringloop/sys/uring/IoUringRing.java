package io.ringloop.sys.uring;

import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.error.SyscallException;
import io.ringloop.sys.Mman;
import io.ringloop.sys.Socket;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance as user space sees it: the ring fd, the mmapped submission and completion rings and
 * the SQE array, and the head/tail protocol between us and the kernel. Unlike the rest of {@code sys} it
 * (like {@link IoUringBufRing}) has state, because the mapped memory must be read through
 * {@code reinterpret}ed segments, which only this package may create. What to submit is the driver's
 * business; the ring's {@link IoUringSubmissionQueue} ({@link #sq()}) writes the entries, with one named
 * helper per operation, and this class hands them to the kernel and reads the completions.
 *
 * <pre>
 * struct io_uring_params {                 // 120 bytes
 *     __u32 sq_entries; __u32 cq_entries; __u32 flags; __u32 sq_thread_cpu;   //  0,  4,  8, 12
 *     __u32 sq_thread_idle; __u32 features; __u32 wq_fd; __u32 resv[3];      // 16, 20, 24, 28
 *     struct io_sqring_offsets sq_off;                                        // 40
 *     struct io_cqring_offsets cq_off;                                        // 80
 * };
 * struct io_sqring_offsets { __u32 head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
 *                            __u64 resv2; };     // 40 bytes
 * struct io_cqring_offsets { __u32 head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
 *                            __u64 resv2; };     // 40 bytes
 * </pre>
 * (include/uapi/linux/io_uring.h, v6.1; see {@link IoUring}.)
 *
 * <p><b>Memory order.</b> We own the SQ tail and the CQ head; the kernel owns the SQ head, the CQ tail
 * and the SQ flags. Ours are published with a release store (the SQEs, resp. our reads of the CQEs,
 * happen before it); theirs are read with an acquire load (the CQEs the kernel wrote are visible after
 * it). Accessor names carry the mode: {@code ...Acquire}, {@code ...Release}. All through
 * {@code JAVA_INT.varHandle()} on the mapped segments, whose offsets are 4-byte aligned.
 *
 * <p>Loop thread only: one issuer per ring.
 */
public final class IoUringRing implements AutoCloseable {
    // struct io_uring_params and the offsets structs in it (IoUringLayouts).
    private static final long PARAMS_SIZE = IoUringLayouts.PARAMS.byteSize();
    private static final long P_SQ_ENTRIES = IoUringLayouts.offset(IoUringLayouts.PARAMS, "sq_entries");
    private static final long P_CQ_ENTRIES = IoUringLayouts.offset(IoUringLayouts.PARAMS, "cq_entries");
    private static final long P_FLAGS = IoUringLayouts.offset(IoUringLayouts.PARAMS, "flags");
    private static final long P_FEATURES = IoUringLayouts.offset(IoUringLayouts.PARAMS, "features");
    private static final long P_SQ_OFF = IoUringLayouts.offset(IoUringLayouts.PARAMS, "sq_off");
    private static final long P_CQ_OFF = IoUringLayouts.offset(IoUringLayouts.PARAMS, "cq_off");
    // io_sqring_offsets fields, relative to P_SQ_OFF
    private static final long SQ_OFF_HEAD = sqOff("head");
    private static final long SQ_OFF_TAIL = sqOff("tail");
    private static final long SQ_OFF_RING_MASK = sqOff("ring_mask");
    private static final long SQ_OFF_FLAGS = sqOff("flags");
    private static final long SQ_OFF_ARRAY = sqOff("array");
    // io_cqring_offsets fields, relative to P_CQ_OFF
    private static final long CQ_OFF_HEAD = cqOff("head");
    private static final long CQ_OFF_TAIL = cqOff("tail");
    private static final long CQ_OFF_RING_MASK = cqOff("ring_mask");
    private static final long CQ_OFF_CQES = cqOff("cqes");

    private static final int PROBE_OPS = 256;
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final Arena arena;
    private final MemorySegment cs;
    private final int fd;
    private final int setupFlags;
    private final int features;
    private final int sqEntries;
    private final int cqEntries;
    private final int cqMask;
    private final IoUringSubmissionQueue sq;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final long sqFlagsOffset;
    private final long cqHeadOffset;
    private final long cqTailOffset;
    private final long cqesOffset;
    private final boolean[] supported = new boolean[PROBE_OPS];
    /** {@code struct io_uring_getevents_arg} then {@code struct __kernel_timespec}, preallocated. */
    private final MemorySegment eventsArg;
    private final MemorySegment timespec;

    /** Our CQ head: CQEs consumed so far. */
    private int cqHead;
    /** Created with IORING_SETUP_R_DISABLED and not yet enabled (see {@link #enableRings}). */
    private boolean disabled;
    private long enterCount;

    private static long sqOff(String field) {
        return IoUringLayouts.offset(IoUringLayouts.SQRING_OFFSETS, field);
    }

    private static long cqOff(String field) {
        return IoUringLayouts.offset(IoUringLayouts.CQRING_OFFSETS, field);
    }

    private IoUringRing(Arena arena, MemorySegment cs, int fd, MemorySegment params) throws IOException {
        this.arena = arena;
        this.cs = cs;
        this.fd = fd;
        setupFlags = params.get(JAVA_INT, P_FLAGS);
        features = params.get(JAVA_INT, P_FEATURES);
        sqEntries = params.get(JAVA_INT, P_SQ_ENTRIES);
        cqEntries = params.get(JAVA_INT, P_CQ_ENTRIES);
        disabled = (setupFlags & IoUring.SETUP_R_DISABLED) != 0;
        if ((features & IoUring.FEAT_SINGLE_MMAP) == 0) {
            throw new IOException("io_uring: kernel lacks IORING_FEAT_SINGLE_MMAP (needs Linux 5.4)");
        }
        long sqArray = params.get(JAVA_INT, P_SQ_OFF + SQ_OFF_ARRAY);
        long cqes = params.get(JAVA_INT, P_CQ_OFF + CQ_OFF_CQES);
        long ringSize = Math.max(sqArray + 4L * sqEntries, cqes + (long) IoUring.CQE_SIZE * cqEntries);
        int prot = Mman.PROT_READ | Mman.PROT_WRITE;
        int map = Mman.MAP_SHARED | Mman.MAP_POPULATE;
        MemorySegment rings = Mman.mmap(cs, ringSize, prot, map, fd, IoUring.OFF_SQ_RING, arena);
        if (rings == null) {
            throw Errno.exception("mmap(io_uring rings, " + ringSize + " bytes)", Socket.lastErrno(cs));
        }
        MemorySegment sqeArray = Mman.mmap(cs, (long) IoUring.SQE_SIZE * sqEntries, prot, map, fd,
                IoUring.OFF_SQES, arena);
        if (sqeArray == null) {
            throw Errno.exception("mmap(io_uring sqes)", Socket.lastErrno(cs));
        }
        sqRing = rings;
        cqRing = rings; // IORING_FEAT_SINGLE_MMAP: one mapping serves both rings
        sqFlagsOffset = params.get(JAVA_INT, P_SQ_OFF + SQ_OFF_FLAGS);
        cqHeadOffset = params.get(JAVA_INT, P_CQ_OFF + CQ_OFF_HEAD);
        cqTailOffset = params.get(JAVA_INT, P_CQ_OFF + CQ_OFF_TAIL);
        cqesOffset = cqes;
        int sqMask = rings.get(JAVA_INT, params.get(JAVA_INT, P_SQ_OFF + SQ_OFF_RING_MASK));
        cqMask = rings.get(JAVA_INT, params.get(JAVA_INT, P_CQ_OFF + CQ_OFF_RING_MASK));
        for (int i = 0; i < sqEntries; i++) {
            rings.set(JAVA_INT, sqArray + 4L * i, i); // SQ slot i always names SQE i
        }
        sq = new IoUringSubmissionQueue(rings, params.get(JAVA_INT, P_SQ_OFF + SQ_OFF_HEAD),
                params.get(JAVA_INT, P_SQ_OFF + SQ_OFF_TAIL), sqeArray, sqEntries, sqMask);
        cqHead = (int) INT.getAcquire(rings, cqHeadOffset);
        eventsArg = arena.allocate(IoUring.GETEVENTS_ARG_SIZE, 8);
        timespec = arena.allocate(IoUring.TIMESPEC_SIZE, 8);
        probe();
    }

    /**
     * Sets up a ring of {@code entries} SQEs (a power of two; the CQ gets twice as many). Tries, in order,
     * the setup flag sets in {@code flagChoices}, moving on when the kernel answers EINVAL (a flag it does
     * not know). Throws with the call and errno when io_uring is unusable (ENOSYS, EPERM, ENOMEM...).
     */
    public static IoUringRing open(int entries, int... flagChoices) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment cs = Libc.allocateCallState(arena);
            MemorySegment params = arena.allocate(PARAMS_SIZE, 8);
            int fd = -Errno.EINVAL;
            int flags = 0;
            for (int choice : flagChoices) {
                flags = choice;
                params.fill((byte) 0);
                params.set(JAVA_INT, P_FLAGS, flags);
                params.set(JAVA_INT, P_CQ_ENTRIES, 2 * entries);
                fd = IoUring.setup(cs, entries, params);
                if (fd != -Errno.EINVAL) {
                    break;
                }
            }
            if (fd < 0) {
                // Not Errno.exception: that makes EPERM a file's AccessDeniedException, and the caller tells
                // the sysctl or seccomp refusal (EPERM) and a kernel without io_uring (ENOSYS) by the errno.
                String call = "io_uring_setup(" + entries + ", flags=0x" + Integer.toHexString(flags) + ")";
                throw new SyscallException(call, -fd, Errno.name(-fd), Errno.describe(-fd));
            }
            try {
                return new IoUringRing(arena, cs, fd, params);
            } catch (IOException | RuntimeException e) {
                Libc.close(cs, fd);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private void probe() throws IOException {
        MemorySegment p = arena.allocate(IoUring.PROBE_HEADER_SIZE + IoUring.PROBE_OP_SIZE * PROBE_OPS, 8);
        int r = IoUring.register(cs, fd, IoUring.REGISTER_PROBE, p, PROBE_OPS);
        if (r < 0) {
            throw Errno.exception("io_uring_register(IORING_REGISTER_PROBE)", r);
        }
        int n = Byte.toUnsignedInt(p.get(JAVA_BYTE, IoUring.PROBE_OPS_LEN));
        for (int op = 0; op < Math.min(n, PROBE_OPS); op++) {
            short flags = p.get(JAVA_SHORT, IoUring.PROBE_HEADER_SIZE + IoUring.PROBE_OP_SIZE * op
                    + IoUring.PROBE_OP_FLAGS);
            supported[op] = (flags & IoUring.IO_URING_OP_SUPPORTED) != 0;
        }
    }

    public int fd() {
        return fd;
    }

    /** The setup flags the kernel accepted. */
    public int setupFlags() {
        return setupFlags;
    }

    public int features() {
        return features;
    }

    public int sqEntries() {
        return sqEntries;
    }

    public int cqEntries() {
        return cqEntries;
    }

    /** Whether the kernel knows {@code opcode}, per IORING_REGISTER_PROBE. */
    public boolean supports(int opcode) {
        return opcode >= 0 && opcode < PROBE_OPS && supported[opcode];
    }

    /** io_uring_enter calls made so far (submit, wait, or both). */
    public long enterCount() {
        return enterCount;
    }

    // ---- submission queue ----

    /** The SQ: where SQEs are written ({@code prep*}), handed to the kernel by the next enter. */
    public IoUringSubmissionQueue sq() {
        return sq;
    }

    /** {@code sq_ring->flags} (IORING_SQ_CQ_OVERFLOW, IORING_SQ_TASKRUN), written by the kernel. */
    public int sqFlagsAcquire() {
        return (int) INT.getAcquire(sqRing, sqFlagsOffset);
    }

    /** SQEs written and not yet consumed by the kernel. */
    public int sqPending() {
        return sq.pending();
    }

    /** True when no SQE can be written before the kernel consumes some ({@link #submit}). */
    public boolean sqFull() {
        return sq.full();
    }

    /** Publishes the SQEs and hands them to the kernel without waiting: the count consumed, or -errno. */
    public int submit() {
        return enter(0, 0, -1);
    }

    /**
     * Publishes the SQEs, hands them to the kernel and waits until {@code minComplete} CQEs are ready or
     * {@code timeoutNs} passes (negative: no limit; ignored when {@code minComplete} is 0, which only runs
     * pending completion work). One io_uring_enter. Returns the count consumed or -errno (ETIME, EINTR).
     */
    public int submitAndWait(int minComplete, long timeoutNs) {
        return enter(IoUring.ENTER_GETEVENTS, minComplete, timeoutNs);
    }

    private int enter(int flags, int minComplete, long timeoutNs) {
        if (disabled) {
            enableRings();
        }
        int toSubmit = sq.publish();
        MemorySegment arg = MemorySegment.NULL;
        long argSize = 0;
        if ((flags & IoUring.ENTER_GETEVENTS) != 0) {
            flags |= IoUring.ENTER_EXT_ARG;
            arg = eventsArg;
            argSize = IoUring.GETEVENTS_ARG_SIZE;
            if (minComplete > 0 && timeoutNs >= 0) {
                IoUringSubmissionQueue.putTimespec(timespec, timeoutNs);
                eventsArg.set(ADDRESS, IoUring.GETEVENTS_ARG_TS, timespec);
            } else {
                eventsArg.set(JAVA_LONG, IoUring.GETEVENTS_ARG_TS, 0L); // NULL: wait without limit
            }
        }
        enterCount++;
        return IoUring.enter(cs, fd, toSubmit, minComplete, flags, arg, argSize);
    }

    /**
     * IORING_REGISTER_ENABLE_RINGS. A ring made with SINGLE_ISSUER belongs to the task that creates it, or,
     * when created disabled, to the task that enables it. Enabling at the first enter ties the ring to the
     * loop's OS thread even when the driver was built on another thread.
     */
    private void enableRings() {
        int r = IoUring.register(cs, fd, IoUring.REGISTER_ENABLE_RINGS, MemorySegment.NULL, 0);
        if (r < 0) {
            throw new IllegalStateException("io_uring_register(IORING_REGISTER_ENABLE_RINGS): "
                    + Errno.describe(r));
        }
        disabled = false;
    }

    // ---- completion queue ----

    private int cqTailAcquire() {
        return (int) INT.getAcquire(cqRing, cqTailOffset);
    }

    private void cqHeadRelease(int head) {
        INT.setRelease(cqRing, cqHeadOffset, head);
    }

    /** CQEs ready to be read. */
    public int cqReady() {
        return cqTailAcquire() - cqHead;
    }

    /** {@code user_data} of the oldest ready CQE; only after {@link #cqReady()} said there is one. */
    public long cqeUserData() {
        return cqRing.get(JAVA_LONG, cqeOffset() + IoUring.CQE_USER_DATA);
    }

    public int cqeRes() {
        return cqRing.get(JAVA_INT, cqeOffset() + IoUring.CQE_RES);
    }

    public int cqeFlags() {
        return cqRing.get(JAVA_INT, cqeOffset() + IoUring.CQE_FLAGS);
    }

    private long cqeOffset() {
        return cqesOffset + (long) (cqHead & cqMask) * IoUring.CQE_SIZE;
    }

    /** Gives the oldest CQE back to the kernel. */
    public void cqAdvance() {
        cqHead++;
        cqHeadRelease(cqHead);
    }

    @Override
    public String toString() {
        return "IoUringRing[fd=" + fd + ", flags=0x" + Integer.toHexString(setupFlags) + ", sq=" + sq.pending()
                + "/" + sqEntries + ", cq=" + cqReady() + "/" + cqEntries + ", sqFlags=0x"
                + Integer.toHexString(sqFlagsAcquire()) + ", enters=" + enterCount + "]";
    }

    /** Closes the ring fd and unmaps the rings. Everything the kernel held must have been reaped first. */
    @Override
    public void close() {
        Libc.close(cs, fd);
        arena.close();
    }
}
