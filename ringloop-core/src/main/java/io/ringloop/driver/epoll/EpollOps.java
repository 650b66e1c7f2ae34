package io.ringloop.driver.epoll;

import io.ringloop.driver.DatagramBatch;
import io.ringloop.driver.LinuxPipes;
import io.ringloop.driver.LinuxSockets;
import io.ringloop.driver.OpTable;
import io.ringloop.driver.ReadinessBackend;
import io.ringloop.driver.ReadinessCore;
import io.ringloop.driver.ReadinessOp;
import static io.ringloop.driver.ReadinessOp.ACCEPT;
import static io.ringloop.driver.ReadinessOp.CONNECT;
import static io.ringloop.driver.ReadinessOp.READ;
import static io.ringloop.driver.ReadinessOp.READV;
import static io.ringloop.driver.ReadinessOp.RECV_FROM;
import static io.ringloop.driver.ReadinessOp.RECV_MMSG;
import static io.ringloop.driver.ReadinessOp.RECV_TRUNC;
import static io.ringloop.driver.ReadinessOp.SEND_MMSG;
import static io.ringloop.driver.ReadinessOp.SEND_TO;
import static io.ringloop.driver.ReadinessOp.SPLICE_IN;
import static io.ringloop.driver.ReadinessOp.SPLICE_OUT;
import static io.ringloop.driver.ReadinessOp.WRITE;
import static io.ringloop.driver.ReadinessOp.WRITEV;
import static io.ringloop.driver.epoll.EpollFdTable.HANGUP;
import static io.ringloop.driver.epoll.EpollFdTable.READABLE;
import static io.ringloop.driver.epoll.EpollFdTable.REGISTERED;
import static io.ringloop.driver.epoll.EpollFdTable.WRITABLE;

import io.ringloop.sys.Epoll;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.ScmRights;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.Socket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;

/**
 * The epoll side of the {@link ReadinessCore}: one try of the syscall behind each kind of operation
 * ({@link ReadinessOp}), made the first time inside the driver's call and again inside {@link EpollDriver#poll}
 * after each edge, and the fd's registration in the epoll set when an operation has to wait.
 *
 * <p>A try returns the syscall's result or {@code -errno}, EAGAIN included. It keeps the readiness cache in
 * {@link EpollFdTable} up to date (EAGAIN clears the direction's bit, a short stream read clears
 * {@code READABLE}), skips the syscall when the cache says it would only return EAGAIN, and adopts the fd an
 * accept returns.
 *
 * <p>An operation's arguments live in its {@link OpTable} slot until it completes: the buffer, a
 * {@link #span} (offset and length in one {@code long}) and an attachment whose type depends on the kind
 * (the buffers of readv/writev, the sender-address segment of receiveFrom, the target of sendTo). So a retry
 * allocates nothing. The scratch memory here serves every fd: a try is synchronous, the kernel is done with it
 * when the call returns. Scatter/gather tries are {@link EpollVectors}'. Loop thread only.
 */
final class EpollOps implements ReadinessBackend {
    private final MemorySegment cs;
    private final int epfd;
    private final MemorySegment ctlScratch;
    private final EpollFdTable fds;
    private final LinuxSockets sockets;
    private final EpollVectors vectors;
    final LinuxPipes pipes;
    private final MemorySegment addrScratch;
    private final MemorySegment addrLenScratch;

    /**
     * {@code cs}: the driver's call state; memory from the driver's {@code arena}, freed with it. {@code epfd}:
     * the epoll set operations register in, through {@code ctlScratch}.
     */
    EpollOps(Arena arena, MemorySegment cs, int epfd, MemorySegment ctlScratch, EpollFdTable fds,
             LinuxSockets sockets) {
        this.cs = cs;
        this.epfd = epfd;
        this.ctlScratch = ctlScratch;
        this.fds = fds;
        this.sockets = sockets;
        this.vectors = new EpollVectors(arena, cs);
        this.pipes = new LinuxPipes(cs, arena);
        this.addrScratch = arena.allocate(SockAddr.MAX_SIZE, 8);
        this.addrLenScratch = arena.allocate(4, 4);
    }

