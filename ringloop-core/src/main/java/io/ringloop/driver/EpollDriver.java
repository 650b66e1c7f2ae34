package io.ringloop.driver;

import io.ringloop.sys.Epoll;
import io.ringloop.sys.Errno;
import io.ringloop.sys.EventFd;
import io.ringloop.sys.Libc;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.Socket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The epoll backend: readiness in place of completion. An operation first tries its syscall; only on EAGAIN
 * does it wait for the fd's edge, and the retry happens inside {@link #poll}.
 *
 * <p><b>Registration.</b> Each fd is registered once, edge-triggered, for in, out and rdhup, the first time
 * an operation on it has to wait. The epoll data is {@code generation << 32 | fd}; closing an fd bumps its
 * generation, so an event already queued for the old fd cannot reach whoever reuses the number.
 *
 * <p><b>Readiness cache</b> (after nexus-async-rt). {@code ready[fd]} remembers what the last edge said and
 * is cleared by EAGAIN or by a short read, which on a stream socket means the receive queue is drained. An
 * operation on an fd known not to be ready skips the syscall that would only return EAGAIN.
 *
 * <p>One pending read-side op (read, readv, accept, receiveFrom) and one write-side op (write, writev, connect,
 * sendTo) per fd at a time, as with any stream. Scatter/gather tries live in {@link EpollVectors}.
 */
public final class EpollDriver implements Driver {
    private static final int ACCEPT = 1;
    private static final int CONNECT = 2;
    private static final int READ = 3;
    private static final int WRITE = 4;
    private static final int RECV_FROM = 5;
    private static final int SEND_TO = 6;
    private static final int READV = 7;
    private static final int WRITEV = 8;

    private static final int READABLE = 1;
    private static final int WRITABLE = 2;
    /** Peer closed its side (RDHUP/HUP/ERR): reads return without waiting, so never clear READABLE. */
    private static final int HANGUP = 4;
    private static final int REGISTERED = 8;
    private static final int OPEN = 16;

    private static final long NO_OP = EpollFdTable.NO_OP;
    private static final long WAKE_DATA = -1;
    private static final int MAX_EVENTS = 256;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment cs;
    private final MemorySegment events;
    private final MemorySegment ctlScratch;
    private final MemorySegment wakeScratch;
    /** Call state for {@link #wakeup()}, which runs on other threads than the loop's. */
    private final MemorySegment wakeCallState = Libc.allocateCallState(arena);
    private final MemorySegment readScratch;
    private final MemorySegment addrScratch;
    private final MemorySegment addrLenScratch;
    private final LinuxSockets sockets;
    private final EpollVectors vectors;
    private final OpTable ops = new OpTable(256);
    private final int epfd;
    private final int wakeFd;
    private final AtomicLong wakeups = new AtomicLong();
    /**
     * Wakers inside {@link #wakeup()} right now. close() waits for zero after setting {@link #closing}, so
     * the eventfd number and the arena are never released under a waker's feet.
     */
    private final java.util.concurrent.atomic.AtomicInteger wakers = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closing;

    /** Per fd, indexed by fd number; grown on demand. */
    private final EpollFdTable fds = new EpollFdTable();
    private int open;
    private boolean closed;

