package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.LinuxPipes;
import io.ringloop.driver.LinuxSockets;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.MsgHdr;
import io.ringloop.sys.ScmRights;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.Socket;
import io.ringloop.sys.uring.IoUring;
import io.ringloop.sys.uring.IoUringSubmissionQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.util.BitSet;

/**
 * How the io_uring driver turns a socket operation into SQEs, once {@link IoUringDriver} has let it start
 * (handle open, completion idle, driver not closing). Each method picks the path for its buffer and socket:
 * <ul>
 *   <li>stream reads and writes of heap memory: a direct non-blocking recv(2)/send(2) on the array first
 *       (no copy, no SQE), when no receive (send) of the stream is in flight. A read that must wait polls
 *       (POLL_ADD) and then recv(2)s into the array ({@link IoUringPolledReads}), or, if on, arms the
 *       connection's multishot receive ({@link IoUringMultishotReads}); a write that must wait is a SEND
 *       through a bounce buffer. Measured with a byte[] echo against RECV into a kernel-picked buffer and
 *       a copy (a path since removed): 40% less server CPU per 16 KiB message all told, 8% less at 64 B;</li>
 *   <li>stream reads into native memory: one RECV straight into the buffer, no copy (measured: multishot
 *       receive cost 8% more CPU per 64 B message and 54% more per 16 KiB one, for its extra CQEs and copies),
 *       unless the connection's multishot holds received bytes or is armed, which are read first;</li>
 *   <li>writes of native memory: SEND from the buffer (a direct send(2) first measured no better), SEND_ZC
 *       for large buffers when enabled ({@link IoUringZeroCopySends});</li>
 *   <li>accept: the listener's multishot accept ({@link IoUringAcceptor}) or one ACCEPT per call;</li>
 *   <li>datagrams: RECVMSG/SENDMSG with the slot's msghdr and sockaddr; scatter/gather: {@link IoUringVectors}.</li>
 * </ul>
 * Every SQE carries its op-table token as user data, and all memory it points at belongs to the token's slot
 * until the CQE. Loop thread only.
 */
final class IoUringSockets {
    private static final int ACCEPT_FLAGS = Socket.SOCK_NONBLOCK | Socket.SOCK_CLOEXEC;

    private final IoUringEngine engine;
    private final IoUringSubmissionQueue sq;
    private final IoUringOpMemory memory;
    private final LinuxSockets sockets;
    /** Each null when refused by the kernel or disabled. */
    private final IoUringAcceptor acceptor;
    private final IoUringMultishotReads multishot;
    private final IoUringZeroCopySends zeroCopy;
    private final IoUringVectors vectors;
    private final MemorySegment cs;
    /** Heap reads that must wait: readiness, then recv(2) into the array. */
    final IoUringPolledReads polledReads;
    /** Datagram receives with truncation, and batches of datagrams. */
    final IoUringDatagrams datagrams;
    /** Pipes and splices ({@link IoUringSplices}). */
    final IoUringSplices splices;
    /** Foreign fds with a wait in flight ({@link #pollReady}). */
    private final BitSet polled = new BitSet();

    IoUringSockets(MemorySegment cs, Arena pipeScratch, IoUringEngine engine, LinuxSockets sockets,
                   IoUringAcceptor acceptor,
                   IoUringMultishotReads multishot, IoUringZeroCopySends zeroCopy, IoUringVectors vectors) {
        this.cs = cs;
        this.polledReads = new IoUringPolledReads(engine, cs, IoUringEngine.TIMEOUT_TOKEN);
        this.datagrams = new IoUringDatagrams(engine, cs);
        this.splices = new IoUringSplices(engine, new LinuxPipes(cs, pipeScratch));
        this.engine = engine;
        this.sq = engine.sq;
        this.memory = engine.memory;
        this.sockets = sockets;
        this.acceptor = acceptor;
        this.multishot = multishot;
        this.zeroCopy = zeroCopy;
        this.vectors = vectors;
    }

