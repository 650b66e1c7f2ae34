package io.ringloop.net;

import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import io.ringloop.task.internal.IoWaiter;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * A UDP socket on one loop: send and receive datagrams with addresses, or connect to one peer. Blocking style
 * (from a task, or any thread). The socket owns a small native block for the sender's address, freed on close.
 *
 * <p>One receiver and one sender at a time: a receive (send) started while another is in progress, from another
 * task or thread, throws {@link IllegalStateException} naming the call and the socket, on every backend, and the
 * one in progress goes on. After {@link #close()} every call throws a {@link java.nio.channels.ClosedChannelException}
 * naming it; a receive waiting at the close wakes with an {@link java.nio.channels.AsynchronousCloseException}.
 */
public final class UdpSocket implements AutoCloseable {
    private final Loop loop;
    private final Driver driver;
    private final int handle;
    private final IoWaiter receiveWaiter;
    private final IoWaiter sendWaiter;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment sender = arena.allocate(SockAddr.MAX_SIZE, 8);
    /** One receiver and one sender (or connect) at a time. */
    private final Directions directions = Directions.ofDatagrams(this);
    private volatile boolean closed;

    private UdpSocket(Loop loop, int handle) {
        this.loop = loop;
        this.driver = loop.driver();
        this.handle = handle;
        this.receiveWaiter = new IoWaiter(loop);
        this.sendWaiter = new IoWaiter(loop);
    }

    /** Binds on the caller's loop (port 0: any free port). */
    public static UdpSocket bind(InetSocketAddress address) throws IOException {
        return bind(LoopCall.requireLoop("bind"), address);
    }

    /**
     * Binds on {@code eventLoop}. An unresolved address throws {@link UnknownHostException} naming the call on every
     * backend.
     */
    public static UdpSocket bind(EventLoop eventLoop, InetSocketAddress address) throws IOException {
        Loop loop = Loop.of(eventLoop);
        Objects.requireNonNull(address, "bind(udp): the address is null");
        String where = SockAddr.text(address);
        if (address.isUnresolved()) {
            throw new UnknownHostException("bind(udp " + where + "): unresolved address");
        }
        int family = SockAddr.family(address) == SockAddr.AF_INET6 ? Driver.AF_INET6 : Driver.AF_INET;
        int fd = LoopCall.check(loop, "socket(udp " + where + ")", d -> d.socket(family, Driver.SOCK_DGRAM));
        UdpSocket s = new UdpSocket(loop, fd);
        try {
            LoopCall.check(loop, "bind(udp " + where + ")", d -> d.bind(fd, address));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    public InetSocketAddress localAddress() throws IOException {
        ensureOpen("getsockname");
        return LoopCall.call(loop, d -> d.localAddress(handle));
    }

    /**
     * Fixes the peer: {@link #send(ByteBuffer)} goes there and only its datagrams are received. It counts as a
     * send: refused while another send is in progress. An unresolved peer throws {@link UnknownHostException},
     * port 0 {@link SocketException}, as {@code DatagramChannel} does.
     */
    public void connect(InetSocketAddress peer) throws IOException {
        ensureOpen("connect");
        String where = checkDestination("connect", peer);
        await(sendWaiter, () -> driver.connect(handle, peer, sendWaiter), "connect", "udp " + where + ", ");
    }

    public void setBroadcast(boolean on) throws IOException {
        ensureOpen("setsockopt");
        LoopCall.check(loop, "setsockopt(SO_BROADCAST, fd=" + handle + ")",
                d -> d.setOption(handle, SocketOpt.SO_BROADCAST, on ? 1 : 0));
    }

    public boolean broadcast() throws IOException {
        ensureOpen("getsockopt");
        return LoopCall.check(loop, "getsockopt(SO_BROADCAST, fd=" + handle + ")",
                d -> d.getOption(handle, SocketOpt.SO_BROADCAST)) != 0;
    }

    /**
     * Sends {@code src}'s remaining bytes as one datagram to {@code target} (null: the connected peer); returns the
     * bytes sent. An unresolved target throws {@link UnknownHostException}, port 0 {@link SocketException}, on
     * every backend, as {@code DatagramChannel} does.
     */
    public int send(ByteBuffer src, InetSocketAddress target) throws IOException {
        ensureOpen("sendto");
        String to = target == null ? "connected peer" : checkDestination("sendto", target);
        MemorySegment seg = MemorySegment.ofBuffer(src);
        int r = await(sendWaiter, () -> driver.sendTo(handle, seg, target, sendWaiter), "sendto", to + ", ");
        src.position(src.position() + r);
        return r;
    }

    /** Sends to the connected peer. */
    public int send(ByteBuffer src) throws IOException {
        return send(src, null);
    }

    /**
     * Receives one datagram into {@code dst} (truncated to its remaining space) and returns the sender.
     *
     * @throws IllegalArgumentException if {@code dst} is read-only (as {@code DatagramChannel.receive} does)
     */
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("recvfrom(fd=" + handle + "): read-only buffer");
        }
        ensureOpen("recvfrom");
        MemorySegment seg = MemorySegment.ofBuffer(dst);
        int r = await(receiveWaiter, () -> driver.receiveFrom(handle, seg, sender, receiveWaiter), "recvfrom", "");
        dst.position(dst.position() + Math.min(r, seg.byteSize() > Integer.MAX_VALUE ? r : (int) seg.byteSize()));
        return SockAddr.decode(sender);
    }

    /** The text of a destination that a datagram can go to, or the exception the JDK's channel would throw. */
    private static String checkDestination(String call, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(target, call + ": the address is null");
        String where = SockAddr.text(target);
        if (target.isUnresolved()) {
            throw new UnknownHostException(call + "(" + where + "): unresolved address");
        }
        if (target.getPort() == 0) {
            throw new SocketException(call + "(" + where + "): port 0 is not a destination");
        }
        return where;
    }

    /**
     * Runs {@code op} ({@code call}, its target {@code to} "host:port, " or "") and waits for its result; one call
     * per direction at a time ({@link Directions}: the receive waiter, or the send waiter for sendto and connect).
     */
    private int await(IoWaiter w, IntSupplier op, String call, String to) throws IOException {
        boolean receive = w == receiveWaiter;
        directions.enter(receive, call);
        int r;
        try {
            r = LoopContext.onCarrier(loop) ? w.finish(op.getAsInt(), call) : w.run(op, call, 0);
        } finally {
            directions.exit(receive);
        }
        if (r < 0) {
            if (closed && (r == -Errno.ECANCELED || r == -Errno.EBADF)) {
                throw Errno.asyncCloseException(call + "(" + this + "): socket closed while the call was waiting");
            }
            throw Errno.exception(call + "(" + to + "fd=" + handle + ")", r);
        }
        return r;
    }

    /** Throws {@code <call>(UdpSocket[fd=N, closed, loop]): socket closed} once the socket is closed. */
    private void ensureOpen(String call) throws ClosedChannelException {
        if (closed) {
            throw Errno.closedException(call + "(" + this + "): socket closed");
        }
    }

    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!loop.isTerminated()) {
                LoopCall.call(loop, d -> d.close(handle));
            }
        } finally {
            // Pending receives completed inside close(handle): the kernel no longer writes the sender block.
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "UdpSocket[fd=" + handle + (closed ? ", closed" : "") + ", " + loop.name() + "]";
    }
}