    public EpollDriver() throws IOException {
        MemorySegment callState = Libc.allocateCallState(arena);
        cs = callState;
        events = arena.allocate(Epoll.EVENT_SIZE * MAX_EVENTS, 8);
        ctlScratch = arena.allocate(16, 8);
        wakeScratch = arena.allocate(8, 8);
        readScratch = arena.allocate(8, 8);
        addrScratch = arena.allocate(SockAddr.MAX_SIZE, 8);
        addrLenScratch = arena.allocate(4, 4);
        sockets = new LinuxSockets(cs, arena.allocate(SockAddr.MAX_SIZE, 8));
        vectors = new EpollVectors(arena, cs);
        int ep = Epoll.create1(cs, Epoll.EPOLL_CLOEXEC);
        if (ep < 0) {
            arena.close();
            throw Errno.exception("epoll_create1", ep);
        }
        int ev = EventFd.create(cs, 0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        if (ev < 0) {
            Libc.close(cs, ep);
            arena.close();
            throw Errno.exception("eventfd", ev);
        }
        int r = Epoll.ctl(cs, ep, Epoll.EPOLL_CTL_ADD, ev, Epoll.EPOLLIN | Epoll.EPOLLET, WAKE_DATA, ctlScratch);
        if (r < 0) {
            Libc.close(cs, ev);
            Libc.close(cs, ep);
            arena.close();
            throw Errno.exception("epoll_ctl(ADD, eventfd=" + ev + ")", r);
        }
        epfd = ep;
        wakeFd = ev;
    }

    @Override
    public String name() {
        return "epoll";
    }

    // ---- sockets ----

    @Override
    public int socket(int family, int type) {
        int fd = sockets.socket(family, type);
        if (fd >= 0) {
            adopt(fd);
        }
        return fd;
    }

    /** A new fd we own: readiness unknown, so both directions are tried first. */
    private void adopt(int fd) {
        fds.ensureCapacity(fd);
        fds.state[fd] = OPEN | READABLE | WRITABLE;
        fds.readOp[fd] = NO_OP;
        fds.writeOp[fd] = NO_OP;
        open++;
    }

    private boolean isOpen(int fd) {
        return fd >= 0 && fd < fds.state.length && (fds.state[fd] & OPEN) != 0;
    }

    @Override
    public int bind(int handle, InetSocketAddress address) {
        return isOpen(handle) ? sockets.bind(handle, address) : -Errno.EBADF;
    }

    @Override
    public int listen(int handle, int backlog) {
        return isOpen(handle) ? sockets.listen(handle, backlog) : -Errno.EBADF;
    }

    @Override
    public int setOption(int handle, SocketOpt option, int value) {
        return isOpen(handle) ? sockets.setOption(handle, option, value) : -Errno.EBADF;
    }

    @Override
    public int getOption(int handle, SocketOpt option) {
        return isOpen(handle) ? sockets.getOption(handle, option) : -Errno.EBADF;
    }

    @Override
    public InetSocketAddress localAddress(int handle) throws IOException {
        if (!isOpen(handle)) {
            throw Errno.exception("getsockname(fd=" + handle + ")", Errno.EBADF);
        }
        return sockets.localAddress(handle);
    }

    @Override
    public InetSocketAddress peerAddress(int handle) throws IOException {
        if (!isOpen(handle)) {
            throw Errno.exception("getpeername(fd=" + handle + ")", Errno.EBADF);
        }
        return sockets.peerAddress(handle);
    }

    @Override
    public int shutdown(int handle, int how) {
        return isOpen(handle) ? sockets.shutdown(handle, how) : -Errno.EBADF;
    }

    @Override
    public int close(int handle) {
        if (!isOpen(handle)) {
            return -Errno.EBADF;
        }
        long pendingRead = fds.readOp[handle];
        long pendingWrite = fds.writeOp[handle];
        fds.state[handle] = 0;
        fds.generation[handle]++;
        open--;
        // Completions run after the handle is marked closed, so one that submits again gets EBADF.
        cancelOp(pendingRead);
        cancelOp(pendingWrite);
        // Closing the last reference removes the fd from the epoll set; no EPOLL_CTL_DEL needed.
        return Libc.close(cs, handle);
    }

    @Override
    public Object detach(int handle) {
        if (!isOpen(handle) || fds.readOp[handle] != NO_OP || fds.writeOp[handle] != NO_OP) {
            return null;
        }
        if ((fds.state[handle] & REGISTERED) != 0) {
            Epoll.ctl(cs, epfd, Epoll.EPOLL_CTL_DEL, handle, 0, 0, ctlScratch);
        }
        fds.state[handle] = 0;
        fds.generation[handle]++;
        open--;
        return handle;
    }

    @Override
    public int adopt(Object detached) {
        int fd = (Integer) detached;
        adopt(fd);
        return fd;
    }

    // ---- asynchronous operations ----

    @Override
    public int accept(int handle, Completion completion) {
        if (!isOpen(handle)) {
            return -Errno.EBADF;
        }
        return readSide(handle, ACCEPT, null, 0, null, completion);
    }

    @Override
    public int connect(int handle, InetSocketAddress address, Completion completion) {
        if (!isOpen(handle)) {
            return -Errno.EBADF;
        }
        int len = sockets.encode(handle, address, addrScratch);
        int r = Socket.connect(cs, handle, addrScratch, len);
        if (r != -Errno.EINPROGRESS) {
            return r;
        }
        fds.state[handle] &= ~WRITABLE;
        return pend(handle, CONNECT, null, 0, null, completion, false);
    }

    @Override
    public int read(int handle, MemorySegment buffer, Completion completion) {
        return read(handle, buffer, 0, (int) Math.min(Integer.MAX_VALUE, buffer.byteSize()), completion);
    }

    @Override
    public int read(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        if (!isOpen(handle)) {
            return -Errno.EBADF;
        }
        java.util.Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        return readSide(handle, READ, buffer, span(offset, length), null, completion);
    }

    @Override
    public int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        if (!isOpen(handle)) {
            return -Errno.EBADF;
        }
        return readSide(handle, RECV_FROM, buffer, span(0, (int) buffer.byteSize()), senderAddress, completion);
    }