    /** Offset and length of a buffer region packed into one long, so a retry needs no slice object. */
    static long span(long offset, int length) {
        if (offset < 0 || offset > Integer.MAX_VALUE || length < 0) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length);
        }
        return (offset << 32) | length;
    }

    /** The {@code connect(2)} that starts a connection: 0, {@code -EINPROGRESS} (then wait for writable), -errno. */
    int connect(int fd, SocketAddress address) {
        int len = sockets.encode(fd, address, addrScratch);
        return Socket.connect(cs, fd, addrScratch, len);
    }

    /**
     * One try of the syscall behind an operation. Returns its result, or -EAGAIN: at once when the fd's readiness
     * bit for the direction is clear, else after clearing the bit the syscall disproved.
     */
    @Override
    public int attempt(int fd, int kind, MemorySegment buffer, long span, Object extra) {
        int readiness = ReadinessOp.isReadSide(kind) ? READABLE : WRITABLE;
        if ((fds.state[fd] & readiness) == 0) {
            return -Errno.EAGAIN; // known not ready: wait for the edge instead of a syscall that would say so
        }
        int r;
        switch (kind) {
            case READ -> {
                int want = (int) span;
                r = Libc.read(cs, fd, at(buffer, span), want);
                drainedIfShort(fd, r, want);
            }
            case READV -> {
                r = vectors.readv(fd, (MemorySegment[]) extra);
                drainedIfShort(fd, r, vectors.offeredBytes());
            }
            case WRITE -> r = Socket.send(cs, fd, at(buffer, span), (int) span, Socket.MSG_NOSIGNAL);
            case WRITEV -> r = vectors.writev(fd, (MemorySegment[]) extra);
            case ACCEPT -> {
                r = Socket.accept4(cs, fd);
                if (r >= 0) {
                    fds.adopt(r);
                }
            }
            case RECV_FROM -> {
                addrLenScratch.set(ValueLayout.JAVA_INT, 0, SockAddr.MAX_SIZE);
                r = Socket.recvfrom(cs, fd, buffer, buffer.byteSize(), 0, (MemorySegment) extra, addrLenScratch);
            }
            case SEND_TO -> r = sendTo(fd, buffer, (SocketAddress) extra);
            case ReadinessOp.SEND_MSG -> r = Socket.sendmsg(cs, fd, buffer, Socket.MSG_NOSIGNAL);
            case ReadinessOp.RECV_MSG -> r = Socket.recvmsg(cs, fd, buffer, ScmRights.MSG_CMSG_CLOEXEC);
            case RECV_TRUNC -> {
                addrLenScratch.set(ValueLayout.JAVA_INT, 0, SockAddr.MAX_SIZE);
                r = Socket.recvfrom(cs, fd, buffer, buffer.byteSize(), Socket.MSG_TRUNC, (MemorySegment) extra,
                        addrLenScratch);
            }
            case RECV_MMSG -> {
                r = ((DatagramBatch) extra).recvmmsg(cs, fd, (int) span);
                drainedIfShort(fd, r, (int) span); // fewer than asked: the queue is empty
            }
            case SEND_MMSG -> r = ((DatagramBatch) extra).sendmmsg(cs, fd, (int) (span >>> 32), (int) span);
            case CONNECT -> r = sockets.connectError(fd);
            // arg: the pipe end << 32 | length. No drained-if-short: a splice into a pipe stops at the pipe's
            // page slots, not only where the socket ran dry, and a wrong guess would wait for an edge never sent.
            case SPLICE_IN -> r = pipes.splice(fd, (int) (span >>> 32), (int) span);
            case SPLICE_OUT -> r = pipes.splice((int) (span >>> 32), fd, (int) span);
            default -> throw new IllegalStateException("unknown op kind " + kind);
        }
        if (r == -Errno.EAGAIN) {
            fds.state[fd] &= ~readiness;
        }
        return r;
    }

    /**
     * Registers {@code fd} in the epoll set the first time an operation on it has to wait: edge-triggered, for
     * in, out and rdhup at once, so it is never modified afterwards. The data is {@code generation << 32 | fd}.
     */
    @Override
    public int arm(int fd, int kind) {
        if ((fds.state[fd] & REGISTERED) != 0) {
            return 0;
        }
        int events = Epoll.EPOLLIN | Epoll.EPOLLOUT | Epoll.EPOLLRDHUP | Epoll.EPOLLET;
        long data = ((long) fds.generation[fd] << 32) | fd;
        int r = Epoll.ctl(cs, epfd, Epoll.EPOLL_CTL_ADD, fd, events, data, ctlScratch);
        if (r == 0) {
            fds.state[fd] |= REGISTERED;
        }
        return r;
    }

    /** Nothing to undo: an edge-triggered registration costs nothing while nobody waits. */
    @Override
    public void disarm(int fd, int kind) {
    }

    /**
     * A read that got fewer bytes than it offered on a stream: drained. The next read waits for the edge instead
     * of paying for a syscall that would return EAGAIN.
     */
    private void drainedIfShort(int fd, int r, long offeredBytes) {
        if (r >= 0 && r < offeredBytes && (fds.state[fd] & HANGUP) == 0) {
            fds.state[fd] &= ~READABLE;
        }
    }

    /**
     * The buffer at the span's offset. An offset of 0 passes the segment itself; otherwise a slice is made
     * (its cost is one small object, and escape analysis usually removes it since the call is critical).
     */
    private static MemorySegment at(MemorySegment buffer, long span) {
        long offset = span >>> 32;
        return offset == 0 ? buffer : buffer.asSlice(offset);
    }

    private int sendTo(int fd, MemorySegment buffer, SocketAddress target) {
        if (target == null) {
            return Socket.send(cs, fd, buffer, buffer.byteSize(), Socket.MSG_NOSIGNAL);
        }
        int len = sockets.encode(fd, target, addrScratch);
        return Socket.sendto(cs, fd, buffer, buffer.byteSize(), Socket.MSG_NOSIGNAL, addrScratch, len);
    }
}
