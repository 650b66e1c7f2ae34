package io.ringloop.driver.epoll;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.Iovecs;
import io.ringloop.driver.LinuxSockets;
import io.ringloop.driver.OpTable;
import io.ringloop.driver.SocketOpt;
import static io.ringloop.driver.epoll.EpollFdTable.HANGUP;
import static io.ringloop.driver.epoll.EpollFdTable.NO_OP;
import static io.ringloop.driver.epoll.EpollFdTable.OPEN;
import static io.ringloop.driver.epoll.EpollFdTable.READABLE;
import static io.ringloop.driver.epoll.EpollFdTable.REGISTERED;
import static io.ringloop.driver.epoll.EpollFdTable.WRITABLE;
import static io.ringloop.driver.epoll.EpollOps.ACCEPT;
import static io.ringloop.driver.epoll.EpollOps.CONNECT;
import static io.ringloop.driver.epoll.EpollOps.READ;
import static io.ringloop.driver.epoll.EpollOps.READV;
import static io.ringloop.driver.epoll.EpollOps.RECV_FROM;
import static io.ringloop.driver.epoll.EpollOps.SEND_TO;
import static io.ringloop.driver.epoll.EpollOps.WRITE;
import static io.ringloop.driver.epoll.EpollOps.WRITEV;
import static io.ringloop.driver.epoll.EpollOps.span;

