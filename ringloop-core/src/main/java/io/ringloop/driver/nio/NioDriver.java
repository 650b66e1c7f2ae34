package io.ringloop.driver.nio;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.Iovecs;
import io.ringloop.driver.OpTable;
import io.ringloop.driver.SocketOpt;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
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
 * <p><b>Readiness.</b> Like the epoll driver: an operation first tries the channel call (unless the readiness
 * cache says it would block), and only when that would block does it take an {@link OpTable} slot, add its
 * interest bit and return {@link #PENDING}; {@link #poll} retries it when the selector reports the direction
 * ready. One read-side op (read, readv, accept, receiveFrom) and one write-side op (write, writev, connect,
 * sendTo) may be pending per handle; another gets {@code -EBUSY}. Scatter/gather: {@link NioVectors}.
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
 * <p>This class keeps the operations' life cycle (try, pend with its interest bit, retry on readiness, complete or
 * cancel) and the handles. The pieces it uses: {@link NioOps} makes the one try of each kind of operation,
 * {@link NioSelector} drives the JDK selector (select, wake-ups, releasing closed channels' fds),
 * {@link NioSockets} makes the channels and does the synchronous socket calls, {@link NioHandles} numbers them.
 */
public final class NioDriver implements Driver {
    private static final int ACCEPT = NioOps.ACCEPT;
    private static final int CONNECT = NioOps.CONNECT;
    private static final int READ = NioOps.READ;
    private static final int WRITE = NioOps.WRITE;
    private static final int RECV_FROM = NioOps.RECV_FROM;
    private static final int SEND_TO = NioOps.SEND_TO;
    private static final int READV = NioOps.READV;
    private static final int WRITEV = NioOps.WRITEV;
    private static final int AGAIN = NioOps.AGAIN;
    private static final int READ_OPS = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
    private static final int WRITE_OPS = SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;

    private final NioSelector selector;
    private final OpTable ops = new OpTable(64);

    private final NioHandles handles = new NioHandles();
    private final NioSockets sockets;
    private int completedInPoll;
    private boolean closed;

    public NioDriver() throws IOException {
        selector = new NioSelector(this::dispatch); // captured once: the ready-key callback of every select
        sockets = new NioSockets(selector.jdkSelector());
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
    public int bind(int handle, InetSocketAddress address) {
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
        long pendingRead = ch.readToken;
        long pendingWrite = ch.writeToken;
        ch.readToken = NioChannel.NO_OP;
        ch.writeToken = NioChannel.NO_OP;
        ch.clearBuffers();
        int r = 0;
        if (ch.channel != null) {
            try {
                ch.channel.close(); // cancels the key; the JDK frees the fd at the next select
                if (ch.kind == NioChannel.LISTENER) {
                    // A listener's port must be free when close returns (a new bind or a refused connect
                    // depends on it), so flush the cancelled key now, or right after the select we are in.
                    selector.releaseClosedChannels();
                }
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
        NioChannel ch = handles.get(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        return ch.kind == NioChannel.LISTENER ? readSide(ch, ACCEPT, null, completion) : -Errno.EINVAL;
    }

    @Override
    public int connect(int handle, InetSocketAddress address, Completion completion) {
        NioChannel ch = handles.get(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        requireIdle(completion);
        if (ch.writeToken != NioChannel.NO_OP) {
            return -Errno.EALREADY;
        }
        try {
            switch (ch.kind) {
                case NioChannel.DATAGRAM -> {
                    ((DatagramChannel) ch.channel).connect(address);
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
        ch.writeReady = false;
        return pend(ch, CONNECT, null, completion);
    }

    @Override
    public int read(int handle, MemorySegment buffer, Completion completion) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : readSide(ch, READ, buffer, completion);
    }

    @Override
    public int write(int handle, MemorySegment buffer, Completion completion) {
        NioChannel ch = handles.get(handle);
        return ch == null ? -Errno.EBADF : writeSide(ch, WRITE, buffer, completion);
    }

    @Override
    public int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        NioChannel ch = handles.get(handle);
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
        NioChannel ch = handles.get(handle);
        if (ch == null) {
            return -Errno.EBADF;
        }
        if (ch.writeToken != NioChannel.NO_OP) {
            return -Errno.EBUSY;
        }
        ch.sendTarget = target;
        return writeSide(ch, SEND_TO, buffer, completion);
    }

    @Override
    public int readv(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, true);
        NioChannel ch = handles.get(handle);
        if (ch == null || ch.readToken != NioChannel.NO_OP) {
            return ch == null ? -Errno.EBADF : -Errno.EBUSY;
        }
        ch.readBuffers = buffers;
        return total == 0 ? 0 : readSide(ch, READV, null, completion);
    }

    @Override
    public int writev(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, false);
        NioChannel ch = handles.get(handle);
        if (ch == null || ch.writeToken != NioChannel.NO_OP) {
            return ch == null ? -Errno.EBADF : -Errno.EBUSY;
        }
        ch.writeBuffers = buffers;
        return total == 0 ? 0 : writeSide(ch, WRITEV, null, completion);
    }

    private int readSide(NioChannel ch, int kind, MemorySegment buffer, Completion completion) {
        requireIdle(completion);
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
        requireIdle(completion);
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

    private static void requireIdle(Completion completion) {
        if (completion.isPending()) {
            throw new IllegalStateException("completion already has an operation pending");
        }
    }

    private int pend(NioChannel ch, int kind, MemorySegment buffer, Completion completion) {
        if (ch.key == null) {
            return -Errno.ENOTCONN; // an unconnected stream has nothing to wait for
        }
        long token = ops.claim(completion, ch.handle, kind, buffer);
        boolean readSide = kind == READ || kind == READV || kind == ACCEPT || kind == RECV_FROM;
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
        long token = completion.token();
        if (!ops.isLive(token) || ops.lookup(token) != completion) {
            return false;
        }
        NioChannel ch = handles.get(ops.handle(token));
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
        selector.select(timeoutNs);
        return completedInPoll;
    }

    /** Runs for each ready key inside select: retries the pending ops of the key's socket. */
    private void dispatch(SelectionKey key) {
        NioChannel ch = (NioChannel) key.attachment();
        if (ch.closed || closed || !key.isValid()) {
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
        selector.close();
    }

    // ---- handles ----

    @Override
    public Object detach(int handle) {
        NioChannel ch = handles.get(handle);
        if (ch == null || ch.kind != NioChannel.STREAM || ch.readToken != NioChannel.NO_OP
                || ch.writeToken != NioChannel.NO_OP) {
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
    private record Detached(SocketChannel channel, java.net.ProtocolFamily family) {
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
}
