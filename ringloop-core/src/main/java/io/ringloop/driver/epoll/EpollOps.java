package io.ringloop.driver.epoll;

import io.ringloop.driver.LinuxSockets;
import static io.ringloop.driver.epoll.EpollFdTable.HANGUP;
import static io.ringloop.driver.epoll.EpollFdTable.READABLE;
import static io.ringloop.driver.epoll.EpollFdTable.WRITABLE;

import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.Socket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * One try of the syscall behind each operation the {@link EpollDriver} runs, made the first time inside the
 * driver's call and again inside {@link EpollDriver#poll} after each edge. A try returns the syscall's result
 * or {@code -errno}, EAGAIN included; it keeps the readiness cache in {@link EpollFdTable} up to date (EAGAIN
 * clears the direction's bit, a short stream read clears {@code READABLE}) and adopts the fd an accept returns.
 *
 * <p>An operation's arguments live in its {@link OpTable} slot until it completes: the buffer, a
 * {@link #span} (offset and length in one {@code long}) and an extra object whose type depends on the kind
 * (the buffers of readv/writev, the sender-address segment of receiveFrom, the target of sendTo). So a retry
 * allocates nothing. The scratch memory here serves every fd: a try is synchronous, the kernel is done with it
 * when the call returns. Scatter/gather tries are {@link EpollVectors}'. Loop thread only.
 */
final class EpollOps {
    static final int ACCEPT = 1;
    static final int CONNECT = 2;
    static final int READ = 3;
    static final int WRITE = 4;
    static final int RECV_FROM = 5;
    static final int SEND_TO = 6;
    static final int READV = 7;
    static final int WRITEV = 8;
    /** A wait for a foreign fd's readiness (EpollDriver.pollReady): never attempted, only reported. */
    static final int POLL = 9;

    private final MemorySegment cs;
    private final EpollFdTable fds;
    private final LinuxSockets sockets;
    private final EpollVectors vectors;
    private final MemorySegment addrScratch;
    private final MemorySegment addrLenScratch;

    /** {@code cs}: the driver's call state; memory from the driver's {@code arena}, freed with it. */
    EpollOps(Arena arena, MemorySegment cs, EpollFdTable fds, LinuxSockets sockets) {
        this.cs = cs;
        this.fds = fds;
        this.sockets = sockets;
        this.vectors = new EpollVectors(arena, cs);
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
    int connect(int fd, InetSocketAddress address) {
        int len = sockets.encode(fd, address, addrScratch);
        return Socket.connect(cs, fd, addrScratch, len);
    }

    /**
     * One try of the syscall behind an operation. Returns its result, or -EAGAIN after clearing the
     * readiness bit it disproved.
     */
    int attempt(int fd, int kind, MemorySegment buffer, long span, Object extra) {
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
            case SEND_TO -> r = sendTo(fd, buffer, (InetSocketAddress) extra);
            case CONNECT -> r = sockets.connectError(fd);
            default -> throw new IllegalStateException("unknown op kind " + kind);
        }
        if (r == -Errno.EAGAIN) {
            fds.state[fd] &= (kind == WRITE || kind == WRITEV || kind == SEND_TO || kind == CONNECT)
                    ? ~WRITABLE : ~READABLE;
        }
        return r;
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

    private int sendTo(int fd, MemorySegment buffer, InetSocketAddress target) {
        if (target == null) {
            return Socket.send(cs, fd, buffer, buffer.byteSize(), Socket.MSG_NOSIGNAL);
        }
        int len = sockets.encode(fd, target, addrScratch);
        return Socket.sendto(cs, fd, buffer, buffer.byteSize(), Socket.MSG_NOSIGNAL, addrScratch, len);
    }
}