    int accept(int handle, Completion completion) {
        if (acceptor != null) {
            return acceptor.accept(handle, completion);
        }
        long token = engine.begin(handle, completion, IoUringOpKind.ACCEPT, null);
        sq.prepAccept(handle, ACCEPT_FLAGS, token);
        return Driver.PENDING;
    }

    /**
     * One-shot IORING_OP_POLL_ADD on foreign fd {@code fd}: the CQE's result is the ready set. The op is
     * claimed under no handle (-1): the fd is not this driver's, and closing a handle never cancels it.
     */
    int pollReady(int fd, int events, Completion completion, boolean closing) {
        if (completion.isPending()) {
            throw new IllegalStateException("completion already has an operation pending");
        }
        if (engine.fds.isOpen(fd)) {
            return -Errno.EINVAL; // a handle of this driver: its own operations wait for readiness
        }
        if (closing) {
            return -Errno.ECANCELED;
        }
        if (polled.get(fd)) {
            return -Errno.EBUSY; // one wait per fd, as epoll must
        }
        polled.set(fd);
        long token = engine.begin(-1, completion, IoUringOpKind.POLL, null);
        engine.ops.setArg(token, fd);
        sq.prepPollAdd(fd, events & (Driver.POLLIN | Driver.POLLOUT), token);
        return Driver.PENDING;
    }

    /** A foreign-fd wait ended (its CQE is being dispatched). */
    void pollEnded(long token) {
        polled.clear((int) engine.ops.arg(token));
    }

    int connect(int handle, SocketAddress address, Completion completion) {
        long token = engine.begin(handle, completion, IoUringOpKind.CONNECT, null);
        MemorySegment addr = memory.sockaddr(IoUringEngine.slot(token));
        int len;
        try {
            len = sockets.encode(handle, address, addr);
        } catch (IllegalArgumentException e) {
            abandon(token);
            throw e;
        }
        sq.prepConnect(handle, addr, len, token);
        return Driver.PENDING;
    }

    /**
     * A heap buffer cannot be lent to the kernel across a submission (the collector may move it), so an SQE
     * for it needs a copy through native memory. Instead a heap read first tries a direct non-blocking
     * recv(2) into the array, when no receive of this stream is in flight or queued (it would be overtaken):
     * data that is there already costs no copy and no SQE. Only a read that must wait goes to the ring:
     * multishot receive if on, else a poll for readiness and then a recv(2) into the array. A native buffer
     * is the target of one RECV, no copy.
     */
    int read(int handle, MemorySegment buffer, Completion completion) {
        if (!buffer.isNative() && !engine.fds.receiving(handle) && (multishot == null || !multishot.busy(handle))) {
            int r = Socket.recv(cs, handle, buffer, buffer.byteSize(), Socket.MSG_DONTWAIT);
            if (r != -Errno.EAGAIN) {
                return r;
            }
        }
        if (readsAhead(handle, buffer)) {
            return multishot.read(handle, buffer, 0, IoUringOpMemory.kernelLength(buffer), completion);
        }
        if (!buffer.isNative()) {
            return polledReads.read(handle, buffer, completion);
        }
        long token = engine.begin(handle, completion, IoUringOpKind.RECV, buffer);
        sq.prepRecv(handle, buffer, IoUringOpMemory.kernelLength(buffer), 0, token);
        return Driver.PENDING;
    }

    /** {@link Driver#splice}: {@link IoUringSplices}, told whether the socket's multishot holds bytes. */
    int splice(int from, int to, int length, Completion completion) {
        int socket = splices.isPipe(from) ? to : from;
        return splices.splice(from, to, length, completion, multishot != null && multishot.busy(socket));
    }

    /** A native buffer at an offset goes straight into the SQE: no slice object. */
    int read(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        if (readsAhead(handle, buffer)) {
            return multishot.read(handle, buffer, offset, length, completion);
        }
        long token = engine.begin(handle, completion, IoUringOpKind.RECV, buffer);
        sq.prepRecv(handle, buffer, offset, length, 0, token);
        return Driver.PENDING;
    }

