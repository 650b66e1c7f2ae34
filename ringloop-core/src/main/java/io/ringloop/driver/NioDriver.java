package io.ringloop.driver;

import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The portable backend: the JDK's {@link Selector} (epoll on Linux, kqueue on macOS, wepoll on Windows) over
 * non-blocking {@code SocketChannel}, {@code ServerSocketChannel} and {@code DatagramChannel}.
 *
 * <p><b>Handles</b> are small integers: indexes into {@link #channels}; a closed number is
 * reused first (most recently freed first). Each socket
 * gets a fresh {@link NioChannel}, attached to its selection key, so an event for a closed socket reaches only
 * the closed object and is dropped even when its number was handed out again.
 *
 * <p><b>Readiness.</b> Like the epoll driver: an operation first tries the channel call (unless the readiness
 * cache says it would block), and only when that would block does it take an {@link OpTable} slot, add its
 * interest bit and return {@link #PENDING}; {@link #poll} retries it when the selector reports the direction
 * ready. One read-side op (read, accept, receiveFrom) and one write-side op (write, connect, sendTo) may be
 * pending per handle; another gets {@code -EBUSY}.
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
 */
public final class NioDriver implements Driver {
    private static final int ACCEPT = NioOps.ACCEPT;
    private static final int CONNECT = NioOps.CONNECT;
    private static final int READ = NioOps.READ;
    private static final int WRITE = NioOps.WRITE;
    private static final int RECV_FROM = NioOps.RECV_FROM;
    private static final int SEND_TO = NioOps.SEND_TO;
    private static final int AGAIN = NioOps.AGAIN;
    private static final int READ_OPS = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
    private static final int WRITE_OPS = SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;

    private final Selector selector;
    private final OpTable ops = new OpTable(64);
    /** Captured once: the ready-key callback of every select. */
    private final Consumer<SelectionKey> onReady = this::dispatch;
    /** Set while a {@link Selector#wakeup()} is outstanding, so racing wakers make one. */
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicLong wakeups = new AtomicLong();

    private NioChannel[] channels = new NioChannel[64];
    /** Freed handle numbers, a stack; {@link #highHandle} is the next never-used number. */
    private int[] freeHandles = new int[64];
    private int freeCount;
    private int highHandle;
    private int open;
    private int completedInPoll;
    private boolean closed;

    public NioDriver() throws IOException {
        selector = Selector.open();
    }

    @Override
    public String name() {
        return "nio";
    }

    // ---- sockets ----

    @Override
    public int socket(int family, int type) {
        ProtocolFamily pf = switch (family) {
            case AF_INET -> StandardProtocolFamily.INET;
            case AF_INET6 -> StandardProtocolFamily.INET6;
            default -> null;
        };
        if (pf == null) {
            return -Errno.EAFNOSUPPORT;
        }
        if (closed) {
            return -Errno.EBADF;
        }
        if (type == SOCK_STREAM) {
            return allocate(new NioChannel(nextHandle(), pf, NioChannel.UNBOUND_STREAM));
        }
        if (type != SOCK_DGRAM) {
            return -Errno.EINVAL;
        }
        DatagramChannel dc = null;
        try {
            dc = DatagramChannel.open(pf);
            NioChannel ch = new NioChannel(nextHandle(), pf, NioChannel.DATAGRAM);
            attach(ch, dc);
            return allocate(ch);
        } catch (IOException | RuntimeException e) {
            closeQuietly(dc);
            return NioErrors.result(e);
        }
    }

    @Override
    public int bind(int handle, InetSocketAddress address) {
        NioChannel ch = lookup(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        if (address.isUnresolved()) {
            return -Errno.EINVAL;
        }
        if (ch.kind == NioChannel.DATAGRAM) {
            try {
                ((DatagramChannel) ch.channel).bind(address);
                return 0;
            } catch (IOException | RuntimeException e) {
                return NioErrors.result(e);
            }
        }
        if (ch.kind != NioChannel.UNBOUND_STREAM || ch.bindAddress != null) {
            return -Errno.EINVAL; // bound already, as Linux answers a second bind
        }
        if (ch.family == StandardProtocolFamily.INET && !SockAddr.isV4(address)) {
            return -Errno.EAFNOSUPPORT;
        }
        ch.bindAddress = address;
        return 0;
    }

    @Override
    public int listen(int handle, int backlog) {
        NioChannel ch = lookup(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        switch (ch.kind) {
            case NioChannel.LISTENER -> {
                return 0; // listening already; the JDK cannot change the backlog afterwards
            }
            case NioChannel.UNBOUND_STREAM -> {
            }
            case NioChannel.DATAGRAM -> {
                return -Errno.EOPNOTSUPP;
            }
            default -> {
                return -Errno.EINVAL;
            }
        }
        ServerSocketChannel ssc = null;
        try {
            ssc = ServerSocketChannel.open(ch.family);
            ch.options.applyTo(ssc, true);
            ssc.bind(ch.bindAddress, backlog);
            ch.kind = NioChannel.LISTENER;
            attach(ch, ssc);
            return 0;
        } catch (IOException | RuntimeException e) {
            ch.kind = NioChannel.UNBOUND_STREAM;
            closeQuietly(ssc);
            return NioErrors.result(e);
        }
    }

    @Override
    public int setOption(int handle, SocketOpt option, int value) {
        NioChannel ch = lookup(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        if (ch.channel == null) {
            ch.options.record(option, value);
            return 0;
        }
        NetworkChannel nc = (NetworkChannel) ch.channel;
        if (ch.kind == NioChannel.LISTENER && !NioOptions.supports(nc, option)) {
            ch.options.record(option, value); // for the accepted connections
            return 0;
        }
        try {
            NioOptions.set(nc, option, value);
            return 0;
        } catch (IOException | RuntimeException e) {
            return NioErrors.result(e);
        }
    }

    @Override
    public int getOption(int handle, SocketOpt option) {
        NioChannel ch = lookup(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        if (ch.options.isRecorded(option)) {
            int v = ch.options.recorded(option);
            return NioOptions.standard(option).type() == Boolean.class ? (v != 0 ? 1 : 0) : v;
        }
        try {
            if (ch.channel != null) {
                return NioOptions.get((NetworkChannel) ch.channel, option);
            }
            try (SocketChannel probe = SocketChannel.open(ch.family)) {
                return NioOptions.get(probe, option); // a fresh socket's default
            }
        } catch (IOException | RuntimeException e) {
            return NioErrors.result(e);
        }
    }

    @Override
    public InetSocketAddress localAddress(int handle) throws IOException {
        NioChannel ch = lookup(handle);
        if (ch == null) {
            throw Errno.exception("getsockname(handle=" + handle + ")", Errno.EBADF);
        }
        if (ch.channel == null) {
            return ch.bindAddress != null ? ch.bindAddress : wildcard(ch);
        }
        try {
            InetSocketAddress a = (InetSocketAddress) ((NetworkChannel) ch.channel).getLocalAddress();
            return a != null ? a : wildcard(ch);
        } catch (IOException | RuntimeException e) {
            throw Errno.exception("getsockname(handle=" + handle + ")", NioErrors.errno(e));
        }
    }

    private static InetSocketAddress wildcard(NioChannel ch) throws IOException {
        byte[] any = new byte[ch.family == StandardProtocolFamily.INET ? 4 : 16];
        return new InetSocketAddress(InetAddress.getByAddress(any), 0);
    }

    @Override
    public InetSocketAddress peerAddress(int handle) throws IOException {
        NioChannel ch = lookup(handle);
        int errno = Errno.ENOTCONN;
        if (ch == null) {
            errno = Errno.EBADF;
        } else {
            try {
                InetSocketAddress a = switch (ch.channel) {
                    case SocketChannel sc when sc.isConnected() -> (InetSocketAddress) sc.getRemoteAddress();
                    case DatagramChannel dc -> (InetSocketAddress) dc.getRemoteAddress();
                    case null, default -> null;
                };
                if (a != null) {
                    return a;
                }
            } catch (IOException | RuntimeException e) {
                errno = NioErrors.errno(e);
            }
        }
        throw Errno.exception("getpeername(handle=" + handle + ")", errno);
    }

    @Override
    public int shutdown(int handle, int how) {
        NioChannel ch = lookup(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        if (!(ch.channel instanceof SocketChannel sc) || how < SHUT_RD || how > SHUT_RDWR) {
            return ch.channel instanceof SocketChannel ? -Errno.EINVAL : -Errno.ENOTCONN;
        }
        try {
            if (how != SHUT_WR) {
                sc.shutdownInput();
            }
            if (how != SHUT_RD) {
                sc.shutdownOutput();
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return NioErrors.result(e);
        }
    }

    @Override
    public int close(int handle) {
        NioChannel ch = lookup(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        channels[handle] = null;
        freeHandles = push(freeHandles, freeCount++, handle);
        open--;
        ch.closed = true;
        long pendingRead = ch.readToken;
        long pendingWrite = ch.writeToken;
        ch.readToken = NioChannel.NO_OP;
        ch.writeToken = NioChannel.NO_OP;
        ch.readView.clear();
        ch.writeView.clear();
        int r = 0;
        if (ch.channel != null) {
            try {
                ch.channel.close(); // cancels the key; the JDK frees the fd at the next select
            } catch (IOException e) {
                r = NioErrors.result(e);
            }
        }
        // Completions run after the handle is gone, so one that submits again gets EBADF.
        cancelOp(pendingRead);
        cancelOp(pendingWrite);
        return r;
    }

    // ---- asynchronous operations ----

    @Override
    public int accept(int handle, Completion completion) {
        NioChannel ch = lookup(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        return ch.kind == NioChannel.LISTENER ? readSide(ch, ACCEPT, null, completion) : -Errno.EINVAL;
    }

    @Override
    public int connect(int handle, InetSocketAddress address, Completion completion) {
        NioChannel ch = lookup(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        if (ch.writeToken != NioChannel.NO_OP) {
            return -Errno.EALREADY;
        }
        try {
            switch (ch.kind) {
                case NioChannel.DATAGRAM -> {
                    ((DatagramChannel) ch.channel).connect(address);
                    return 0;
                }
                case NioChannel.UNBOUND_STREAM -> openStream(ch);
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
        ch.writeReady = false;
        return pend(ch, CONNECT, null, completion);
    }

    private void openStream(NioChannel ch) throws IOException {
        SocketChannel sc = SocketChannel.open(ch.family);
        try {
            ch.options.applyTo(sc, false);
            if (ch.bindAddress != null) {
                sc.bind(ch.bindAddress);
            }
            ch.kind = NioChannel.STREAM;
            attach(ch, sc);
        } catch (IOException | RuntimeException e) {
            ch.kind = NioChannel.UNBOUND_STREAM;
            closeQuietly(sc);
            throw e;
        }
    }

    @Override
    public int read(int handle, MemorySegment buffer, Completion completion) {
        NioChannel ch = lookup(handle);
        return ch == null ? -Errno.EBADF : readSide(ch, READ, buffer, completion);
    }

    @Override
    public int write(int handle, MemorySegment buffer, Completion completion) {
        NioChannel ch = lookup(handle);
        return ch == null ? -Errno.EBADF : writeSide(ch, WRITE, buffer, completion);
    }

    @Override
    public int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        NioChannel ch = lookup(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        if (ch.readToken != NioChannel.NO_OP) {
            return -Errno.EBUSY;
        }
        ch.senderAddress = senderAddress;
        return readSide(ch, RECV_FROM, buffer, completion);
    }

    @Override
    public int sendTo(int handle, MemorySegment buffer, InetSocketAddress target, Completion completion) {
        NioChannel ch = lookup(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        if (ch.writeToken != NioChannel.NO_OP) {
            return -Errno.EBUSY;
        }
        ch.sendTarget = target;
        return writeSide(ch, SEND_TO, buffer, completion);
    }

    private int readSide(NioChannel ch, int kind, MemorySegment buffer, Completion completion) {
        if (ch.readToken != NioChannel.NO_OP) {
            return -Errno.EBUSY;
        }
        if (ch.readReady) {
            int r = NioOps.attempt(this, ch, kind, buffer);
            if (r != AGAIN) {
                return r;
            }
        }
        return pend(ch, kind, buffer, completion);
    }

    private int writeSide(NioChannel ch, int kind, MemorySegment buffer, Completion completion) {
        if (ch.writeToken != NioChannel.NO_OP) {
            return -Errno.EBUSY;
        }
        if (ch.writeReady) {
            int r = NioOps.attempt(this, ch, kind, buffer);
            if (r != AGAIN) {
                return r;
            }
        }
        return pend(ch, kind, buffer, completion);
    }

    private int pend(NioChannel ch, int kind, MemorySegment buffer, Completion completion) {
        if (completion.isPending()) {
            throw new IllegalStateException("completion already has an operation pending");
        }
        if (ch.key == null) {
            return -Errno.ENOTCONN; // an unconnected stream has nothing to wait for
        }
        long token = ops.claim(completion, ch.handle, kind, buffer);
        boolean readSide = kind == READ || kind == ACCEPT || kind == RECV_FROM;
        if (readSide) {
            ch.readToken = token;
            setInterest(ch, ch.interestOps | ch.readInterest());
        } else {
            ch.writeToken = token;
            setInterest(ch, ch.interestOps | (kind == CONNECT ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE));
        }
        return PENDING;
    }

    private static void setInterest(NioChannel ch, int interest) {
        if (interest != ch.interestOps && ch.key.isValid()) {
            ch.key.interestOps(interest);
            ch.interestOps = interest;
        }
    }

    @Override
    public boolean cancel(Completion completion) {
        long token = completion.token;
        if (!ops.isLive(token) || ops.lookup(token) != completion) {
            return false;
        }
        NioChannel ch = channels[ops.handle(token)];
        if (ch != null && ch.writeToken == token) {
            ch.writeToken = NioChannel.NO_OP;
            setInterest(ch, ch.interestOps & ~WRITE_OPS);
        } else if (ch != null && ch.readToken == token) {
            ch.readToken = NioChannel.NO_OP; // read interest is dropped lazily, see the class comment
        }
        cancelOp(token);
        return true;
    }

    /**
     * Ends a pending op with -ECANCELED. An attempt and its completion happen together inside {@link #poll},
     * so a pending op has consumed nothing yet: the data stays in the socket for the next read.
     */
    private void cancelOp(long token) {
        if (token == NioChannel.NO_OP) {
            return;
        }
        Completion c = ops.release(token);
        if (c != null) {
            c.complete(-Errno.ECANCELED);
        }
    }

    // ---- the loop's side ----

    @Override
    public int poll(long timeoutNs) {
        if (closed) {
            throw new IllegalStateException("nio driver is closed");
        }
        completedInPoll = 0;
        try {
            if (timeoutNs == 0) {
                selector.selectNow(onReady);
            } else if (timeoutNs < 0) {
                selector.select(onReady);
            } else {
                // Round up: a sub-millisecond timeout must not become 0 ("no limit" to select) or spin.
                long timeoutMs = timeoutNs / 1_000_000 + (timeoutNs % 1_000_000 != 0 ? 1 : 0);
                selector.select(onReady, timeoutMs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("select", e);
        } finally {
            wakePending.set(false);
        }
        return completedInPoll;
    }

    /** Runs for each ready key inside select: retries the pending ops of the key's socket. */
    private void dispatch(SelectionKey key) {
        NioChannel ch = (NioChannel) key.attachment();
        if (ch.closed || !key.isValid()) {
            return; // stale: the socket was closed after the event was queued
        }
        int ready = key.readyOps();
        if ((ready & READ_OPS) != 0) {
            ch.readReady = true;
            if (ch.readToken != NioChannel.NO_OP) {
                retry(ch, ch.readToken);
            } else {
                setInterest(ch, ch.interestOps & ~READ_OPS); // nobody reads: stop the level-triggered reports
            }
        }
        if ((ready & WRITE_OPS) != 0 && !ch.closed) {
            ch.writeReady = true;
            if (ch.writeToken != NioChannel.NO_OP) {
                retry(ch, ch.writeToken);
            }
            if (!ch.closed && ch.writeToken == NioChannel.NO_OP) {
                setInterest(ch, ch.interestOps & ~WRITE_OPS);
            }
        }
    }

    private void retry(NioChannel ch, long token) {
        int r = NioOps.attempt(this, ch, ops.kind(token), ops.buffer(token));
        if (r == AGAIN) {
            return;
        }
        if (ch.readToken == token) {
            ch.readToken = NioChannel.NO_OP;
        } else {
            ch.writeToken = NioChannel.NO_OP;
        }
        Completion c = ops.release(token);
        completedInPoll++;
        c.complete(r);
    }

    @Override
    public void wakeup() {
        if (!wakePending.getAndSet(true)) {
            wakeups.incrementAndGet();
            selector.wakeup();
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
        for (int h = 0; h < highHandle; h++) {
            if (channels[h] != null) {
                close(h);
            }
        }
        try {
            selector.close(); // deregisters every key, so the JDK frees the closed channels' fds now
        } catch (IOException ignore) {
            // Nothing to recover: the selector's own fds are released regardless.
        }
    }

    // ---- handles ----

    /** Adopts a connection accepted by a listener: a new handle, or -errno (the channel is then closed). */
    int adopt(NioChannel listener, SocketChannel sc) {
        try {
            listener.options.inheritTo(sc);
            NioChannel ch = new NioChannel(nextHandle(), listener.family, NioChannel.STREAM);
            attach(ch, sc);
            return allocate(ch);
        } catch (IOException | RuntimeException e) {
            closeQuietly(sc);
            return NioErrors.result(e);
        }
    }

    private void attach(NioChannel ch, SelectableChannel channel) throws IOException {
        channel.configureBlocking(false);
        ch.key = channel.register(selector, 0, ch);
        ch.channel = channel;
    }

    private NioChannel lookup(int handle) {
        return handle >= 0 && handle < highHandle ? channels[handle] : null;
    }

    /** The number the next {@link #allocate} will use. */
    private int nextHandle() {
        return freeCount > 0 ? freeHandles[freeCount - 1] : highHandle;
    }

    private int allocate(NioChannel ch) {
        int h = ch.handle;
        if (freeCount > 0 && freeHandles[freeCount - 1] == h) {
            freeCount--;
        } else {
            if (h == channels.length) {
                channels = Arrays.copyOf(channels, h * 2);
            }
            highHandle++;
        }
        channels[h] = ch;
        open++;
        return h;
    }

    private static int[] push(int[] stack, int at, int value) {
        int[] s = at == stack.length ? Arrays.copyOf(stack, at * 2) : stack;
        s[at] = value;
        return s;
    }

    private static void closeQuietly(SelectableChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignore) {
            // Already failing: the caller reports the first error.
        }
    }
}
