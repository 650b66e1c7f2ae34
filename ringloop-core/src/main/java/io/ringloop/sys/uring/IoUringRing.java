package io.ringloop.sys.uring;

import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
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
 * business; this class only writes and reads entries.
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
    private static final long NS_PER_S = 1_000_000_000L;
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final Arena arena;
    private final MemorySegment cs;
    private final int fd;
    private final int setupFlags;
    private final int features;
    private final int sqEntries;
    private final int cqEntries;
    private final int sqMask;
    private final int cqMask;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final long sqHeadOffset;
    private final long sqTailOffset;
    private final long sqFlagsOffset;
    private final long cqHeadOffset;
    private final long cqTailOffset;
    private final long cqesOffset;
    private final boolean[] supported = new boolean[PROBE_OPS];
    /** {@code struct io_uring_getevents_arg} then {@code struct __kernel_timespec}, preallocated. */
    private final MemorySegment eventsArg;
    private final MemorySegment timespec;

    /** Our SQ tail: SQEs written so far (published to the kernel at the next enter). */
    private int sqTail;
    /** Our CQ head: CQEs consumed so far. */
    private int cqHead;
    /** Created with IORING_SETUP_R_DISABLED and not yet enabled (see {@link #enableRings}). */
    private boolean disabled;
    private long enterCount;
    /** Registered files: SQEs of data operations on them get IOSQE_FIXED_FILE; null when none. */
    private IoUringFileTable fixedFiles;
    /** Opcodes that take IOSQE_FIXED_FILE here: socket data transfers, never close or cancel. */
    private static final boolean[] FIXED_FILE_OPS = new boolean[PROBE_OPS];

    static {
        for (int op : new int[] {1, 2, IoUring.OP_SENDMSG, IoUring.OP_RECVMSG, IoUring.OP_SEND, IoUring.OP_RECV,
                IoUring.OP_SEND_ZC, IoUring.OP_SENDMSG_ZC}) {
            FIXED_FILE_OPS[op] = true; // 1, 2: READV, WRITEV
        }
    }

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
        sqes = sqeArray;
        sqHeadOffset = params.get(JAVA_INT, P_SQ_OFF + SQ_OFF_HEAD);
        sqTailOffset = params.get(JAVA_INT, P_SQ_OFF + SQ_OFF_TAIL);
        sqFlagsOffset = params.get(JAVA_INT, P_SQ_OFF + SQ_OFF_FLAGS);
        cqHeadOffset = params.get(JAVA_INT, P_CQ_OFF + CQ_OFF_HEAD);
        cqTailOffset = params.get(JAVA_INT, P_CQ_OFF + CQ_OFF_TAIL);
        cqesOffset = cqes;
        sqMask = rings.get(JAVA_INT, params.get(JAVA_INT, P_SQ_OFF + SQ_OFF_RING_MASK));
        cqMask = rings.get(JAVA_INT, params.get(JAVA_INT, P_CQ_OFF + CQ_OFF_RING_MASK));
        for (int i = 0; i < sqEntries; i++) {
            rings.set(JAVA_INT, sqArray + 4L * i, i); // SQ slot i always names SQE i
        }
        sqTail = (int) INT.getAcquire(rings, sqTailOffset);
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
                throw Errno.exception("io_uring_setup(" + entries + ", flags=0x" + Integer.toHexString(flags)
                        + ")", fd);
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

    private int sqHeadAcquire() {
        return (int) INT.getAcquire(sqRing, sqHeadOffset);
    }

    private void sqTailRelease(int tail) {
        INT.setRelease(sqRing, sqTailOffset, tail);
    }

    /** {@code sq_ring->flags} (IORING_SQ_CQ_OVERFLOW, IORING_SQ_TASKRUN), written by the kernel. */
    public int sqFlagsAcquire() {
        return (int) INT.getAcquire(sqRing, sqFlagsOffset);
    }

    /** SQEs written and not yet consumed by the kernel. */
    public int sqPending() {
        return sqTail - sqHeadAcquire();
    }

    /** True when no SQE can be written before the kernel consumes some ({@link #submit}). */
    public boolean sqFull() {
        return sqTail - sqHeadAcquire() >= sqEntries;
    }

    /**
     * Writes the next SQE; the caller has checked {@link #sqFull()}. {@code addr} is a native segment
     * (its address goes into {@code sqe->addr}) or {@link MemorySegment#NULL}; {@code opFlags} is the
     * union at offset 28 (msg_flags, accept_flags, ...); {@code ioprio} carries the RECVSEND/ACCEPT flags.
     */
    public void prepare(int opcode, int fd, MemorySegment addr, int len, long off, int opFlags, int ioprio,
                        long userData) {
        long base = (long) (sqTail & sqMask) * IoUring.SQE_SIZE;
        MemorySegment s = sqes;
        clear(s, base);
        s.set(JAVA_BYTE, base + IoUring.SQE_OPCODE, (byte) opcode);
        s.set(JAVA_SHORT, base + IoUring.SQE_IOPRIO, (short) ioprio);
        s.set(JAVA_INT, base + IoUring.SQE_FD, fd);
        s.set(JAVA_LONG, base + IoUring.SQE_OFF, off);
        s.set(ADDRESS, base + IoUring.SQE_ADDR, addr);
        s.set(JAVA_INT, base + IoUring.SQE_LEN, len);
        s.set(JAVA_INT, base + IoUring.SQE_OP_FLAGS, opFlags);
        s.set(JAVA_LONG, base + IoUring.SQE_USER_DATA, userData);
        if (fixedFiles != null && FIXED_FILE_OPS[opcode] && fixedFiles.isRegistered(fd)) {
            s.set(JAVA_BYTE, base + IoUring.SQE_FLAGS, (byte) IoUring.IOSQE_FIXED_FILE); // slot fd holds fd
        }
        sqTail++;
    }

    /** From now on, data operations on the fds registered in {@code table} go through it. */
    public void useFixedFiles(IoUringFileTable table) {
        fixedFiles = table;
    }

    /**
     * {@link #prepare} for {@code length} bytes of native {@code buffer} at {@code offset}: writes the address
     * without making a slice object, so a loop reusing one buffer allocates nothing per operation.
     */
    public void prepareAt(int opcode, int fd, MemorySegment buffer, long offset, int length, int opFlags,
                          long userData) {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        prepare(opcode, fd, MemorySegment.NULL, length, 0, opFlags, 0, userData);
        long base = (long) ((sqTail - 1) & sqMask) * IoUring.SQE_SIZE;
        // SAFETY: offset + length lies inside buffer (checked above); the caller keeps buffer alive until the
        // CQE (the op table holds it), so the address stays valid while the kernel uses it.
        sqes.set(JAVA_LONG, base + IoUring.SQE_ADDR, buffer.address() + offset);
    }

    /**
     * Writes a recv-type SQE that takes its buffer from provided-buffer group {@code bufGroup}
     * (IOSQE_BUFFER_SELECT): at most {@code len} bytes; the CQE names the buffer chosen.
     */
    public void prepareBufferSelect(int opcode, int fd, int len, int opFlags, int bufGroup, long userData) {
        prepareBufferSelect(opcode, fd, len, opFlags, 0, bufGroup, userData);
    }

    /** {@link #prepareBufferSelect(int, int, int, int, int, long)} with {@code ioprio} (e.g. RECV_MULTISHOT). */
    public void prepareBufferSelect(int opcode, int fd, int len, int opFlags, int ioprio, int bufGroup,
                                    long userData) {
        prepare(opcode, fd, MemorySegment.NULL, len, 0, opFlags, ioprio, userData);
        long base = (long) ((sqTail - 1) & sqMask) * IoUring.SQE_SIZE;
        byte flags = sqes.get(JAVA_BYTE, base + IoUring.SQE_FLAGS);
        sqes.set(JAVA_BYTE, base + IoUring.SQE_FLAGS, (byte) (flags | IoUring.IOSQE_BUFFER_SELECT));
        sqes.set(JAVA_SHORT, base + IoUring.SQE_BUF_INDEX, (short) bufGroup);
    }

    /**
     * Bounds the last SQE written by an IORING_OP_LINK_TIMEOUT of {@code timeoutNs}, if that SQE is still in
     * the SQ (not yet handed to the kernel), carries {@code userData}, and the SQ has room for one more:
     * sets IOSQE_IO_LINK on it and writes the timeout after it, with {@code timeoutUserData}. The
     * kernel copies the timespec when it takes the SQEs, so {@code timespec} (16 native bytes) need only live
     * until the next submit. When the time runs out the operation completes with -ECANCELED (and the timeout
     * with -ETIME); when the operation finishes first, the timeout completes with -ECANCELED. Returns false,
     * writing nothing, when the link cannot be made.
     */
    public boolean linkTimeout(long userData, long timeoutNs, MemorySegment timespec, long timeoutUserData) {
        if (sqPending() == 0 || sqFull()) {
            return false;
        }
        long last = (long) ((sqTail - 1) & sqMask) * IoUring.SQE_SIZE;
        if (sqes.get(JAVA_LONG, last + IoUring.SQE_USER_DATA) != userData) {
            return false;
        }
        byte flags = sqes.get(JAVA_BYTE, last + IoUring.SQE_FLAGS);
        sqes.set(JAVA_BYTE, last + IoUring.SQE_FLAGS, (byte) (flags | IoUring.IOSQE_IO_LINK));
        timespec.set(JAVA_LONG, 0, timeoutNs / NS_PER_S);
        timespec.set(JAVA_LONG, 8, timeoutNs % NS_PER_S);
        prepare(IoUring.OP_LINK_TIMEOUT, -1, timespec, 1, 0, 0, 0, timeoutUserData);
        return true;
    }

    /**
     * Writes an IORING_OP_ASYNC_CANCEL SQE: by {@code targetUserData}, or with {@code ASYNC_CANCEL_FD} by
     * {@code fd}, or with {@code ASYNC_CANCEL_ANY} everything; the caller has checked {@link #sqFull()}.
     */
    public void prepareCancel(long targetUserData, int fd, int cancelFlags, long userData) {
        long base = (long) (sqTail & sqMask) * IoUring.SQE_SIZE;
        MemorySegment s = sqes;
        clear(s, base);
        s.set(JAVA_BYTE, base + IoUring.SQE_OPCODE, (byte) IoUring.OP_ASYNC_CANCEL);
        s.set(JAVA_INT, base + IoUring.SQE_FD, fd);
        s.set(JAVA_LONG, base + IoUring.SQE_ADDR, targetUserData);
        s.set(JAVA_INT, base + IoUring.SQE_OP_FLAGS, cancelFlags);
        s.set(JAVA_LONG, base + IoUring.SQE_USER_DATA, userData);
        sqTail++;
    }

    private static void clear(MemorySegment s, long base) {
        for (long i = 0; i < IoUring.SQE_SIZE; i += 8) {
            s.set(JAVA_LONG, base + i, 0L);
        }
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
        sqTailRelease(sqTail);
        int toSubmit = sqTail - sqHeadAcquire();
        MemorySegment arg = MemorySegment.NULL;
        long argSize = 0;
        if ((flags & IoUring.ENTER_GETEVENTS) != 0) {
            flags |= IoUring.ENTER_EXT_ARG;
            arg = eventsArg;
            argSize = IoUring.GETEVENTS_ARG_SIZE;
            if (minComplete > 0 && timeoutNs >= 0) {
                timespec.set(JAVA_LONG, 0, timeoutNs / NS_PER_S);
                timespec.set(JAVA_LONG, 8, timeoutNs % NS_PER_S);
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

    /** Closes the ring fd and unmaps the rings. Everything the kernel held must have been reaped first. */
    @Override
    public void close() {
        Libc.close(cs, fd);
        arena.close();
    }
}