    @Override
    public int write(int handle, MemorySegment buffer, Completion completion) {
        return write(handle, buffer, 0, (int) Math.min(Integer.MAX_VALUE, buffer.byteSize()), completion);
    }

    @Override
    public int write(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        if (!isOpen(handle)) {
            return -Errno.EBADF;
        }
        java.util.Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        return writeSide(handle, WRITE, buffer, span(offset, length), null, completion);
    }

    @Override
    public int readv(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, true);
        if (!isOpen(handle)) {
            return -Errno.EBADF;
        }
        return total == 0 ? 0 : readSide(handle, READV, null, 0, buffers, completion);
    }

    @Override
    public int writev(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, false);
        if (!isOpen(handle)) {
            return -Errno.EBADF;
        }
        return total == 0 ? 0 : writeSide(handle, WRITEV, null, 0, buffers, completion);
    }

    /** Offset and length of a buffer region packed into one long, so a retry needs no slice object. */
    private static long span(long offset, int length) {
        if (offset < 0 || offset > Integer.MAX_VALUE || length < 0) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length);
        }
        return (offset << 32) | length;
    }

    @Override
    public int sendTo(int handle, MemorySegment buffer, InetSocketAddress target, Completion completion) {
        if (!isOpen(handle)) {
            return -Errno.EBADF;
        }
        return writeSide(handle, SEND_TO, buffer, span(0, (int) buffer.byteSize()), target, completion);
    }

    private int readSide(int fd, int kind, MemorySegment buffer, long span, Object extra, Completion completion) {
        if (fds.readOp[fd] != NO_OP) {
            return -Errno.EBUSY;
        }
        if ((fds.state[fd] & READABLE) != 0) {
            int r = attempt(fd, kind, buffer, span, extra);
            if (r != -Errno.EAGAIN) {
                return r;
            }
        }
        return pend(fd, kind, buffer, span, extra, completion, true);
    }

    private int writeSide(int fd, int kind, MemorySegment buffer, long span, Object extra, Completion completion) {
        if (fds.writeOp[fd] != NO_OP) {
            return -Errno.EBUSY;
        }
        if ((fds.state[fd] & WRITABLE) != 0) {
            int r = attempt(fd, kind, buffer, span, extra);
            if (r != -Errno.EAGAIN) {
                return r;
            }
        }
        return pend(fd, kind, buffer, span, extra, completion, false);
    }

    private int pend(int fd, int kind, MemorySegment buffer, long span, Object extra, Completion completion,
                     boolean readSide) {
        int r = register(fd);
        if (r < 0) {
            return r;
        }
        long token = ops.claim(completion, fd, kind, buffer);
        ops.attach(token, extra);
        ops.setArg(token, span);
        setPending(fd, readSide, token);
        return PENDING;
    }

    private void setPending(int fd, boolean readSide, long token) {
        if (readSide) {
            fds.readOp[fd] = token;
        } else {
            fds.writeOp[fd] = token;
        }
    }

    private int register(int fd) {
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

    /**
     * One try of the syscall behind an operation. Returns its result, or -EAGAIN after clearing the
     * readiness bit it disproved.
     */
    private int attempt(int fd, int kind, MemorySegment buffer, long span, Object extra) {
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
                    adopt(r);
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

    @Override
    public boolean cancel(Completion completion) {
        long token = completion.token;
        if (!ops.isLive(token) || ops.lookup(token) != completion) {
            return false;
        }
        cancelOp(token);
        return true;
    }

    /** Ends a pending op with -ECANCELED. Nothing was read for it yet, so no data can be lost. */
    private void cancelOp(long token) {
        if (token == NO_OP || !ops.isLive(token)) {
            return;
        }
        int fd = ops.handle(token);
        if (fds.readOp[fd] == token) {
            fds.readOp[fd] = NO_OP;
        }
        if (fds.writeOp[fd] == token) {
            fds.writeOp[fd] = NO_OP;
        }
        Completion c = ops.release(token);
        if (c != null) {
            c.complete(-Errno.ECANCELED);
        }
    }

    // ---- the loop's side ----

    @Override
    public long waitCalls() {
        return waits;
    }

    private long waits;

    @Override
    public int poll(long timeoutNs) {
        waits++;
        int n;
        if (timeoutNs == 0) {
            n = Epoll.waitNow(cs, epfd, events, MAX_EVENTS);
        } else {
            // Round up: a sub-millisecond timeout must not become 0 and spin.
            int timeoutMs = timeoutNs < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (timeoutNs + 999_999) / 1_000_000);
            n = Epoll.wait(cs, epfd, events, MAX_EVENTS, timeoutMs);
        }
        if (n <= 0) {
            return 0; // timeout, or EINTR: the loop simply comes around again
        }
        int completed = 0;
        for (int i = 0; i < n; i++) {
            long data = Epoll.data(events, i);
            int ev = Epoll.events(events, i);
            if (data == WAKE_DATA) {
                EventFd.read(cs, wakeFd, readScratch);
                continue;
            }
            completed += dispatch((int) data, (int) (data >>> 32), ev);
        }
        return completed;
    }

    private int dispatch(int fd, int gen, int ev) {
        if (!isOpen(fd) || fds.generation[fd] != gen) {
            return 0; // stale: the fd was closed (and maybe reused) after the event was queued
        }
        int completed = 0;
        if ((ev & (Epoll.EPOLLRDHUP | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0) {
            fds.state[fd] |= HANGUP;
        }
        if ((ev & (Epoll.EPOLLIN | Epoll.EPOLLRDHUP | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0) {
            fds.state[fd] |= READABLE;
            completed += retry(fd, true);
        }
        if ((ev & (Epoll.EPOLLOUT | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0 && isOpen(fd) && fds.generation[fd] == gen) {
            fds.state[fd] |= WRITABLE;
            completed += retry(fd, false);
        }
        return completed;
    }

    /**
     * Retries the pending op of one side of {@code fd}. The per-fd arrays are read again after the attempt,
     * never held across it: an accept adopts a new fd, which may grow (replace) the arrays.
     */
    private int retry(int fd, boolean readSide) {
        long token = readSide ? fds.readOp[fd] : fds.writeOp[fd];
        if (token == NO_OP || !ops.isLive(token)) {
            return 0;
        }
        int r;
        try {
            r = attempt(fd, ops.kind(token), ops.buffer(token), ops.arg(token), ops.attachment(token));
        } catch (RuntimeException e) {
            // One operation's bad buffer (freed, or confined to another thread) fails that operation only.
            r = -Errno.EFAULT;
        }
        if (r == -Errno.EAGAIN) {
            return 0;
        }
        setPending(fd, readSide, NO_OP);
        Completion c = ops.release(token);
        c.complete(r);
        return 1;
    }

    @Override
    public void wakeup() {
        wakers.incrementAndGet();
        try {
            if (!closing) {
                wakeups.incrementAndGet();
                // Racing wakers share the scratch; each stores the same value 1, so the race is harmless.
                EventFd.write(wakeCallState, wakeFd, 1, wakeScratch);
            }
        } finally {
            wakers.decrementAndGet();
        }
    }

    @Override
    public long wakeupCount() {
        return wakeups.get();
    }

    @Override
    public int openHandles() {
        return open;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (long token : ops.liveTokens()) {
            cancelOp(token);
        }
        for (int fd = 0; fd < fds.state.length; fd++) {
            if ((fds.state[fd] & OPEN) != 0) {
                close(fd);
            }
        }
        closing = true;
        while (wakers.get() != 0) {
            Thread.onSpinWait(); // a waker is between its check and its eventfd write: a few instructions
        }
        Libc.close(cs, wakeFd);
        Libc.close(cs, epfd);
        arena.close();
    }
}