    /**
     * A heap write first tries a direct non-blocking send(2) from the array when no send of this stream is in
     * flight (see {@link #read}): the bytes the socket takes now cost no bounce copy and no SQE; the rest
     * (EAGAIN) goes to the ring through a bounce buffer. Native buffers always go to the ring: for them a
     * direct send measured no better.
     */
    int write(int handle, MemorySegment buffer, Completion completion) {
        if (zeroCopy.eligible(buffer)) {
            zeroCopy.write(handle, buffer, completion);
            return Driver.PENDING;
        }
        if (!buffer.isNative() && !engine.fds.sending(handle)) {
            int r = Socket.send(cs, handle, buffer, buffer.byteSize(), Socket.MSG_NOSIGNAL | Socket.MSG_DONTWAIT);
            if (r != -Errno.EAGAIN) {
                return r;
            }
        }
        long token = engine.begin(handle, completion, IoUringOpKind.SEND, buffer);
        engine.ops.setArg(token, 0); // the whole buffer, should it be sent again (IoUringResends)
        MemorySegment source = memory.kernelBuffer(IoUringEngine.slot(token), buffer, true);
        sq.prepSend(handle, source, IoUringOpMemory.kernelLength(buffer), Socket.MSG_NOSIGNAL, token);
        return Driver.PENDING;
    }

    /** A native buffer at an offset, below the zero-copy size: no slice object. */
    int write(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        long token = engine.begin(handle, completion, IoUringOpKind.SEND, buffer);
        engine.ops.setArg(token, IoUringResends.offsetArg(offset, length));
        sq.prepSend(handle, buffer, offset, length, Socket.MSG_NOSIGNAL, token);
        return Driver.PENDING;
    }

    /** Throws unless {@code senderAddress} can take any sockaddr the kernel writes there. */
    static void checkSenderAddress(MemorySegment senderAddress) {
        if (!senderAddress.isNative() || senderAddress.byteSize() < SockAddr.MAX_SIZE) {
            throw new IllegalArgumentException("senderAddress must be native and at least "
                    + SockAddr.MAX_SIZE + " bytes");
        }
    }

