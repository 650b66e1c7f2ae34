package io.ringloop.driver.nio;

import io.ringloop.driver.Completion;
import io.ringloop.driver.DatagramBatch;
import io.ringloop.driver.Driver;
import io.ringloop.driver.DriverCounters;
import io.ringloop.driver.Iovecs;
import io.ringloop.driver.OpTable;
import io.ringloop.driver.ReadinessCore;
import io.ringloop.driver.SocketOpt;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import static io.ringloop.driver.ReadinessOp.ACCEPT;
import static io.ringloop.driver.ReadinessOp.CONNECT;
import static io.ringloop.driver.ReadinessOp.READ;
import static io.ringloop.driver.ReadinessOp.READV;
import static io.ringloop.driver.ReadinessOp.RECV_FROM;
import static io.ringloop.driver.ReadinessOp.RECV_MMSG;
import static io.ringloop.driver.ReadinessOp.RECV_TRUNC;
import static io.ringloop.driver.ReadinessOp.SEND_MMSG;
import static io.ringloop.driver.ReadinessOp.SEND_TO;
import static io.ringloop.driver.ReadinessOp.WRITE;
import static io.ringloop.driver.ReadinessOp.WRITEV;
import static io.ringloop.driver.nio.NioChannel.READ_OPS;
import static io.ringloop.driver.nio.NioChannel.WRITE_OPS;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.ProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * The portable backend: the JDK's {@link Selector} (epoll on Linux, kqueue on macOS, wepoll on Windows) over
 * non-blocking {@code SocketChannel}, {@code ServerSocketChannel} and {@code DatagramChannel}.
 *
 * <p><b>Handles</b> are small integers ({@link NioHandles}); a closed number is reused first. Each socket gets a
 * fresh {@link NioChannel}, attached to its selection key, so an event for a closed socket reaches only the closed
 * object and is dropped even when its number was handed out again.
 *
 * <p><b>Readiness.</b> The operations' life cycle is the shared {@link ReadinessCore}'s, as for the epoll driver:
 * an operation first tries the channel call (unless the readiness cache says it would block), and only when that
 * would block does it take an {@link OpTable} slot, add its interest bit and return {@link #PENDING};
 * {@link #poll} retries it when the selector reports the direction ready. One read-side op (read, readv, accept,
 * receiveFrom) and one write-side op (write, writev, connect, sendTo) may be pending per handle; another gets
 * {@code -EBUSY}. Scatter/gather: {@link NioVectors}. Datagram truncation, batches and multicast groups:
 * {@link NioDatagrams}.
 *
 * <p><b>Interest</b> changes cost an {@code epoll_ctl} at the next select, so they are made only when needed.
 * Read interest is dropped lazily, when the selector reports a socket readable that has no read pending: a
 * stream that is read continuously keeps it and never pays for the change. Write interest is dropped as soon as
 * its op is done, because a socket is nearly always writable and the level-triggered selector would otherwise
 * report it on every select.
 *
 * <p><b>Stream sockets</b> become a JDK channel only at {@code listen} (a {@code ServerSocketChannel}) or
 * {@code connect} (a {@code SocketChannel}); until then {@code bind} and {@code setOption} are recorded and
 * applied then. So a bind error such as {@code EADDRINUSE} is reported by {@code listen}/{@code connect}.
 *
 * <p>Results: JDK exceptions become {@code -errno} through {@link NioErrors}; end of stream is 0.
 *
 * <p>No native memory of its own: {@code ByteBuffer} views of the callers' segments ({@link NioBufferView}).
 * A closed channel's file descriptor is released by the JDK at the next select (or when the driver closes).
 *
 * <p>This class keeps the handles and turns ready keys into {@link ReadinessCore#onReady} calls and interest
 * changes. The pieces it uses: {@link NioOps} is the core's backend (the one try of each kind of operation and the
 * interest bits an operation that waits needs), {@link NioSelector} drives the JDK selector (select, wake-ups,
 * releasing closed channels' fds), {@link NioSockets} makes the channels and does the synchronous socket calls,
 * {@link NioHandles} numbers them.
 */
public final class NioDriver implements Driver {
    private final NioSelector selector;
    private final NioHandles handles = new NioHandles();
    /** The operations pending on this driver's handles, and their life cycle. */
    private final ReadinessCore core;
    /** Operations, selects and time asleep in them. */
    private final DriverCounters counters = new DriverCounters();
    private final NioSockets sockets;
    /** Completions run by the select in progress ({@link #poll}'s result). */
    private int completedInPoll;
    private boolean closed;

    public NioDriver() throws IOException {
        selector = new NioSelector(this::dispatch); // captured once: the ready-key callback of every select
        sockets = new NioSockets(selector.jdkSelector());
        core = new ReadinessCore(new NioOps(this, handles), 64, 64, counters);
    }

    @Override
    public String name() {
        return "nio";
    }

    // ---- sockets ----

    @Override
    public int socket(int family, int type) {
        ProtocolFamily pf = NioSockets.family(family);
        if (pf == null) {
            return -Errno.EAFNOSUPPORT;
        }
        if (type != SOCK_STREAM && type != SOCK_DGRAM) {
            return -Errno.EINVAL;
        }
        if (closed) {
            return -Errno.EBADF;
        }
        if (type == SOCK_DGRAM && family == AF_UNIX) {
            return -Errno.EOPNOTSUPP; // the JDK has no Unix-domain DatagramChannel
        }
        if (type == SOCK_STREAM) {
            return handles.add(new NioChannel(handles.next(), pf, NioChannel.UNBOUND_STREAM));
        }
        NioChannel ch = new NioChannel(handles.next(), pf, NioChannel.DATAGRAM);
        try {
            sockets.openDatagram(ch);
        } catch (IOException | RuntimeException e) {
            return NioErrors.result(e);
        }
        return handles.add(ch);
    }

    @Override
    public int bind(int handle, SocketAddress address) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : sockets.bind(ch, address);
    }

    @Override
    public int listen(int handle, int backlog) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : sockets.listen(ch, backlog);
    }

    @Override
    public int setOption(int handle, SocketOpt option, int value) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : sockets.setOption(ch, option, value);
    }

    @Override
    public int getOption(int handle, SocketOpt option) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : sockets.getOption(ch, option);
    }

    @Override
    public InetSocketAddress localAddress(int handle) throws IOException {
        NioChannel ch = handles.get(handle);
        if (ch == null) {
            throw Errno.exception("getsockname(handle=" + handle + ")", Errno.EBADF);
        }
        return sockets.localAddress(ch);
    }

    @Override
    public InetSocketAddress peerAddress(int handle) throws IOException {
        NioChannel ch = handles.get(handle);
        if (ch == null) {
            throw Errno.exception("getpeername(handle=" + handle + ")", Errno.EBADF);
        }
        return sockets.peerAddress(ch);
    }

    @Override
    public int shutdown(int handle, int how) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : sockets.shutdown(ch, how);
    }

    @Override
    public int close(int handle) {
        NioChannel ch = handles.get(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        handles.remove(handle);
        ch.closed = true;
        ch.clearBuffers();
        int r = 0;
        if (ch.channel != null) {
            try {
                ch.channel.close(); // cancels the key; the JDK frees the fd at the next select
                if (ch.kind == NioChannel.LISTENER || ch.kind == NioChannel.DATAGRAM) {
                    // A listener's or datagram socket's port must be free when close returns (a new bind, a
                    // refused connect, the port-unreachable answer to a datagram depend on it), so flush the
                    // cancelled key now, or right after the select we are in.
                    selector.releaseClosedChannels();
                }
            } catch (IOException e) {
                r = NioErrors.result(e);
            }
        }
        // Completions run after the handle is gone, so one that submits again gets EBADF.
        core.cancelAll(handle);
        return r;
    }

    // ---- asynchronous operations ----

    @Override
    public int accept(int handle, Completion completion) {
        NioChannel ch = handles.get(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        return ch.kind == NioChannel.LISTENER ? core.start(handle, ACCEPT, null, 0, null, completion) : -Errno.EINVAL;
    }

    @Override
    public int connect(int handle, SocketAddress address, Completion completion) {
        NioChannel ch = handles.get(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        ReadinessCore.requireIdle(completion);
        int r = connectNow(ch, handle, address);
        if (r != -Errno.EINPROGRESS) {
            return counters.immediate(DriverCounters.CONNECT, r);
        }
        ch.writeReady = false; // so the core waits for OP_CONNECT at once
        return core.start(handle, CONNECT, null, 0, null, completion);
    }

    /** Connects without waiting: the result, or {@code -EINPROGRESS} when the core must wait for OP_CONNECT. */
    private int connectNow(NioChannel ch, int handle, SocketAddress requested) {
        if (core.isPending(handle, false)) {
            return -Errno.EALREADY;
        }
        SocketAddress address = NioSockets.jdkAddress(requested);
        if (address == null) {
            return -Errno.EOPNOTSUPP; // an abstract Unix name: the JDK's channels have no abstract namespace
        }
        try {
            switch (ch.kind) {
                case NioChannel.DATAGRAM -> {
                    DatagramChannel dc = (DatagramChannel) ch.channel;
                    if (dc.isConnected()) {
                        dc.disconnect(); // Linux lets a datagram socket connect again; the JDK wants this first
                    }
                    dc.connect(address);
                    return 0;
                }
                case NioChannel.UNBOUND_STREAM -> sockets.openStream(ch);
                case NioChannel.STREAM -> {
                }
                default -> {
                    return -Errno.EINVAL;
                }
            }
            if (((SocketChannel) ch.channel).connect(address)) {
                return 0;
            }
        } catch (IOException | RuntimeException e) {
            return NioErrors.result(e);
        }
        return -Errno.EINPROGRESS;
    }

    @Override
    public int read(int handle, MemorySegment buffer, Completion completion) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : core.start(handle, READ, buffer, 0, null, completion);
    }

    @Override
    public int write(int handle, MemorySegment buffer, Completion completion) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : core.start(handle, WRITE, buffer, 0, null, completion);
    }

    @Override
    public int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : core.start(handle, RECV_FROM, buffer, 0, senderAddress, completion);
    }

    @Override
    public int sendTo(int handle, MemorySegment buffer, SocketAddress target, Completion completion) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : core.start(handle, SEND_TO, buffer, 0, target, completion);
    }

    @Override
    public int receiveDatagram(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : core.start(handle, RECV_TRUNC, buffer, 0, senderAddress, completion);
    }

    /** A loop of receives ({@code NioDatagrams}): the JDK has no recvmmsg. */
    @Override
    public int receiveBatch(int handle, DatagramBatch batch, int max, Completion completion) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : core.start(handle, RECV_MMSG, null, max, batch, completion);
    }

    /** A loop of sends ({@code NioDatagrams}): the JDK has no sendmmsg. */
    @Override
    public int sendBatch(int handle, DatagramBatch batch, int from, int count, Completion completion) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF
                : core.start(handle, SEND_MMSG, null, ((long) from << 32) | count, batch, completion);
    }

    @Override
    public int membership(int handle, boolean join, InetAddress group, int interfaceIndex) {
        NioChannel ch = handles.get(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        if (ch.kind != NioChannel.DATAGRAM) {
            return -Errno.EOPNOTSUPP;
        }
        try {
            return NioDatagrams.membership(ch, join, group, interfaceIndex);
        } catch (IOException | RuntimeException e) {
            return NioErrors.result(e);
        }
    }

    @Override
    public int readv(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, true);
        if (handles.get(handle) == null) {
            return -Errno.EBADF;
        }
        return total == 0 ? 0 : core.start(handle, READV, null, 0, buffers, completion);
    }

    @Override
    public int writev(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, false);
        if (handles.get(handle) == null) {
            return -Errno.EBADF;
        }
        return total == 0 ? 0 : core.start(handle, WRITEV, null, 0, buffers, completion);
    }

    @Override
    public boolean cancel(Completion completion) {
        return core.cancel(completion);
    }

    // ---- the loop's side ----

    @Override
    public int poll(long timeoutNs) {
        if (closed) {
            throw new IllegalStateException("nio driver is closed");
        }
        completedInPoll = 0;
        counters.kernelWait();
        if (timeoutNs != 0) {
            counters.sleeping(); // until the first ready key (dispatch) or the end of the select
        }
        selector.select(timeoutNs);
        counters.awake();
        return completedInPoll;
    }

    @Override
    public long waitCalls() {
        return counters.kernelWaits();
    }

    @Override
    public DriverCounters counters() {
        return counters;
    }

    /** Runs for each ready key inside select: retries the pending ops of the key's socket. */
    private void dispatch(SelectionKey key) {
        counters.awake(); // the ready keys run inside the select: the sleep ended at the first
        NioChannel ch = (NioChannel) key.attachment();
        if (ch.closed || closed || !key.isValid()) {
            return; // stale: the socket was closed after the event was queued
        }
        int h = ch.handle;
        int ready = key.readyOps();
        if ((ready & READ_OPS) != 0) {
            ch.readReady = true;
            if (core.isPending(h, true)) {
                int completed = core.onReady(h, true); // runs the completion: count it apart from the field
                completedInPoll += completed;
            } else {
                ch.interest(ch.interestOps & ~READ_OPS); // nobody reads: stop the level-triggered reports
            }
        }
        if ((ready & WRITE_OPS) != 0 && !ch.closed) {
            ch.writeReady = true;
            int completed = core.onReady(h, false);
            completedInPoll += completed;
            if (!ch.closed && !core.isPending(h, false)) {
                ch.interest(ch.interestOps & ~WRITE_OPS);
            }
        }
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public long wakeupCount() {
        return selector.wakeupCount();
    }

    @Override
    public int openHandles() {
        return handles.open();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int h = 0; h < handles.limit(); h++) {
            close(h); // EBADF for a number not in use
        }
        core.close(); // every pending op was on a handle, so nothing is left; kept as the one rule for both drivers
        selector.close();
    }

    // ---- handles ----

    @Override
    public Object detach(int handle) {
        NioChannel ch = handles.get(handle);
        if (ch == null || ch.kind != NioChannel.STREAM || !core.isIdle(handle)) {
            return null;
        }
        handles.remove(handle);
        ch.closed = true;
        ch.key.cancel(); // a channel may be registered with another selector while this key is cancelled
        return new Detached((SocketChannel) ch.channel, ch.family);
    }

    @Override
    public int adopt(Object detached) {
        Detached d = (Detached) detached;
        NioChannel ch = new NioChannel(handles.next(), d.family(), NioChannel.STREAM);
        try {
            sockets.attach(ch, d.channel());
        } catch (IOException | RuntimeException e) {
            NioSockets.closeQuietly(d.channel());
            return NioErrors.result(e);
        }
        return handles.add(ch);
    }

    /** A connected socket in transit between two NIO drivers. */
    private record Detached(SocketChannel channel, ProtocolFamily family) {
    }

    /** Adopts a connection accepted by a listener: a new handle, or -errno (the channel is then closed). */
    int adopt(NioChannel listener, SocketChannel sc) {
        NioChannel ch = new NioChannel(handles.next(), listener.family, NioChannel.STREAM);
        try {
            listener.options.inheritTo(sc);
            sockets.attach(ch, sc);
        } catch (IOException | RuntimeException e) {
            NioSockets.closeQuietly(sc);
            return NioErrors.result(e);
        }
        return handles.add(ch);
    }

    @Override
    public String toString() {
        return "NioDriver[" + handles.open() + " handles, " + core + "]";
    }
}
