package io.ringloop.driver;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * One event loop's I/O: submit operations, reap their completions. Confined to the loop thread, except
 * {@link #wakeup()}. See {@code package-info.java} for what every backend provides.
 *
 * <p><b>Handles.</b> Sockets are named by an {@code int} handle. For epoll and io_uring it is the file
 * descriptor; the NIO driver hands out its own small integers. A handle is valid from the call that made it
 * until {@link #close(int)}.
 *
 * <p><b>Results.</b> Every call returns a non-negative result, {@code -errno}, or (for the asynchronous
 * operations) {@link #PENDING}, in which case the {@link Completion} receives the result later. EAGAIN is
 * never returned by an asynchronous operation: waiting for readiness is the driver's job.
 *
 * <p><b>Buffers.</b> A {@link MemorySegment} given to an asynchronous operation may be on or off heap. A
 * native segment must stay alive until the completion; backends that need a stable address for heap memory
 * (io_uring) copy it through memory they own.
 */
public interface Driver extends AutoCloseable {
    /** Returned by an asynchronous operation that will complete through its {@link Completion}. */
    int PENDING = Integer.MIN_VALUE;

    int AF_UNIX = 1;
    int AF_INET = 2;
    int AF_INET6 = 10;
    int SOCK_STREAM = 1;
    int SOCK_DGRAM = 2;
    int SHUT_RD = 0;
    int SHUT_WR = 1;
    int SHUT_RDWR = 2;

    /** {@code "io_uring"}, {@code "epoll"} or {@code "nio"}. */
    String name();

    // ---- sockets: synchronous, non-blocking ----

    /** A non-blocking, close-on-exec socket; returns its handle or -errno. */
    int socket(int family, int type);

    /**
     * Binds to an {@link InetSocketAddress}, or for an {@link #AF_UNIX} socket a {@code sys.UnixSockAddr} (path or
     * abstract name; encoded without allocation) or the JDK's {@link java.net.UnixDomainSocketAddress}. Returns 0
     * or -errno; -EOPNOTSUPP for an address kind the backend cannot take (NIO: abstract names).
     */
    int bind(int handle, SocketAddress address);

    int listen(int handle, int backlog);

    /** Sets an option; {@code value} is 0/1 for booleans. Returns 0 or -errno. */
    int setOption(int handle, SocketOpt option, int value);

    /** The option's value (0/1 for booleans) or -errno. */
    int getOption(int handle, SocketOpt option);

    /** Local address; throws {@link io.ringloop.error.SyscallException} (or a mapped type) on failure. */
    InetSocketAddress localAddress(int handle) throws IOException;

    InetSocketAddress peerAddress(int handle) throws IOException;

    /** {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}; returns 0 or -errno. */
    int shutdown(int handle, int how);

    /**
     * Closes the handle. Operations pending on it complete with {@code -ECANCELED} (or their raced result)
     * before or during this call; a completion or readiness event for the old handle that arrives later is
     * ignored even if the number is reused. Returns 0 or -errno (EBADF for an unknown handle).
     */
    int close(int handle);

    /**
     * Removes an idle handle from this driver without closing the socket, so another loop's driver can
     * {@link #adopt} it (an acceptor handing a connection to another loop). Returns what {@code adopt}
     * takes, or null if the handle is unknown or has an operation pending.
     */
    default Object detach(int handle) {
        throw new UnsupportedOperationException(name() + ": detach");
    }

    /** Takes over a socket {@link #detach detached} from another driver of the same backend: its new handle. */
    default int adopt(Object detached) {
        throw new UnsupportedOperationException(name() + ": adopt");
    }

    // ---- files (io_uring does them asynchronously; other backends say no and callers use a thread pool) ----

    /** True when this driver performs the file operations below; else they return -EOPNOTSUPP. */
    default boolean supportsFiles() {
        return false;
    }

    /**
     * {@code openat(AT_FDCWD, path, flags, mode)}: a file handle (the fd). {@code path} is a native,
     * NUL-terminated string that must stay alive until completion.
     */
    default int openFile(MemorySegment path, int flags, int mode, Completion completion) {
        return -Errno.EOPNOTSUPP;
    }

    /** {@code pread}: bytes read at {@code position} into {@code length} bytes of {@code buffer} at offset. */
    default int readFile(int fd, MemorySegment buffer, long offset, int length, long position, Completion completion) {
        return -Errno.EOPNOTSUPP;
    }

    /** {@code pwrite}: bytes written at {@code position}. */
    default int writeFile(int fd, MemorySegment buffer, long offset, int length, long position, Completion completion) {
        return -Errno.EOPNOTSUPP;
    }

    /** {@code fsync}, or {@code fdatasync} when {@code dataOnly}. */
    default int syncFile(int fd, boolean dataOnly, Completion completion) {
        return -Errno.EOPNOTSUPP;
    }

    /** {@code close} of a file fd. */
    default int closeFile(int fd, Completion completion) {
        return -Errno.EOPNOTSUPP;
    }

    // Each of the calls below may be refused with -EOPNOTSUPP even where supportsFiles() is true (io_uring on a
    // kernel without the opcode): the caller then makes the system call on its thread pool.

    /**
     * {@code statx(fd, "", AT_EMPTY_PATH, mask, statx)} of a file handle: 0, with the kernel's
     * {@code struct statx} in {@code statx} (native, {@code sys.Statx.SIZE} bytes, alive until completion).
     */
    default int statFile(int fd, int mask, MemorySegment statx, Completion completion) {
        return -io.ringloop.sys.Errno.EOPNOTSUPP;
    }

    /** {@code ftruncate(fd, length)}: 0 (io_uring: IORING_OP_FTRUNCATE, Linux 6.9). */
    default int truncateFile(int fd, long length, Completion completion) {
        return -io.ringloop.sys.Errno.EOPNOTSUPP;
    }

    /** {@code fallocate(fd, mode, offset, length)}: 0. */
    default int allocateFile(int fd, int mode, long offset, long length, Completion completion) {
        return -io.ringloop.sys.Errno.EOPNOTSUPP;
    }

    /** {@code renameat(AT_FDCWD, from, AT_FDCWD, to)}: 0. Both native C strings, alive until completion. */
    default int renameFile(MemorySegment from, MemorySegment to, Completion completion) {
        return -io.ringloop.sys.Errno.EOPNOTSUPP;
    }

    /** {@code unlinkat(AT_FDCWD, path, directory ? AT_REMOVEDIR : 0)}: 0. {@code path} as {@link #openFile}. */
    default int unlinkFile(MemorySegment path, boolean directory, Completion completion) {
        return -io.ringloop.sys.Errno.EOPNOTSUPP;
    }

    /** {@code mkdirat(AT_FDCWD, path, mode)}: 0. {@code path} as {@link #openFile}. */
    default int makeDirectory(MemorySegment path, int mode, Completion completion) {
        return -io.ringloop.sys.Errno.EOPNOTSUPP;
    }

    /**
     * Moves up to {@code length} bytes of file handle {@code fd} from {@code position} into the write end
     * {@code pipe} of a {@link #pipe} of this driver, inside the kernel ({@code splice(2)} with an input offset):
     * the count, 0 at end of file. The caller gives a pipe with room for {@code length} bytes.
     */
    default int spliceFromFile(int fd, long position, int pipe, int length, Completion completion) {
        return -io.ringloop.sys.Errno.EOPNOTSUPP;
    }

    // ---- asynchronous operations: result, -errno, or PENDING ----

    /** Accepts a connection: the new handle (non-blocking, close-on-exec). */
    int accept(int handle, Completion completion);

    /** Connects to an address {@link #bind} takes; 0 when connected. */
    int connect(int handle, SocketAddress address, Completion completion);

    /** Reads up to {@code buffer.byteSize()} bytes: the count, 0 at end of stream. */
    int read(int handle, MemorySegment buffer, Completion completion);

    /** Writes up to {@code buffer.byteSize()} bytes: the count written (may be fewer). */
    int write(int handle, MemorySegment buffer, Completion completion);

    /**
     * Reads into {@code length} bytes of {@code buffer} at {@code offset}. Backends override this to avoid
     * the slice the default makes, so a loop reading into one reused buffer allocates nothing.
     */
    default int read(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        return read(handle, buffer.asSlice(offset, length), completion);
    }

    /** Writes {@code length} bytes of {@code buffer} from {@code offset}; see {@link #read(int, MemorySegment,
     * long, int, Completion)}. */
    default int write(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        return write(handle, buffer.asSlice(offset, length), completion);
    }

    /**
     * Most buffers one {@link #readv}/{@link #writev} takes. Ours, not the kernel's IOV_MAX (1024): 64 iovecs are
     * 1 KiB, the iovec memory io_uring keeps per operation slot, and more than a stream needs per call.
     */
    int MAX_IOVECS = 64;

    /**
     * Scatter read: fills {@code buffers} in order, each completely before the next (like {@code readv(2)}).
     * The result is the total count, 0 at end of stream, {@code -errno} or {@link #PENDING}, under the rules
     * of {@link #read(int, MemorySegment, Completion)}; the count may be less than the buffers hold.
     *
     * <p>At most {@link #MAX_IOVECS} buffers, heap or native, none read-only; empty ones are allowed. When all
     * are empty the result is 0 at once (as for an empty {@link #read}). Neither the array nor the buffers may
     * change, and native buffers must stay alive, until the completion. A backend may move fewer bytes than
     * asked: heap buffers go through a bounded native staging area (64 KiB per call), and a call never moves
     * more than {@code Integer.MAX_VALUE} bytes.
     *
     * @throws NullPointerException when {@code buffers} or one of its elements is null
     * @throws IllegalArgumentException when there are more than {@link #MAX_IOVECS} buffers or one is read-only
     */
    int readv(int handle, MemorySegment[] buffers, Completion completion);

    /**
     * Gather write: sends {@code buffers} in order as one byte stream (like {@code writev(2)}, but never raising
     * SIGPIPE: a peer that has gone gives {@code -EPIPE} or {@code -ECONNRESET}). The result is the total
     * count written (may be fewer), {@code -errno} or {@link #PENDING}; the rules on the array and buffers are
     * those of {@link #readv}, except that read-only buffers are fine.
     *
     * @throws NullPointerException when {@code buffers} or one of its elements is null
     * @throws IllegalArgumentException when there are more than {@link #MAX_IOVECS} buffers
     */
    int writev(int handle, MemorySegment[] buffers, Completion completion);

    /**
     * Receives stream bytes in place, into memory the loop owns: a count now, 0 at end of stream, {@code -errno},
     * or {@link #PENDING} and later one {@link ReceiveCompletion#complete}. A count {@code n > 0} means the bytes
     * are at {@link ReceiveCompletion#received()} from {@link ReceiveCompletion#receivedOffset()}; the caller reads
     * them in place and then calls {@link #receiveDone}, before its next call into this driver for any other handle
     * (the memory is the loop's: the provided-buffer ring, or the one {@code scratch} every connection shares).
     *
     * <p>{@code scratch} is heap memory of the loop, written only while this call returns or while the result is
     * being delivered: the readiness backends read into it when the socket is ready, io_uring through a direct
     * recv(2) or after a POLL_ADD (a heap segment is never lent to the kernel across a submission). With multishot
     * receive on, io_uring shows the provided buffer the kernel filled instead, with no copy; the ring buffer goes
     * back at {@link #receiveDone}.
     *
     * @throws IllegalArgumentException when {@code scratch} is native or empty
     */
    default int receive(int handle, MemorySegment scratch, ReceiveCompletion completion) {
        requireScratch(scratch);
        completion.show(scratch, 0);
        return read(handle, scratch, completion);
    }

    /** The caller of {@link #receive} is done with the bytes it was shown: the memory goes back to the loop. */
    default void receiveDone(int handle) {
    }

    /** {@link #receive}'s check of its scratch memory. */
    static void requireScratch(MemorySegment scratch) {
        if (scratch.isNative() || scratch.byteSize() == 0) {
            throw new IllegalArgumentException("receive: the scratch must be non-empty heap memory: " + scratch);
        }
    }

    /**
     * Receives one datagram into {@code buffer}; the sender's {@code sockaddr} is written to
     * {@code senderAddress} (at least 128 bytes, native) for {@link io.ringloop.sys.SockAddr#decode}.
     * Returns the datagram's length (truncated to the buffer).
     */
    int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion);

    /**
     * Sends one datagram to {@code target} (an address {@link #bind} takes), or to the connected peer when
     * {@code target} is null.
     */
    int sendTo(int handle, MemorySegment buffer, SocketAddress target, Completion completion);

    // ---- Unix domain sockets: what only the fd-based backends do (NIO: -EOPNOTSUPP) ----

    /**
     * {@code getsockopt(SO_PEERCRED)}: the connected Unix peer's {@code struct ucred {pid, uid, gid}} written to
     * {@code ucred} (native, at least 12 bytes). Returns 0 or -errno; -EOPNOTSUPP where the backend cannot.
     */
    default int peerCredentials(int handle, MemorySegment ucred) {
        return -Errno.EOPNOTSUPP;
    }

    /**
     * {@code sendmsg(2)} of the caller's {@code msghdr} (native, with its iovecs and control data, e.g. SCM_RIGHTS)
     * with MSG_NOSIGNAL: bytes sent, -errno or {@link #PENDING}. The msghdr and all it points at must stay
     * unchanged and alive until the completion. A write-side operation of the stream (one at a time with its
     * writes). -EOPNOTSUPP where the backend cannot (NIO).
     */
    default int sendMessage(int handle, MemorySegment msghdr, Completion completion) {
        return -Errno.EOPNOTSUPP;
    }

    /**
     * {@code recvmsg(2)} into the caller's {@code msghdr} with MSG_CMSG_CLOEXEC: bytes received (0 at end of
     * stream), -errno or {@link #PENDING}; the kernel writes {@code msg_controllen} and {@code msg_flags} into it.
     * A read-side operation; the rules of {@link #sendMessage} apply. -EOPNOTSUPP where the backend cannot.
     */
    default int receiveMessage(int handle, MemorySegment msghdr, Completion completion) {
        return -Errno.EOPNOTSUPP;
    }

    /**
     * {@link #receiveFrom} whose result is the datagram's <b>full</b> length ({@code MSG_TRUNC}): more than
     * {@code buffer.byteSize()} when the datagram was truncated to the buffer (only that much is written).
     * -EOPNOTSUPP where the backend cannot tell.
     */
    default int receiveDatagram(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        return -Errno.EOPNOTSUPP;
    }

    /**
     * Receives 1 to {@code max} datagrams into {@code batch}'s slots from 0 (waiting for the first only): the count.
     * Each slot's length, truncation and sender are in {@code batch} ({@code recvmmsg} with MSG_TRUNC where the
     * backend has it). The batch stays alive and untouched until the completion.
     */
    default int receiveBatch(int handle, DatagramBatch batch, int max, Completion completion) {
        return -Errno.EOPNOTSUPP;
    }

    /**
     * Sends slots {@code [from, from + count)} of {@code batch} in order (waiting while none can go): how many went,
     * at least 1; {@code -errno} when the first failed (an error after some went is the next call's).
     * {@link DatagramBatch#encodeTargets} has been called for those slots. SIGPIPE never.
     */
    default int sendBatch(int handle, DatagramBatch batch, int from, int count, Completion completion) {
        return -Errno.EOPNOTSUPP;
    }

    /**
     * Joins ({@code join}) or leaves multicast {@code group} on the interface of index {@code interfaceIndex} (0:
     * the system's choice, which the NIO backend does not have: -EINVAL there). Returns 0 or -errno.
     */
    default int membership(int handle, boolean join, InetAddress group, int interfaceIndex) {
        return -Errno.EOPNOTSUPP;
    }

    /**
     * Asks a pending operation to stop. Its completion is still called exactly once: with
     * {@code -ECANCELED}, or with the real result if that raced the cancel. Returns false when
     * {@code completion} has nothing pending.
     */
    boolean cancel(Completion completion);

    // ---- splice: bytes between a socket and a pipe inside the kernel (epoll, io_uring; not NIO) ----

    /** True when this backend has {@link #pipe} and {@link #splice}; false where they throw. */
    default boolean supportsSplice() {
        return false;
    }

    /**
     * A non-blocking, close-on-exec pipe of about {@code capacityBytes} (the kernel rounds it to pages and caps
     * it at {@code /proc/sys/fs/pipe-max-size}): its read end's handle into {@code ends[0]}, its write end's into
     * {@code ends[1]}. Both are handles of this driver, closed with {@link #close(int)} and counted by
     * {@link #openHandles()}. Returns the capacity the pipe got, or -errno.
     *
     * @throws UnsupportedOperationException naming the backend, where it has no pipes ({@link #supportsSplice}
     *                                       false)
     */
    default int pipe(int[] ends, int capacityBytes) {
        throw new UnsupportedOperationException(name() + ": pipe (splice needs file descriptors; this backend has "
                + "none)");
    }

    /**
     * Moves up to {@code length} bytes from handle {@code from} to handle {@code to} inside the kernel
     * ({@code splice(2)}): exactly one of them is a pipe end from {@link #pipe}, the other a connected stream
     * socket of this driver. The result is the count moved (may be fewer), 0 at the end of the socket's input,
     * {@code -errno} or {@link #PENDING}, under the rules of {@link #read(int, MemorySegment, Completion)}; a
     * socket to pipe splice is a read-side operation of the socket, pipe to socket a write-side one (the caller
     * keeps one at a time per side, as for reads and writes). The driver waits only for the socket: the
     * caller gives a pipe that has room for {@code length} bytes (socket to pipe) or holds {@code length} bytes
     * (pipe to socket). A gone peer is {@code -EPIPE} or {@code -ECONNRESET}, never SIGPIPE.
     *
     * @throws UnsupportedOperationException naming the backend, where it cannot splice
     * @throws IllegalArgumentException      when {@code length} is not positive
     */
    default int splice(int from, int to, int length, Completion completion) {
        throw new UnsupportedOperationException(name() + ": splice (bytes can only move through user memory)");
    }

    /** {@link #pollReady} events, as poll(2) numbers them. */
    int POLLIN = 0x001;
    int POLLOUT = 0x004;
    int POLLERR = 0x008;
    int POLLHUP = 0x010;

    /**
     * Waits until file descriptor {@code fd}, which this driver does not own (an eventfd, a timerfd, a native
     * library's socket), is ready for one of {@code events} ({@link #POLLIN}, {@link #POLLOUT}): the ready
     * set (POLLERR and POLLHUP may come unasked), at once when it is ready already. One wait per fd at a time
     * (-EBUSY otherwise). The driver never reads, writes or closes {@code fd}; the caller keeps it open until
     * the completion. -EOPNOTSUPP where the backend cannot wait for arbitrary fds (NIO); -EINVAL for a handle
     * of this driver, whose own operations wait for readiness already.
     */
    default int pollReady(int fd, int events, Completion completion) {
        return -Errno.EOPNOTSUPP;
    }

    /**
     * Bounds the operation pending on {@code completion} to {@code timeoutNs} from now, in the kernel: when
     * time runs out it is cancelled and completes with {@code -ECANCELED} (or its raced result). Returns false,
     * changing nothing, when this backend or this operation cannot take a deadline; the caller then keeps
     * time itself and calls {@link #cancel}. io_uring links an IORING_OP_LINK_TIMEOUT to an operation whose
     * SQE has not been submitted yet, so the call must follow the operation's in the same loop turn.
     */
    default boolean deadline(Completion completion, long timeoutNs) {
        return false;
    }

    // ---- the loop's side ----

    /**
     * Flushes queued submissions and waits up to {@code timeoutNs} (0: do not wait, negative: no limit)
     * for completions or a {@link #wakeup()}, then runs the completions that arrived. Returns how many ran.
     */
    int poll(long timeoutNs);

    /** Any thread: makes the current or next {@link #poll} return promptly. */
    void wakeup();

    /** How many {@link #wakeup()} calls reached the kernel (eventfd writes, selector wakeups). */
    long wakeupCount();

    /**
     * Calls into the kernel's wait so far: io_uring_enter for io_uring, epoll_wait for epoll, select for NIO
     * (-1 where the backend does not count). The figure behind "syscalls per message".
     */
    default long waitCalls() {
        return -1;
    }

    /**
     * What this driver counts (operations by kind, kernel waits, time asleep): written by the loop thread, read by
     * any. A driver that counts nothing (or a wrapper) may keep the default, {@link DriverCounters#NONE}; a wrapper
     * should return its backend's.
     */
    default DriverCounters counters() {
        return DriverCounters.NONE;
    }

    /** Handles currently open. */
    int openHandles();

    /** Completes everything pending with -ECANCELED, closes every open handle, frees native memory. */
    @Override
    void close();
}