import io.ringloop.sys.Epoll;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * The epoll backend: readiness in place of completion. An operation first tries its syscall; only on EAGAIN
 * does it wait for the fd's edge, and the retry happens inside {@link #poll}.
 *
 * <p><b>Registration.</b> Each fd is registered once, edge-triggered, for in, out and rdhup, the first time
 * an operation on it has to wait. The epoll data is {@code generation << 32 | fd}; closing an fd bumps its
 * generation, so an event already queued for the old fd cannot reach whoever reuses the number.
 *
 * <p><b>Readiness cache</b> (after nexus-async-rt). The READABLE/WRITABLE bits of {@link EpollFdTable#state}
 * remember what the last edge said and are cleared by EAGAIN or by a short read, which on a stream socket means
 * the receive queue is drained. An operation on an fd known not to be ready skips the syscall that would only
 * return EAGAIN.
 *
 * <p>One pending read-side op (read, readv, accept, receiveFrom) and one write-side op (write, writev, connect,
 * sendTo) per fd at a time, as with any stream.
 *
 * <p>This class keeps the operations' life cycle: try, pend (register and claim an {@link OpTable} slot), retry on
 * an edge, complete or cancel. The pieces it uses: {@link EpollOps} makes the one try of each kind of operation
 * (scatter/gather through {@link EpollVectors}), {@link EpollFdTable} holds the per-fd state and its bits,
 * {@link EpollWaker} is the eventfd behind {@link #wakeup()}, {@link LinuxSockets} the synchronous socket calls.
 */
public final class EpollDriver implements Driver {
    private static final int MAX_EVENTS = 256;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment cs;
    private final MemorySegment events;
    private final MemorySegment ctlScratch;
    private final LinuxSockets sockets;
    private final EpollOps syscalls;
    private final OpTable ops = new OpTable(256);
    private final int epfd;
    private final EpollWaker waker;
    /** Waits for fds this driver does not own ({@link #pollReady}). */
    private final EpollForeignWaits foreign;

    /** Per fd, indexed by fd number; grown on demand. */
    private final EpollFdTable fds = new EpollFdTable();
    private boolean closed;

    public EpollDriver() throws IOException {
        MemorySegment callState = Libc.allocateCallState(arena);
        cs = callState;
        events = arena.allocate(Epoll.EVENT_SIZE * MAX_EVENTS, 8);
        ctlScratch = arena.allocate(16, 8);
        sockets = new LinuxSockets(cs, arena.allocate(SockAddr.MAX_SIZE, 8));
        syscalls = new EpollOps(arena, cs, fds, sockets);
        int ep = Epoll.create1(cs, Epoll.EPOLL_CLOEXEC);
        if (ep < 0) {
            arena.close();
            throw Errno.exception("epoll_create1", ep);
        }
        EpollWaker w;
        try {
            w = new EpollWaker(arena, cs, ep, ctlScratch);
        } catch (IOException | RuntimeException e) {
            // The waker left nothing open; release the rest in reverse order.
            Libc.close(cs, ep);
            arena.close();
            throw e;
        }
        epfd = ep;
        waker = w;
        foreign = new EpollForeignWaits(cs, ep, ctlScratch, ops);
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
            fds.adopt(fd);
        }
        return fd;
    }

    @Override
    public int bind(int handle, InetSocketAddress address) {
        return fds.isOpen(handle) ? sockets.bind(handle, address) : -Errno.EBADF;
    }

    @Override
    public int listen(int handle, int backlog) {
        return fds.isOpen(handle) ? sockets.listen(handle, backlog) : -Errno.EBADF;
    }

    @Override
    public int setOption(int handle, SocketOpt option, int value) {
        return fds.isOpen(handle) ? sockets.setOption(handle, option, value) : -Errno.EBADF;
    }

    @Override
    public int getOption(int handle, SocketOpt option) {
        return fds.isOpen(handle) ? sockets.getOption(handle, option) : -Errno.EBADF;
    }

    @Override
    public InetSocketAddress localAddress(int handle) throws IOException {
        if (!fds.isOpen(handle)) {
            throw Errno.exception("getsockname(fd=" + handle + ")", Errno.EBADF);
        }
        return sockets.localAddress(handle);
    }

    @Override
    public InetSocketAddress peerAddress(int handle) throws IOException {
        if (!fds.isOpen(handle)) {
            throw Errno.exception("getpeername(fd=" + handle + ")", Errno.EBADF);
        }
        return sockets.peerAddress(handle);
    }

    @Override
    public int shutdown(int handle, int how) {
        return fds.isOpen(handle) ? sockets.shutdown(handle, how) : -Errno.EBADF;
    }

    @Override
    public int close(int handle) {
        if (!fds.isOpen(handle)) {
            return -Errno.EBADF;
        }
        long pendingRead = fds.readOp[handle];
        long pendingWrite = fds.writeOp[handle];
        fds.forget(handle);
        // Completions run after the handle is marked closed, so one that submits again gets EBADF.
        cancelOp(pendingRead);
        cancelOp(pendingWrite);
        // Closing the last reference removes the fd from the epoll set; no EPOLL_CTL_DEL needed.
        return Libc.close(cs, handle);
    }

    @Override
    public Object detach(int handle) {
        if (!fds.isOpen(handle) || fds.readOp[handle] != NO_OP || fds.writeOp[handle] != NO_OP) {
            return null;
        }
        if ((fds.state[handle] & REGISTERED) != 0) {
            Epoll.ctl(cs, epfd, Epoll.EPOLL_CTL_DEL, handle, 0, 0, ctlScratch);
        }
        fds.forget(handle);
        return handle;
    }

    @Override
    public int adopt(Object detached) {
        int fd = (Integer) detached;
        fds.adopt(fd);
        return fd;
    }

    // ---- asynchronous operations ----

    @Override
    public int accept(int handle, Completion completion) {
        if (!fds.isOpen(handle)) {
            return -Errno.EBADF;
        }
        return readSide(handle, ACCEPT, null, 0, null, completion);
    }

    @Override
    public int connect(int handle, InetSocketAddress address, Completion completion) {
        if (!fds.isOpen(handle)) {
            return -Errno.EBADF;
        }
        requireIdle(completion);
        int r = syscalls.connect(handle, address);
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
        if (!fds.isOpen(handle)) {
            return -Errno.EBADF;
        }
        java.util.Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        return readSide(handle, READ, buffer, span(offset, length), null, completion);
    }

    @Override
    public int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        if (!fds.isOpen(handle)) {
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
        if (!fds.isOpen(handle)) {
            return -Errno.EBADF;
        }
        java.util.Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        return writeSide(handle, WRITE, buffer, span(offset, length), null, completion);
    }

    @Override
    public int readv(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, true);
        if (!fds.isOpen(handle)) {
            return -Errno.EBADF;
        }
        return total == 0 ? 0 : readSide(handle, READV, null, 0, buffers, completion);
    }

    @Override
    public int writev(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, false);
        if (!fds.isOpen(handle)) {
            return -Errno.EBADF;
        }
        return total == 0 ? 0 : writeSide(handle, WRITEV, null, 0, buffers, completion);
    }

    @Override
    public int sendTo(int handle, MemorySegment buffer, InetSocketAddress target, Completion completion) {
        if (!fds.isOpen(handle)) {
            return -Errno.EBADF;
        }
        return writeSide(handle, SEND_TO, buffer, span(0, (int) buffer.byteSize()), target, completion);
    }

    @Override
    public int pollReady(int fd, int events, Completion completion) {
        if (completion.isPending()) {
            throw new IllegalStateException("completion already has an operation pending");
        }
        return fds.isOpen(fd) ? -Errno.EINVAL : foreign.start(fd, events, completion);
    }

    private int readSide(int fd, int kind, MemorySegment buffer, long span, Object extra, Completion completion) {
        requireIdle(completion);
        if (fds.readOp[fd] != NO_OP) {
            return -Errno.EBUSY;
        }
        if ((fds.state[fd] & READABLE) != 0) {
            int r = syscalls.attempt(fd, kind, buffer, span, extra);
            if (r != -Errno.EAGAIN) {
                return r;
            }
        }
        return pend(fd, kind, buffer, span, extra, completion, true);
    }

    private int writeSide(int fd, int kind, MemorySegment buffer, long span, Object extra, Completion completion) {
        requireIdle(completion);
        if (fds.writeOp[fd] != NO_OP) {
            return -Errno.EBUSY;
        }
        if ((fds.state[fd] & WRITABLE) != 0) {
            int r = syscalls.attempt(fd, kind, buffer, span, extra);
            if (r != -Errno.EAGAIN) {
                return r;
            }
        }
        return pend(fd, kind, buffer, span, extra, completion, false);
    }

    private static void requireIdle(Completion completion) {
        if (completion.isPending()) {
            throw new IllegalStateException("completion already has an operation pending");
        }
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

    @Override
    public boolean cancel(Completion completion) {
        long token = completion.token();
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
        if (ops.kind(token) == EpollOps.POLL) {
            foreign.end(token, -Errno.ECANCELED);
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
            if (data == EpollWaker.DATA) {
                waker.drain();
                continue;
            }
            if (data < 0) {
                completed += foreign.onEvent(data, ev);
                continue;
            }
            completed += dispatch((int) data, (int) (data >>> 32), ev);
        }
        return completed;
    }

    private int dispatch(int fd, int gen, int ev) {
        if (!fds.isOpen(fd) || fds.generation[fd] != gen) {
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
        if ((ev & (Epoll.EPOLLOUT | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0
                && fds.isOpen(fd) && fds.generation[fd] == gen) {
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
            r = syscalls.attempt(fd, ops.kind(token), ops.buffer(token), ops.arg(token), ops.attachment(token));
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
        waker.wakeup();
    }

    @Override
    public long wakeupCount() {
        return waker.count();
    }

    @Override
    public int openHandles() {
        return fds.open();
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
        waker.close();
        Libc.close(cs, epfd);
        arena.close();
    }
}
