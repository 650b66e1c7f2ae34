package io.ringloop.sys.uring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A ring's submission queue: the mapped SQE array, our tail and the kernel's head, and one preparation
 * helper per operation we submit, each naming the SQE fields it fills, in the spirit of liburing's
 * {@code io_uring_prep_*} (liburing-2.6 {@code src/include/liburing.h},
 * https://github.com/axboe/liburing/blob/liburing-2.6/src/include/liburing.h). The SQE layout is quoted in
 * {@link IoUring} ({@code struct io_uring_sqe}); which union member each opcode reads is the kernel's
 * {@code io_uring/*.c} {@code *_prep} functions at v6.1.
 *
 * <p>Every helper writes the next SQE in full (zeroed first, so a field it does not name is 0) and only
 * then counts it: a helper that throws (a heap segment where the kernel needs an address, an offset out of
 * bounds) leaves nothing queued. The caller has made room ({@link #full()} false). Operations on a
 * registered file get IOSQE_FIXED_FILE here ({@link #useFixedFiles}). Nothing allocates.
 *
 * <p>Memory order as in {@link IoUringRing}: our tail is published with a release store by
 * {@link #publish()}, the kernel's head read with an acquire load. Loop thread only.
 */
public final class IoUringSubmissionQueue {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final long NS_PER_S = 1_000_000_000L;
    /** Opcodes that take IOSQE_FIXED_FILE here: socket data transfers, never close or cancel. */
    private static final boolean[] FIXED_FILE_OPS = new boolean[256];

    static {
        for (int op : new int[] {IoUring.OP_READV, IoUring.OP_WRITEV, IoUring.OP_SENDMSG, IoUring.OP_RECVMSG,
                IoUring.OP_SEND, IoUring.OP_RECV, IoUring.OP_SEND_ZC, IoUring.OP_SENDMSG_ZC}) {
            FIXED_FILE_OPS[op] = true;
        }
    }

    /** The mapped SQ ring (head, tail), and the offsets of its head and tail in it. */
    private final MemorySegment ring;
    private final long headOffset;
    private final long tailOffset;
    /** The mapped SQE array: entry {@code i} at {@code i * SQE_SIZE}; SQ slot {@code i} always names entry i. */
    private final MemorySegment sqes;
    private final int entries;
    private final int mask;
    /** Our tail: SQEs written so far (published to the kernel by {@link #publish}). */
    private int tail;
    /** Registered files: SQEs of data operations on them get IOSQE_FIXED_FILE; null when none. */
    private IoUringFileTable fixedFiles;

    IoUringSubmissionQueue(MemorySegment ring, long headOffset, long tailOffset, MemorySegment sqes, int entries,
                           int mask) {
        this.ring = ring;
        this.headOffset = headOffset;
        this.tailOffset = tailOffset;
        this.sqes = sqes;
        this.entries = entries;
        this.mask = mask;
        this.tail = (int) INT.getAcquire(ring, tailOffset);
    }

    public int entries() {
        return entries;
    }

    /** SQEs written and not yet consumed by the kernel. */
    public int pending() {
        return tail - headAcquire();
    }

    /** True when no SQE can be written before the kernel consumes some. */
    public boolean full() {
        return tail - headAcquire() >= entries;
    }

    /** From now on, data operations on the fds registered in {@code table} go through it. */
    public void useFixedFiles(IoUringFileTable table) {
        fixedFiles = table;
    }

    private int headAcquire() {
        return (int) INT.getAcquire(ring, headOffset);
    }

    /** Makes the written SQEs visible to the kernel (release store of the tail): how many it has not consumed. */
    int publish() {
        INT.setRelease(ring, tailOffset, tail);
        return tail - headAcquire();
    }

    // ---- networking ----

    /** IORING_OP_RECV: up to {@code len} bytes into native {@code buffer}; {@code msg_flags} as recv(2). */
    public void prepRecv(int fd, MemorySegment buffer, int len, int msgFlags, long userData) {
        long sqe = start(IoUring.OP_RECV, fd, userData);
        addr(sqe, buffer);
        lenAndFlags(sqe, len, msgFlags);
        tail++;
    }

    /** {@link #prepRecv} into {@code length} bytes of native {@code buffer} at {@code offset}: no slice object. */
    public void prepRecv(int fd, MemorySegment buffer, long offset, int length, int msgFlags, long userData) {
        long address = addressAt(buffer, offset, length);
        long sqe = start(IoUring.OP_RECV, fd, userData);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_ADDR, address);
        lenAndFlags(sqe, length, msgFlags);
        tail++;
    }

    /**
     * A multishot IORING_OP_RECV (IORING_RECV_MULTISHOT in {@code ioprio}, Linux 6.0) taking its buffers from
     * provided-buffer group {@code bufGroup} (IOSQE_BUFFER_SELECT, {@code buf_group}): one CQE per chunk, each
     * naming the buffer it filled, with IORING_CQE_F_MORE while more follow.
     */
    public void prepRecvMultishot(int fd, int bufGroup, int msgFlags, long userData) {
        long sqe = start(IoUring.OP_RECV, fd, userData);
        sqes.set(JAVA_SHORT, sqe + IoUring.SQE_IOPRIO, (short) IoUring.RECV_MULTISHOT);
        lenAndFlags(sqe, 0, msgFlags);
        orFlags(sqe, IoUring.IOSQE_BUFFER_SELECT);
        sqes.set(JAVA_SHORT, sqe + IoUring.SQE_BUF_INDEX, (short) bufGroup);
        tail++;
    }

    /** IORING_OP_SEND: {@code len} bytes of native {@code buffer}; {@code msg_flags} as send(2). */
    public void prepSend(int fd, MemorySegment buffer, int len, int msgFlags, long userData) {
        long sqe = start(IoUring.OP_SEND, fd, userData);
        addr(sqe, buffer);
        lenAndFlags(sqe, len, msgFlags);
        tail++;
    }

    /** {@link #prepSend} of {@code length} bytes of native {@code buffer} at {@code offset}: no slice object. */
    public void prepSend(int fd, MemorySegment buffer, long offset, int length, int msgFlags, long userData) {
        long address = addressAt(buffer, offset, length);
        long sqe = start(IoUring.OP_SEND, fd, userData);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_ADDR, address);
        lenAndFlags(sqe, length, msgFlags);
        tail++;
    }

    /**
     * IORING_OP_SEND_ZC (Linux 6.0): a send from the caller's pages; a second CQE (IORING_CQE_F_NOTIF) says
     * when they are free again. No zero-copy flags ({@code ioprio} 0).
     */
    public void prepSendZc(int fd, MemorySegment buffer, int len, int msgFlags, long userData) {
        long sqe = start(IoUring.OP_SEND_ZC, fd, userData);
        addr(sqe, buffer);
        lenAndFlags(sqe, len, msgFlags);
        tail++;
    }

    /** IORING_OP_SENDMSG of native {@code struct msghdr} {@code msg} ({@code len} 1, as liburing). */
    public void prepSendMsg(int fd, MemorySegment msg, int msgFlags, long userData) {
        long sqe = start(IoUring.OP_SENDMSG, fd, userData);
        addr(sqe, msg);
        lenAndFlags(sqe, 1, msgFlags);
        tail++;
    }

    /** IORING_OP_RECVMSG into native {@code struct msghdr} {@code msg} ({@code len} 1, as liburing). */
    public void prepRecvMsg(int fd, MemorySegment msg, int msgFlags, long userData) {
        long sqe = start(IoUring.OP_RECVMSG, fd, userData);
        addr(sqe, msg);
        lenAndFlags(sqe, 1, msgFlags);
        tail++;
    }

    /** IORING_OP_ACCEPT without the peer's address; {@code accept_flags} as accept4(2) (SOCK_NONBLOCK...). */
    public void prepAccept(int fd, int acceptFlags, long userData) {
        long sqe = start(IoUring.OP_ACCEPT, fd, userData);
        lenAndFlags(sqe, 0, acceptFlags);
        tail++;
    }

    /** {@link #prepAccept} with IORING_ACCEPT_MULTISHOT in {@code ioprio} (Linux 5.19): a CQE per connection. */
    public void prepMultishotAccept(int fd, int acceptFlags, long userData) {
        long sqe = start(IoUring.OP_ACCEPT, fd, userData);
        sqes.set(JAVA_SHORT, sqe + IoUring.SQE_IOPRIO, (short) IoUring.ACCEPT_MULTISHOT);
        lenAndFlags(sqe, 0, acceptFlags);
        tail++;
    }

    /** IORING_OP_CONNECT to native {@code sockaddr} of {@code addrLen} bytes (the length goes in {@code off}). */
    public void prepConnect(int fd, MemorySegment sockaddr, int addrLen, long userData) {
        long sqe = start(IoUring.OP_CONNECT, fd, userData);
        addr(sqe, sockaddr);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_OFF, addrLen);
        tail++;
    }

    /** IORING_OP_SHUTDOWN: {@code how} (SHUT_RD, SHUT_WR, SHUT_RDWR) goes in {@code len}, as liburing. */
    public void prepShutdown(int fd, int how, long userData) {
        long sqe = start(IoUring.OP_SHUTDOWN, fd, userData);
        lenAndFlags(sqe, how, 0);
        tail++;
    }

    /** One-shot IORING_OP_POLL_ADD: the CQE's result is the ready subset of {@code pollMask} (POLLIN...). */
    public void prepPollAdd(int fd, int pollMask, long userData) {
        long sqe = start(IoUring.OP_POLL_ADD, fd, userData);
        lenAndFlags(sqe, 0, pollMask); // poll32_events
        tail++;
    }

    /**
     * IORING_OP_SPLICE of up to {@code len} bytes from {@code fdIn} to {@code fdOut}, both without an offset
     * (-1 in {@code splice_off_in} and {@code off}, as for a pipe or a socket), {@code splice_flags} as
     * splice(2) (io_uring/splice.c {@code io_splice_prep}: fd_out in {@code fd}, fd_in in {@code splice_fd_in}).
     */
    public void prepSplice(int fdIn, int fdOut, int len, int spliceFlags, long userData) {
        long sqe = start(IoUring.OP_SPLICE, fdOut, userData);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_ADDR, -1L); // splice_off_in
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_OFF, -1L);
        lenAndFlags(sqe, len, spliceFlags);
        sqes.set(JAVA_INT, sqe + IoUring.SQE_FILE_INDEX, fdIn); // splice_fd_in
        tail++;
    }

    // ---- files ----

    /** IORING_OP_OPENAT: native C string {@code path} relative to {@code dirfd}; {@code open_flags}, mode. */
    public void prepOpenAt(int dirfd, MemorySegment path, int openFlags, int mode, long userData) {
        long sqe = start(IoUring.OP_OPENAT, dirfd, userData);
        addr(sqe, path);
        lenAndFlags(sqe, mode, openFlags);
        tail++;
    }

    /** IORING_OP_READ: up to {@code len} bytes at file {@code offset} (-1: the file's position) into native memory. */
    public void prepRead(int fd, MemorySegment buffer, int len, long offset, long userData) {
        long sqe = start(IoUring.OP_READ, fd, userData);
        addr(sqe, buffer);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_OFF, offset);
        lenAndFlags(sqe, len, 0);
        tail++;
    }

    /** IORING_OP_WRITE: {@code len} bytes of native {@code buffer} at file {@code offset}. */
    public void prepWrite(int fd, MemorySegment buffer, int len, long offset, long userData) {
        long sqe = start(IoUring.OP_WRITE, fd, userData);
        addr(sqe, buffer);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_OFF, offset);
        lenAndFlags(sqe, len, 0);
        tail++;
    }

    /** IORING_OP_FSYNC; {@code fsync_flags} {@link IoUring#FSYNC_DATASYNC} for fdatasync. */
    public void prepFsync(int fd, int fsyncFlags, long userData) {
        long sqe = start(IoUring.OP_FSYNC, fd, userData);
        lenAndFlags(sqe, 0, fsyncFlags);
        tail++;
    }

    /** IORING_OP_CLOSE of {@code fd}. */
    public void prepClose(int fd, long userData) {
        start(IoUring.OP_CLOSE, fd, userData);
        tail++;
    }

    /**
     * IORING_OP_STATX of {@code path} (native C string) relative to {@code dirfd} (with AT_EMPTY_PATH and an empty
     * path: {@code dirfd} itself): {@code mask} fields into native {@code statx} (256 bytes), {@code statx_flags}.
     */
    public void prepStatx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statx, long userData) {
        long sqe = start(IoUring.OP_STATX, dirfd, userData);
        addr(sqe, path);
        sqes.set(ADDRESS, sqe + IoUring.SQE_OFF, statx); // addr2: the struct statx the kernel fills
        lenAndFlags(sqe, mask, flags);
        tail++;
    }

    /** IORING_OP_FTRUNCATE (Linux 6.9): the file's length set to {@code length} ({@code off}). */
    public void prepFtruncate(int fd, long length, long userData) {
        long sqe = start(IoUring.OP_FTRUNCATE, fd, userData);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_OFF, length);
        tail++;
    }

    /** IORING_OP_FALLOCATE: {@code mode} in {@code len}, {@code offset} in {@code off}, the length in {@code addr}. */
    public void prepFallocate(int fd, int mode, long offset, long length, long userData) {
        long sqe = start(IoUring.OP_FALLOCATE, fd, userData);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_OFF, offset);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_ADDR, length);
        lenAndFlags(sqe, mode, 0);
        tail++;
    }

    /** IORING_OP_RENAMEAT of native C strings {@code from} to {@code to}, both relative to {@code dirfd}. */
    public void prepRenameAt(int dirfd, MemorySegment from, MemorySegment to, int flags, long userData) {
        long sqe = start(IoUring.OP_RENAMEAT, dirfd, userData);
        addr(sqe, from);
        sqes.set(ADDRESS, sqe + IoUring.SQE_OFF, to); // addr2: the new path
        lenAndFlags(sqe, dirfd, flags); // len: the new path's dirfd
        tail++;
    }

    /** IORING_OP_UNLINKAT of native C string {@code path}; {@code flags} AT_REMOVEDIR for a directory. */
    public void prepUnlinkAt(int dirfd, MemorySegment path, int flags, long userData) {
        long sqe = start(IoUring.OP_UNLINKAT, dirfd, userData);
        addr(sqe, path);
        lenAndFlags(sqe, 0, flags);
        tail++;
    }

    /** IORING_OP_MKDIRAT of native C string {@code path} with {@code mode} ({@code len}). */
    public void prepMkdirAt(int dirfd, MemorySegment path, int mode, long userData) {
        long sqe = start(IoUring.OP_MKDIRAT, dirfd, userData);
        addr(sqe, path);
        lenAndFlags(sqe, mode, 0);
        tail++;
    }

    /**
     * IORING_OP_SPLICE of up to {@code len} bytes from file {@code fdIn} at {@code offsetIn} into pipe
     * {@code fdOut}: a file read that the kernel runs in its io-wq, where a file read may sleep.
     */
    public void prepSpliceFromFile(int fdIn, long offsetIn, int fdOut, int len, int spliceFlags, long userData) {
        long sqe = start(IoUring.OP_SPLICE, fdOut, userData);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_ADDR, offsetIn); // splice_off_in
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_OFF, -1L); // a pipe has no offset
        lenAndFlags(sqe, len, spliceFlags);
        sqes.set(JAVA_INT, sqe + IoUring.SQE_FILE_INDEX, fdIn); // splice_fd_in
        tail++;
    }

    // ---- the ring's own ----

    /** IORING_OP_NOP: completes with 0. */
    public void prepNop(long userData) {
        start(IoUring.OP_NOP, -1, userData);
        tail++;
    }

    /**
     * IORING_OP_ASYNC_CANCEL of the operation whose user data is {@code targetUserData} ({@code addr}), or,
     * with {@link IoUring#ASYNC_CANCEL_ANY} in {@code cancelFlags}, of every operation.
     */
    public void prepCancel(long targetUserData, int cancelFlags, long userData) {
        long sqe = start(IoUring.OP_ASYNC_CANCEL, 0, userData);
        sqes.set(JAVA_LONG, sqe + IoUring.SQE_ADDR, targetUserData);
        lenAndFlags(sqe, 0, cancelFlags);
        tail++;
    }

    /** IORING_OP_ASYNC_CANCEL of the operations on {@code fd}: {@code cancelFlags} plus ASYNC_CANCEL_FD. */
    public void prepCancelFd(int fd, int cancelFlags, long userData) {
        long sqe = start(IoUring.OP_ASYNC_CANCEL, fd, userData);
        lenAndFlags(sqe, 0, cancelFlags | IoUring.ASYNC_CANCEL_FD);
        tail++;
    }

    /**
     * IORING_OP_LINK_TIMEOUT ({@code addr} = native {@code __kernel_timespec}, {@code len} 1): a time limit on the
     * SQE before it, which must carry IOSQE_IO_LINK. {@link #linkTimeout} writes both halves.
     */
    public void prepLinkTimeout(MemorySegment timespec, long userData) {
        long sqe = start(IoUring.OP_LINK_TIMEOUT, -1, userData);
        addr(sqe, timespec);
        lenAndFlags(sqe, 1, 0);
        tail++;
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
        if (pending() == 0 || full()) {
            return false;
        }
        long last = offsetOf(tail - 1);
        if (sqes.get(JAVA_LONG, last + IoUring.SQE_USER_DATA) != userData) {
            return false;
        }
        orFlags(last, IoUring.IOSQE_IO_LINK);
        putTimespec(timespec, timeoutNs);
        prepLinkTimeout(timespec, timeoutUserData);
        return true;
    }

    /** Writes {@code ns} into native {@code struct __kernel_timespec} {@code ts}. */
    static void putTimespec(MemorySegment ts, long ns) {
        ts.set(JAVA_LONG, 0, ns / NS_PER_S);
        ts.set(JAVA_LONG, 8, ns % NS_PER_S);
    }

    /** Tests and debugging: the opcode of the SQE written {@code back} entries ago (1: the last one). */
    int opcodeBack(int back) {
        return Byte.toUnsignedInt(sqes.get(JAVA_BYTE, offsetOf(tail - back) + IoUring.SQE_OPCODE));
    }

    @Override
    public String toString() {
        int pending = pending();
        String last = tail == 0 ? "none" : IoUring.opcodeName(opcodeBack(1));
        return "IoUringSubmissionQueue[pending=" + pending + "/" + entries + ", tail=" + tail + ", last=" + last
                + ", fixedFiles=" + (fixedFiles == null ? 0 : fixedFiles.count()) + "]";
    }

    // ---- field writers ----

    private long offsetOf(int position) {
        return (long) (position & mask) * IoUring.SQE_SIZE;
    }

    /** Zeroes the next SQE and writes its opcode, fd, user data and, for a registered file, IOSQE_FIXED_FILE. */
    private long start(int opcode, int fd, long userData) {
        long sqe = offsetOf(tail);
        MemorySegment s = sqes;
        for (long i = 0; i < IoUring.SQE_SIZE; i += 8) {
            s.set(JAVA_LONG, sqe + i, 0L);
        }
        s.set(JAVA_BYTE, sqe + IoUring.SQE_OPCODE, (byte) opcode);
        s.set(JAVA_INT, sqe + IoUring.SQE_FD, fd);
        s.set(JAVA_LONG, sqe + IoUring.SQE_USER_DATA, userData);
        if (fixedFiles != null && FIXED_FILE_OPS[opcode] && fixedFiles.isRegistered(fd)) {
            s.set(JAVA_BYTE, sqe + IoUring.SQE_FLAGS, (byte) IoUring.IOSQE_FIXED_FILE); // slot fd holds fd
        }
        return sqe;
    }

    /** {@code addr}: a native segment's address (a heap segment throws), or NULL. */
    private void addr(long sqe, MemorySegment segment) {
        sqes.set(ADDRESS, sqe + IoUring.SQE_ADDR, segment);
    }

    /** {@code len}, and the op-flags union at offset 28 (msg_flags, accept_flags, open_flags, ...). */
    private void lenAndFlags(long sqe, int len, int opFlags) {
        sqes.set(JAVA_INT, sqe + IoUring.SQE_LEN, len);
        sqes.set(JAVA_INT, sqe + IoUring.SQE_OP_FLAGS, opFlags);
    }

    private void orFlags(long sqe, int iosqeFlags) {
        byte flags = sqes.get(JAVA_BYTE, sqe + IoUring.SQE_FLAGS);
        sqes.set(JAVA_BYTE, sqe + IoUring.SQE_FLAGS, (byte) (flags | iosqeFlags));
    }

    /** The address of {@code length} bytes of native {@code buffer} at {@code offset}, bounds checked. */
    private static long addressAt(MemorySegment buffer, long offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        // SAFETY: offset + length lies inside buffer (checked above); the caller keeps buffer alive until the
        // CQE (the op table holds it), so the address stays valid while the kernel uses it.
        return buffer.address() + offset;
    }
}
