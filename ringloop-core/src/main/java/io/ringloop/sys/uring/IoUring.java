package io.ringloop.sys.uring;

import io.ringloop.sys.Libc;
import io.ringloop.sys.SyscallRefusals;
import static io.ringloop.sys.Libc.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * io_uring's three system calls and the constants and struct offsets of its ABI, from the kernel's
 * {@code include/uapi/linux/io_uring.h} at v6.1 (the header installed here, linux-libc-dev 6.1.187;
 * https://github.com/torvalds/linux/blob/v6.1/include/uapi/linux/io_uring.h). Newer kernels only append
 * to these structs. liburing is not used: the calls go through libc's {@code syscall(2)}, whose numbers
 * (425, 426, 427) are the same on x86_64 and aarch64.
 *
 * <pre>
 * struct io_uring_sqe {                    // 64 bytes
 *     __u8  opcode;          //  0
 *     __u8  flags;           //  1  IOSQE_*
 *     __u16 ioprio;          //  2  also RECVSEND_* / ACCEPT_MULTISHOT flags
 *     __s32 fd;              //  4
 *     union { __u64 off; __u64 addr2; };          //  8
 *     union { __u64 addr; __u64 splice_off_in; }; // 16
 *     __u32 len;             // 24
 *     union { __u32 rw_flags; __u32 msg_flags; __u32 accept_flags; __u32 cancel_flags; ... }; // 28
 *     __u64 user_data;       // 32
 *     union { __u16 buf_index; __u16 buf_group; }; // 40
 *     __u16 personality;     // 42
 *     union { __s32 splice_fd_in; __u32 file_index; }; // 44
 *     __u64 addr3; __u64 __pad2[1];               // 48, 56
 * };
 * struct io_uring_cqe { __u64 user_data; __s32 res; __u32 flags; };   // 16 bytes (no CQE32)
 * struct io_uring_getevents_arg { __u64 sigmask; __u32 sigmask_sz; __u32 pad; __u64 ts; };  // 24 bytes
 * struct __kernel_timespec { __s64 tv_sec; long long tv_nsec; };   // 16 bytes
 * </pre>
 *
 * <p>The structs are {@link MemoryLayout}s in {@link IoUringLayouts}; the offsets below are
 * derived from them. Calls return a non-negative result or {@code -errno}, like the rest of {@code sys}.
 */
public final class IoUring {
    // ---- struct io_uring_sqe / io_uring_cqe / io_uring_getevents_arg: offsets from IoUringLayouts ----
    public static final int SQE_SIZE = (int) IoUringLayouts.SQE.byteSize();
    public static final long SQE_OPCODE = IoUringLayouts.offset(IoUringLayouts.SQE, "opcode");
    public static final long SQE_FLAGS = IoUringLayouts.offset(IoUringLayouts.SQE, "flags");
    public static final long SQE_IOPRIO = IoUringLayouts.offset(IoUringLayouts.SQE, "ioprio");
    public static final long SQE_FD = IoUringLayouts.offset(IoUringLayouts.SQE, "fd");
    public static final long SQE_OFF = IoUringLayouts.offset(IoUringLayouts.SQE, "off");
    public static final long SQE_ADDR = IoUringLayouts.offset(IoUringLayouts.SQE, "addr");
    public static final long SQE_LEN = IoUringLayouts.offset(IoUringLayouts.SQE, "len");
    public static final long SQE_OP_FLAGS = IoUringLayouts.offset(IoUringLayouts.SQE, "op_flags");
    public static final long SQE_USER_DATA = IoUringLayouts.offset(IoUringLayouts.SQE, "user_data");
    public static final long SQE_BUF_INDEX = IoUringLayouts.offset(IoUringLayouts.SQE, "buf_index");
    public static final long SQE_PERSONALITY = IoUringLayouts.offset(IoUringLayouts.SQE, "personality");
    public static final long SQE_FILE_INDEX = IoUringLayouts.offset(IoUringLayouts.SQE, "file_index");
    public static final long SQE_ADDR3 = IoUringLayouts.offset(IoUringLayouts.SQE, "addr3");

    public static final int CQE_SIZE = (int) IoUringLayouts.CQE.byteSize();
    public static final long CQE_USER_DATA = IoUringLayouts.offset(IoUringLayouts.CQE, "user_data");
    public static final long CQE_RES = IoUringLayouts.offset(IoUringLayouts.CQE, "res");
    public static final long CQE_FLAGS = IoUringLayouts.offset(IoUringLayouts.CQE, "flags");

    public static final long GETEVENTS_ARG_SIZE = IoUringLayouts.GETEVENTS_ARG.byteSize();
    public static final long GETEVENTS_ARG_SIGMASK = IoUringLayouts.offset(IoUringLayouts.GETEVENTS_ARG, "sigmask");
    public static final long GETEVENTS_ARG_SIGMASK_SZ =
            IoUringLayouts.offset(IoUringLayouts.GETEVENTS_ARG, "sigmask_sz");
    public static final long GETEVENTS_ARG_TS = IoUringLayouts.offset(IoUringLayouts.GETEVENTS_ARG, "ts");
    public static final long TIMESPEC_SIZE = IoUringLayouts.TIMESPEC.byteSize();

    // ---- opcodes (enum io_uring_op); every one has a name in opcodeName ----
    public static final int OP_NOP = 0;
    public static final int OP_READV = 1;
    public static final int OP_WRITEV = 2;
    public static final int OP_FSYNC = 3;
    public static final int OP_POLL_ADD = 6;
    public static final int OP_SENDMSG = 9;
    public static final int OP_RECVMSG = 10;
    public static final int OP_TIMEOUT = 11;
    public static final int OP_ACCEPT = 13;
    public static final int OP_ASYNC_CANCEL = 14;
    /** A timeout for the SQE before it (which carries IOSQE_IO_LINK): addr = timespec, len = 1. */
    public static final int OP_LINK_TIMEOUT = 15;
    public static final int OP_CONNECT = 16;
    /** fallocate(2): fd, {@code off} = offset, {@code addr} = length, {@code len} = mode. */
    public static final int OP_FALLOCATE = 17;
    public static final int OP_OPENAT = 18;
    public static final int OP_CLOSE = 19;
    /** statx(2): fd = dirfd, {@code addr} = path, {@code len} = mask, {@code off} = buffer, op flags = flags. */
    public static final int OP_STATX = 21;
    public static final int OP_READ = 22;
    public static final int OP_WRITE = 23;
    public static final int OP_SEND = 26;
    public static final int OP_RECV = 27;
    public static final int OP_PROVIDE_BUFFERS = 31;
    public static final int OP_SPLICE = 30;
    public static final int OP_SHUTDOWN = 34;
    /** renameat2(2): fd = old dirfd, {@code addr} = old path, {@code len} = new dirfd, {@code off} = new path. */
    public static final int OP_RENAMEAT = 35;
    /** unlinkat(2): fd = dirfd, {@code addr} = path, op flags = AT_REMOVEDIR or 0. */
    public static final int OP_UNLINKAT = 36;
    /** mkdirat(2): fd = dirfd, {@code addr} = path, {@code len} = mode. */
    public static final int OP_MKDIRAT = 37;
    public static final int OP_SEND_ZC = 47;
    public static final int OP_SENDMSG_ZC = 48;
    /** ftruncate(2) (Linux 6.9): fd, {@code off} = length. Probe for it; older kernels answer EINVAL. */
    public static final int OP_FTRUNCATE = 55;
    /** {@code fsync_flags} (the op-flags union) for OP_FSYNC: data only, like fdatasync. */
    public static final int FSYNC_DATASYNC = 1;

    // ---- io_uring_setup flags ----
    public static final int SETUP_CQSIZE = 1 << 3;
    public static final int SETUP_CLAMP = 1 << 4;
    public static final int SETUP_R_DISABLED = 1 << 6;
    public static final int SETUP_SUBMIT_ALL = 1 << 7;
    public static final int SETUP_COOP_TASKRUN = 1 << 8;
    public static final int SETUP_TASKRUN_FLAG = 1 << 9;
    public static final int SETUP_SINGLE_ISSUER = 1 << 12;
    public static final int SETUP_DEFER_TASKRUN = 1 << 13;

    // ---- io_uring_params.features ----
    public static final int FEAT_SINGLE_MMAP = 1;
    public static final int FEAT_NODROP = 1 << 1;
    public static final int FEAT_FAST_POLL = 1 << 5;
    public static final int FEAT_EXT_ARG = 1 << 8;

    // ---- io_uring_enter flags ----
    public static final int ENTER_GETEVENTS = 1;
    public static final int ENTER_EXT_ARG = 1 << 3;

    // ---- sq_ring->flags ----
    public static final int SQ_NEED_WAKEUP = 1;
    public static final int SQ_CQ_OVERFLOW = 1 << 1;
    public static final int SQ_TASKRUN = 1 << 2;

    // ---- cqe->flags ----
    public static final int CQE_F_BUFFER = 1;
    public static final int CQE_F_MORE = 1 << 1;
    /** With IORING_CQE_F_BUFFER, the provided buffer's id is {@code cqe->flags >>> CQE_BUFFER_SHIFT}. */
    public static final int CQE_BUFFER_SHIFT = 16;
    public static final int CQE_F_NOTIF = 1 << 3;

    // ---- sqe->flags ----
    /** {@code sqe->fd} is an index into the registered-file table ({@link IoUringFileTable}). */
    public static final int IOSQE_FIXED_FILE = 1;
    /** The next SQE runs only after this one (for LINK_TIMEOUT: bounds this one). */
    public static final int IOSQE_IO_LINK = 1 << 2;
    public static final int IOSQE_BUFFER_SELECT = 1 << 5;

    // ---- send/recv flags in sqe->ioprio ----
    /** IORING_RECV_MULTISHOT (Linux 6.0): one RECV keeps receiving, a CQE (with F_MORE) per chunk. */
    public static final int RECV_MULTISHOT = 1 << 1;

    // ---- accept flags in sqe->ioprio ----
    public static final int ACCEPT_MULTISHOT = 1;

    // ---- IORING_OP_ASYNC_CANCEL flags (sqe->cancel_flags) ----
    public static final int ASYNC_CANCEL_ALL = 1;
    public static final int ASYNC_CANCEL_FD = 1 << 1;
    public static final int ASYNC_CANCEL_ANY = 1 << 2;

    // ---- mmap offsets ----
    public static final long OFF_SQ_RING = 0L;
    public static final long OFF_CQ_RING = 0x8000000L;
    public static final long OFF_SQES = 0x10000000L;

    // ---- io_uring_register opcodes ----
    public static final int REGISTER_PROBE = 8;
    public static final int REGISTER_ENABLE_RINGS = 12;

    /** {@code struct io_uring_probe} header, then {@code struct io_uring_probe_op}s. */
    public static final long PROBE_HEADER_SIZE = IoUringLayouts.PROBE.byteSize();
    public static final long PROBE_OP_SIZE = IoUringLayouts.PROBE_OP.byteSize();
    public static final long PROBE_OPS_LEN = IoUringLayouts.offset(IoUringLayouts.PROBE, "ops_len");
    public static final long PROBE_OP_FLAGS = IoUringLayouts.offset(IoUringLayouts.PROBE_OP, "flags");
    public static final int IO_URING_OP_SUPPORTED = 1;

    /**
     * {@code enum io_uring_op} in order, without the IORING_OP_ prefix: index = opcode. Up to v6.1 from the header
     * above; 49-55 from v6.9's (https://github.com/torvalds/linux/blob/v6.9/include/uapi/linux/io_uring.h).
     */
    private static final String[] OPCODE_NAMES = {
        "NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD", "POLL_REMOVE",
        "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT", "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL",
        "LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ", "WRITE",
        "FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL", "SPLICE", "PROVIDE_BUFFERS",
        "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT", "SYMLINKAT", "LINKAT", "MSG_RING",
        "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC", "SENDMSG_ZC",
        "READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_WAITV", "FIXED_FD_INSTALL", "FTRUNCATE",
    };

    private static final long SYS_IO_URING_SETUP = 425;
    private static final long SYS_IO_URING_ENTER = 426;
    private static final long SYS_IO_URING_REGISTER = 427;

    // syscall(long number, ...): every variadic argument is passed as a full 64-bit register value, since
    // the kernel reads whole registers and an int would leave the upper half undefined.
    private static final MethodHandle SETUP = Libc.syscall(JAVA_LONG, ADDRESS);
    private static final MethodHandle ENTER =
            Libc.syscall(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);
    private static final MethodHandle REGISTER = Libc.syscall(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);

    private IoUring() {
    }

    /**
     * The name of {@code opcode} as the header spells it after {@code IORING_OP_} ({@code "RECV"} for 27), for
     * messages and debugging; an opcode newer than v6.9 (or not one at all) is {@code "OP_<number>"}.
     */
    public static String opcodeName(int opcode) {
        return opcode >= 0 && opcode < OPCODE_NAMES.length ? OPCODE_NAMES[opcode] : "OP_" + opcode;
    }

    /** {@code io_uring_setup(entries, params)}: the ring's fd; {@code params} (native, 120 bytes) in and out. */
    public static int setup(MemorySegment cs, int entries, MemorySegment params) {
        int refused = SyscallRefusals.ioUringSetup();
        if (refused != 0) {
            return -refused; // a test refuses it, as seccomp or kernel.io_uring_disabled would
        }
        try {
            return Libc.result((long) SETUP.invokeExact(cs, SYS_IO_URING_SETUP, (long) entries, params), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code io_uring_enter(fd, to_submit, min_complete, flags, arg, argsz)}: how many SQEs were consumed.
     * {@code arg} is {@link MemorySegment#NULL} or a native {@code io_uring_getevents_arg} with
     * {@link #ENTER_EXT_ARG}.
     */
    public static int enter(MemorySegment cs, int fd, int toSubmit, int minComplete, int flags,
                            MemorySegment arg, long argSize) {
        try {
            return Libc.result((long) ENTER.invokeExact(cs, SYS_IO_URING_ENTER, (long) fd, (long) toSubmit,
                    (long) minComplete, (long) flags, arg, argSize), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code io_uring_register(fd, opcode, arg, nr_args)}. */
    public static int register(MemorySegment cs, int fd, int opcode, MemorySegment arg, int nrArgs) {
        try {
            return Libc.result((long) REGISTER.invokeExact(cs, SYS_IO_URING_REGISTER, (long) fd, (long) opcode,
                    arg, (long) nrArgs), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