    int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        long token = engine.begin(handle, completion, IoUringOpKind.RECVMSG, buffer);
        int slot = IoUringEngine.slot(token);
        MemorySegment target = memory.kernelBuffer(slot, buffer, false);
        MemorySegment msg = memory.msghdr(slot, senderAddress, SockAddr.MAX_SIZE, target, buffer);
        sq.prepRecvMsg(handle, msg, 0, token);
        return Driver.PENDING;
    }

    int sendTo(int handle, MemorySegment buffer, SocketAddress target, Completion completion) {
        long token = engine.begin(handle, completion, IoUringOpKind.SENDMSG, buffer);
        int slot = IoUringEngine.slot(token);
        MemorySegment name = MemorySegment.NULL;
        int nameLen = 0;
        if (target != null) {
            name = memory.sockaddr(slot);
            try {
                nameLen = sockets.encode(handle, target, name);
            } catch (IllegalArgumentException e) {
                abandon(token);
                throw e;
            }
        }
        MemorySegment source = memory.kernelBuffer(slot, buffer, true);
        MemorySegment msg = memory.msghdr(slot, name, nameLen, source, buffer);
        sq.prepSendMsg(handle, msg, Socket.MSG_NOSIGNAL, token);
        return Driver.PENDING;
    }

    /**
     * The caller's msghdr as one SENDMSG (MSG_NOSIGNAL) or RECVMSG (MSG_CMSG_CLOEXEC) SQE: it and what it points at
     * are the caller's and stay alive until the CQE (the slot's attachment keeps the segment reachable).
     */
    int message(int handle, MemorySegment msghdr, boolean send, Completion completion) {
        if (!msghdr.isNative() || msghdr.byteSize() < MsgHdr.SIZE) {
            throw new IllegalArgumentException("msghdr must be native and " + MsgHdr.SIZE + " bytes");
        }
        if (!send && multishot != null && multishot.busy(handle)) {
            // Bytes (or an armed RECV) of the connection's multishot receive would be overtaken, and a multishot
            // RECV has no control data: it drops passed descriptors. Refused rather than reordered or lost.
            return -Errno.EBUSY;
        }
        long token = engine.begin(handle, completion, send ? IoUringOpKind.SEND_MESSAGE : IoUringOpKind.RECV_MESSAGE,
                null);
        engine.ops.attach(token, msghdr);
        if (send) {
            sq.prepSendMsg(handle, msghdr, Socket.MSG_NOSIGNAL, token);
        } else {
            sq.prepRecvMsg(handle, msghdr, ScmRights.MSG_CMSG_CLOEXEC, token);
        }
        return Driver.PENDING;
    }

    /** Scatter read (buffers checked, room in them): after what the multishot already received, if armed. */
    int readv(int handle, MemorySegment[] buffers, Completion completion) {
        if (readsAhead(handle, buffers[0])) {
            return multishot.readv(handle, buffers, completion);
        }
        return vectors.readv(handle, buffers, completion);
    }

    /**
     * Closes open socket {@code handle}: new operations on it are refused from here on; each part lets go of
     * it (its fixed-file slot, a listener's queued connections, a connection's received bytes, zero-copy
     * sends waiting for a notification); every operation still in flight is cancelled (ASYNC_CANCEL_FD | ALL)
     * and reaped, up to {@code rounds} waits of {@code waitNs}; then the fd is closed, so no late CQE can
     * name it. Returns 0 or -errno.
     */
    int close(int handle, int rounds, long waitNs) {
        engine.fds.closed(handle);
        splices.forget(handle);
        engine.unfix(handle); // the table's reference would keep the socket open past its close
        if (acceptor != null) {
            acceptor.closeListener(handle);
        }
        zeroCopy.releaseAwaiting(handle);
        if (multishot != null) {
            multishot.close(handle);
        }
        if (engine.fds.pending(handle) > 0) {
            engine.ensureSqSpace();
            sq.prepCancelFd(handle, IoUring.ASYNC_CANCEL_ALL, IoUringEngine.CANCEL_TOKEN);
            engine.drainFd(handle, rounds, waitNs);
        }
        return Libc.close(cs, handle);
    }

    /** The driver is closing: listeners' queued connections, received bytes and zero-copy waits are let go. */
    void closeAll() {
        if (acceptor != null) {
            acceptor.closeAll();
        }
        if (multishot != null) {
            multishot.closeAll();
        }
        zeroCopy.releaseAwaiting(-1);
    }

    /** Forgets an idle connection, not closing it, for another loop's driver: the fd, or null when busy. */
    Object detach(int handle) {
        if (!engine.fds.isOpen(handle) || engine.fds.pending(handle) > 0
                || (multishot != null && multishot.busy(handle))) {
            return null;
        }
        if (multishot != null) {
            multishot.forget(handle);
        }
        engine.fds.closed(handle);
        engine.unfix(handle);
        return handle;
    }

    /**
     * Whether a read into {@code buffer} goes through {@code handle}'s multishot receive: a heap buffer when
     * multishot receive is on, any buffer while the connection has multishot state (bytes come in order).
     */
    private boolean readsAhead(int handle, MemorySegment buffer) {
        return multishot != null && engine.fds.isStream(handle)
                && (multishot.busy(handle) || (!buffer.isNative() && multishot.serves(handle)));
    }

    /** Whether {@code handle}'s in-place receives come from its multishot receive (heap reads would). */
    boolean receivesInPlace(int handle) {
        return multishot != null && engine.fds.isStream(handle) && multishot.serves(handle);
    }

    /** An operation whose SQE was never written: its slot goes back at once. */
    private void abandon(long token) {
        memory.completed(IoUringEngine.slot(token), 0, false, null);
        engine.finish(token);
    }
}
