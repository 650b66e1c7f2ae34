package io.ringloop.driver.epoll;

import io.ringloop.driver.Completion;
import io.ringloop.driver.DatagramBatch;
import io.ringloop.driver.Driver;
import io.ringloop.driver.DriverCounters;
import io.ringloop.driver.Iovecs;
import io.ringloop.driver.LinuxSockets;
import io.ringloop.driver.OpTable;
import io.ringloop.driver.ReadinessCore;
import io.ringloop.driver.ReadinessOp;
import io.ringloop.driver.SocketOpt;
import io.ringloop.sys.Epoll;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
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
import static io.ringloop.driver.epoll.EpollFdTable.OPEN;
import static io.ringloop.driver.epoll.EpollFdTable.PIPE;
import static io.ringloop.driver.epoll.EpollFdTable.READABLE;
import static io.ringloop.driver.epoll.EpollFdTable.REGISTERED;
import static io.ringloop.driver.epoll.EpollFdTable.WRITABLE;
import static io.ringloop.driver.epoll.EpollOps.span;

import io.ringloop.sys.Epoll;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

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
 * <p>The operations' life cycle (try, wait in an {@link OpTable} slot, retry on an edge, complete or cancel,
 * one pending read-side and one write-side op per fd) is the shared {@link ReadinessCore}'s; this class turns
 * edges into {@link ReadinessCore#onReady} calls. The pieces it uses: {@link EpollOps} is the core's backend (the
 * one try of each kind of operation, scatter/gather through {@link EpollVectors}, and the registration),
 * {@link EpollFdTable} holds the per-fd state and its bits, {@link EpollForeignWaits} the waits for fds the driver
 * does not own, {@link EpollWaker} is the eventfd behind {@link #wakeup()}, {@link LinuxSockets} the synchronous
 * socket calls.
 */
public final class EpollDriver implements Driver {
    private static final int MAX_EVENTS = 256;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment cs;
    private final MemorySegment events;
    private final MemorySegment ctlScratch;
    private final LinuxSockets sockets;
    private final EpollOps syscalls;
    /** The operations pending on this driver's fds, and their life cycle. */
    private final ReadinessCore core;
    private final int epfd;
    private final EpollWaker waker;
    /** Waits for fds this driver does not own ({@link #pollReady}). */
    private final EpollForeignWaits foreign;

    /** Per fd, indexed by fd number; grown on demand. */
    private final EpollFdTable fds = new EpollFdTable();
    /** Operations, epoll_wait calls ({@link #waitCalls}) and time asleep in them. */
    private final DriverCounters counters = new DriverCounters();
    private boolean closed;

    public EpollDriver() throws IOException {
        MemorySegment callState = Libc.allocateCallState(arena);
        cs = callState;
        events = arena.allocate(Epoll.EVENT_SIZE * MAX_EVENTS, 8);
        ctlScratch = arena.allocate(16, 8);
        sockets = new LinuxSockets(cs, arena.allocate(SockAddr.MAX_SIZE, 8));
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
        syscalls = new EpollOps(arena, cs, ep, ctlScratch, fds, sockets);
        core = new ReadinessCore(syscalls, 1024, 256, counters);
        foreign = new EpollForeignWaits(cs, ep, ctlScratch, counters);
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
    public int bind(int handle, SocketAddress address) {
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
        fds.forget(handle);
        // Completions run after the handle is marked closed, so one that submits again gets EBADF.
        core.cancelAll(handle);
        // Closing the last reference removes the fd from the epoll set; no EPOLL_CTL_DEL needed.
        return Libc.close(cs, handle);
    }

    @Override
    public Object detach(int handle) {
        if (!fds.isOpen(handle) || !core.isIdle(handle)) {
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
        return startOn(handle, ACCEPT, null, 0, null, completion);
    }

    @Override
    public int connect(int handle, SocketAddress address, Completion completion) {
        if (!fds.isOpen(handle)) {
            return -Errno.EBADF;
        }
        ReadinessCore.requireIdle(completion);
        int r = syscalls.connect(handle, address);
        if (r != -Errno.EINPROGRESS) {
            return counters.immediate(DriverCounters.CONNECT, r);
        }
        fds.state[handle] &= ~WRITABLE; // so the core waits for the edge at once
        return core.start(handle, CONNECT, null, 0, null, completion);
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
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        return core.start(handle, READ, buffer, span(offset, length), null, completion);
    }

    // ---- splice: the readiness core waits for the socket; the pipe is the caller's to keep ready ----

    @Override
    public boolean supportsSplice() {
        return true;
    }

    @Override
    public int pipe(int[] ends, int capacityBytes) {
        int r = syscalls.pipes.open(ends, capacityBytes);
        if (r >= 0) {
            for (int i = 0; i < 2; i++) {
                fds.adopt(ends[i]);
                fds.state[ends[i]] |= PIPE;
            }
        }
        return r;
    }

    @Override
    public int splice(int from, int to, int length, Completion completion) {
        if (length <= 0) {
            throw new IllegalArgumentException("splice: length " + length);
        }
        if (!fds.isOpen(from) || !fds.isOpen(to)) {
            return -Errno.EBADF;
        }
        boolean out = (fds.state[from] & PIPE) != 0;
        if (out == ((fds.state[to] & PIPE) != 0)) {
            return -Errno.EINVAL; // two pipes or two sockets: one side must be each
        }
        int socket = out ? to : from;
        long arg = ((long) (out ? from : to) << 32) | length;
        return core.start(socket, out ? SPLICE_OUT : SPLICE_IN, null, arg, null, completion);
    }

    @Override
    public int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        return startOn(handle, RECV_FROM, buffer, span(0, (int) buffer.byteSize()), senderAddress, completion);
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
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        return core.start(handle, WRITE, buffer, span(offset, length), null, completion);
    }

    @Override
    public int readv(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, true);
        if (!fds.isOpen(handle)) {
            return -Errno.EBADF;
        }
        return total == 0 ? 0 : core.start(handle, READV, null, 0, buffers, completion);
    }

    @Override
    public int writev(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, false);
        if (!fds.isOpen(handle)) {
            return -Errno.EBADF;
        }
        return total == 0 ? 0 : core.start(handle, WRITEV, null, 0, buffers, completion);
    }

    @Override
    public int sendTo(int handle, MemorySegment buffer, SocketAddress target, Completion completion) {
        return startOn(handle, SEND_TO, buffer, span(0, (int) buffer.byteSize()), target, completion);
    }

    @Override
    public int peerCredentials(int handle, MemorySegment ucred) {
        return fds.isOpen(handle) ? sockets.peerCredentials(handle, ucred) : -Errno.EBADF;
    }

    @Override
    public int sendMessage(int handle, MemorySegment msghdr, Completion completion) {
        return startOn(handle, ReadinessOp.SEND_MSG, msghdr, 0, null, completion);
    }

    @Override
    public int receiveMessage(int handle, MemorySegment msghdr, Completion completion) {
        return startOn(handle, ReadinessOp.RECV_MSG, msghdr, 0, null, completion);
    }

    @Override
    public int receiveDatagram(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        return startOn(handle, RECV_TRUNC, buffer, span(0, (int) buffer.byteSize()), senderAddress, completion);
    }

    /** {@code recvmmsg(2)}: tried at once, again on each readable edge. */
    @Override
    public int receiveBatch(int handle, DatagramBatch batch, int max, Completion completion) {
        return startOn(handle, RECV_MMSG, null, Math.max(1, Math.min(max, batch.capacity())), batch, completion);
    }

    /** {@code sendmmsg(2)}: tried at once, again on each writable edge. */
    @Override
    public int sendBatch(int handle, DatagramBatch batch, int from, int count, Completion completion) {
        return startOn(handle, SEND_MMSG, null, ((long) from << 32) | count, batch, completion);
    }

    @Override
    public int membership(int handle, boolean join, InetAddress group, int interfaceIndex) {
        return fds.isOpen(handle) ? sockets.membership(handle, join, group, interfaceIndex) : -Errno.EBADF;
    }

    /** {@code core.start} on an open handle; -EBADF on one that is not. */
    private int startOn(int handle, int kind, MemorySegment buffer, long span, Object extra, Completion completion) {
        return fds.isOpen(handle) ? core.start(handle, kind, buffer, span, extra, completion) : -Errno.EBADF;
    }

    @Override
    public int pollReady(int fd, int events, Completion completion) {
        ReadinessCore.requireIdle(completion);
        return fds.isOpen(fd) ? counters.immediate(DriverCounters.OTHER, -Errno.EINVAL)
                : foreign.start(fd, events, completion);
    }

    @Override
    public boolean cancel(Completion completion) {
        return core.cancel(completion) || foreign.cancel(completion);
    }

    // ---- the loop's side ----

    @Override
    public long waitCalls() {
        return counters.kernelWaits();
    }

    @Override
    public DriverCounters counters() {
        return counters;
    }

    @Override
    public int poll(long timeoutNs) {
        counters.kernelWait();
        int n;
        if (timeoutNs == 0) {
            n = Epoll.waitNow(cs, epfd, events, MAX_EVENTS);
        } else {
            // Round up: a sub-millisecond timeout must not become 0 and spin.
            int timeoutMs = timeoutNs < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (timeoutNs + 999_999) / 1_000_000);
            counters.sleeping();
            n = Epoll.wait(cs, epfd, events, MAX_EVENTS, timeoutMs);
            counters.awake();
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
            completed += core.onReady(fd, true);
        }
        if ((ev & (Epoll.EPOLLOUT | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0
                && fds.isOpen(fd) && fds.generation[fd] == gen) {
            fds.state[fd] |= WRITABLE;
            completed += core.onReady(fd, false);
        }
        return completed;
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
        core.close();
        foreign.close();
        for (int fd = 0; fd < fds.state.length; fd++) {
            if ((fds.state[fd] & OPEN) != 0) {
                close(fd);
            }
        }
        waker.close();
        Libc.close(cs, epfd);
        arena.close();
    }

    @Override
    public String toString() {
        return "EpollDriver[epfd=" + epfd + ", " + fds.open() + " fds, " + core + ", " + foreign + "]";
    }
}
