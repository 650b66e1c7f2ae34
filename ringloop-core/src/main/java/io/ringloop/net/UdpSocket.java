package io.ringloop.net;

import io.ringloop.driver.DatagramBatch;
import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.error.SyscallException;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.internal.Directions;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import io.ringloop.task.internal.IoWaiter;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
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
    final Loop loop;
    final Driver driver;
    final int handle;
    private final IoWaiter receiveWaiter;
    private final IoWaiter sendWaiter;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment sender = arena.allocate(SockAddr.MAX_SIZE, 8);
    /** One receiver and one sender (or connect) at a time. */
    private final Directions directions = Directions.ofDatagrams(this);
    private volatile boolean closed;
    /** {@link SockAddr#AF_INET} or {@link SockAddr#AF_INET6}, from the local address at first need; 0 before. */
    private volatile int family;
    /** Made at the first callback-style call, on the loop thread. */
    private UdpCallbacks callbacks;

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
        return bind(Loop.of(eventLoop), address, false);
    }

    private static UdpSocket bind(Loop loop, InetSocketAddress address, boolean reusePort) throws IOException {
        Objects.requireNonNull(address, "bind(udp): the address is null");
        String where = SockAddr.text(address);
        if (address.isUnresolved()) {
            throw new UnknownHostException("bind(udp " + where + "): unresolved address");
        }
        int family = SockAddr.family(address) == SockAddr.AF_INET6 ? Driver.AF_INET6 : Driver.AF_INET;
        int fd = LoopCall.check(loop, "socket(udp " + where + ")", d -> d.socket(family, Driver.SOCK_DGRAM));
        UdpSocket s = new UdpSocket(loop, fd);
        try {
            if (reusePort) {
                LoopCall.check(loop, "setsockopt(SO_REUSEPORT, fd=" + fd + ")",
                        d -> d.setOption(fd, SocketOpt.SO_REUSEPORT, 1));
            }
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
    void ensureOpen(String call) throws ClosedChannelException {
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

    // ---- SO_REUSEPORT: one port over several loops ----

    /**
     * Binds on {@code eventLoop} with SO_REUSEPORT set first, so other sockets that set it may bind the same port
     * (port 0: any free port, which others then join). The kernel spreads datagrams over those sockets by a hash of
     * the sender's address and port. Opt-in, as {@link TcpServer.Spread#REUSE_PORT} is: any socket of the same user
     * that sets SO_REUSEPORT, in any process, may join the port and get a share of its datagrams.
     */
    public static UdpSocket bindReusePort(EventLoop eventLoop, InetSocketAddress address) throws IOException {
        return bind(Loop.of(eventLoop), address, true);
    }

    /**
     * One socket per loop, all bound to one port with SO_REUSEPORT ({@link #bindReusePort(EventLoop,
     * InetSocketAddress)}); port 0 picks a free port for the first and the others join it. In the loops' order; all
     * closed again if one fails.
     */
    public static List<UdpSocket> bindReusePort(List<EventLoop> loops, InetSocketAddress address) throws IOException {
        List<UdpSocket> sockets = new ArrayList<>(loops.size());
        try {
            InetSocketAddress at = address;
            for (EventLoop l : loops) {
                UdpSocket s = bindReusePort(l, at);
                sockets.add(s);
                at = s.localAddress();
            }
        } catch (IOException | RuntimeException e) {
            for (UdpSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return sockets;
    }

    // ---- truncation and batches ----

    /**
     * Receives one datagram into {@code dst} (what fits of it) and says who sent it, how long it was and whether it
     * was truncated: {@link UdpReceived#truncated()} when it was longer than {@code dst}'s remaining space.
     *
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    public UdpReceived receiveDatagram(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("recvfrom(fd=" + handle + "): read-only buffer");
        }
        ensureOpen("recvfrom");
        MemorySegment seg = MemorySegment.ofBuffer(dst);
        int r = await(receiveWaiter, () -> driver.receiveDatagram(handle, seg, sender, receiveWaiter), "recvfrom",
                "");
        int received = (int) Math.min(r, seg.byteSize());
        dst.position(dst.position() + received);
        return new UdpReceived(SockAddr.decode(sender), r, received);
    }

    /**
     * Receives 1 to {@code batch.capacity()} datagrams into {@code batch} (waiting for the first only; as many as
     * are queued after it, in one system call on epoll and io_uring): returns how many, also
     * {@link UdpBatch#size()}. What the batch held before is replaced.
     */
    public int receive(UdpBatch batch) throws IOException {
        ensureOpen("recvmmsg");
        DatagramBatch b = batch.driverBatch();
        int n = await(receiveWaiter, () -> driver.receiveBatch(handle, b, b.capacity(), receiveWaiter), "recvmmsg",
                "");
        batch.receivedCount(n);
        return n;
    }

    /**
     * Sends every datagram of {@code batch} in order, as many per system call as the kernel takes, to each one's
     * target (null: the connected peer): returns how many ({@link UdpBatch#size()}). An error stops the batch with
     * an exception; the datagrams before the failing one have gone.
     */
    public int send(UdpBatch batch) throws IOException {
        ensureOpen("sendmmsg");
        batch.requireSendable("sendmmsg(fd=" + handle + ")");
        int size = batch.size();
        if (size == 0) {
            return 0;
        }
        DatagramBatch b = batch.driverBatch();
        b.encodeTargets(0, size, family());
        int from = 0;
        while (from < size) {
            int start = from;
            from += await(sendWaiter, () -> driver.sendBatch(handle, b, start, size - start, sendWaiter), "sendmmsg",
                    "");
        }
        return size;
    }

    // ---- buffers, TTL, multicast ----

    /**
     * Asks for a receive buffer of {@code bytes} (SO_RCVBUF; Linux doubles it for its bookkeeping and caps it at
     * {@code net.core.rmem_max}): how many datagrams can wait for a receive before the kernel drops new ones.
     */
    public void setReceiveBufferSize(int bytes) throws IOException {
        ensureOpen("setsockopt");
        UdpOptions.check(this, "setsockopt(SO_RCVBUF=" + bytes + ", fd=" + handle + ")",
                LoopCall.call(loop, d -> d.setOption(handle, SocketOpt.SO_RCVBUF, bytes)));
    }

    /** The receive buffer's size in bytes as the kernel reports it (SO_RCVBUF). */
    public int receiveBufferSize() throws IOException {
        ensureOpen("getsockopt");
        return UdpOptions.check(this, "getsockopt(SO_RCVBUF, fd=" + handle + ")",
                LoopCall.call(loop, d -> d.getOption(handle, SocketOpt.SO_RCVBUF)));
    }

    /**
     * Sets the unicast TTL (IPv4 IP_TTL) or hop limit (IPv6 IPV6_UNICAST_HOPS), 1 to 255. Not on NIO (no such
     * option in the JDK): a {@link SyscallException} with ENOPROTOOPT says so.
     */
    public void setTimeToLive(int ttl) throws IOException {
        UdpOptions.setIp(this, SocketOpt.IP_TTL, SocketOpt.IPV6_UNICAST_HOPS, ttl, false);
    }

    /** The unicast TTL or hop limit; see {@link #setTimeToLive}. */
    public int timeToLive() throws IOException {
        return UdpOptions.getIp(this, SocketOpt.IP_TTL, SocketOpt.IPV6_UNICAST_HOPS);
    }

    /** Sets the TTL (hop limit) of multicast datagrams sent, 0 to 255 (default 1: the local network only). */
    public void setMulticastTimeToLive(int ttl) throws IOException {
        UdpOptions.setIp(this, SocketOpt.IP_MULTICAST_TTL, SocketOpt.IPV6_MULTICAST_HOPS, ttl, true);
    }

    /** The TTL (hop limit) of multicast datagrams sent. */
    public int multicastTimeToLive() throws IOException {
        return UdpOptions.getIp(this, SocketOpt.IP_MULTICAST_TTL, SocketOpt.IPV6_MULTICAST_HOPS);
    }

    /** Whether multicast datagrams sent are also delivered to this host's members, this socket included. */
    public void setMulticastLoopback(boolean on) throws IOException {
        UdpOptions.setIp(this, SocketOpt.IP_MULTICAST_LOOP, SocketOpt.IPV6_MULTICAST_LOOP, on ? 1 : 0, true);
    }

    /** Whether multicast datagrams sent loop back to this host (IP_MULTICAST_LOOP, Linux's default: on). */
    public boolean multicastLoopback() throws IOException {
        return UdpOptions.getIp(this, SocketOpt.IP_MULTICAST_LOOP, SocketOpt.IPV6_MULTICAST_LOOP) != 0;
    }

    /** The interface multicast datagrams leave by (null: the system's choice, by its routes). */
    public void setMulticastInterface(NetworkInterface nif) throws IOException {
        int index = nif == null ? 0 : nif.getIndex();
        UdpOptions.setIp(this, SocketOpt.IP_MULTICAST_IF, SocketOpt.IPV6_MULTICAST_IF, index, true);
    }

    /**
     * Joins multicast {@code group} (IPv4, or IPv6 on an IPv6 socket) on {@code nif}, or on the interface the
     * system picks when null (not on NIO, whose {@code DatagramChannel.join} needs one: EINVAL). Joining twice on
     * one interface is EADDRINUSE.
     */
    public void joinGroup(InetAddress group, NetworkInterface nif) throws IOException {
        UdpOptions.membership(this, true, group, nif);
    }

    /** Leaves a group joined with {@link #joinGroup}; one not joined is EADDRNOTAVAIL. */
    public void leaveGroup(InetAddress group, NetworkInterface nif) throws IOException {
        UdpOptions.membership(this, false, group, nif);
    }

    /** The socket's address family, asked of its local address once. */
    int family() throws IOException {
        int f = family;
        if (f == 0) {
            f = SockAddr.isV4(localAddress()) ? SockAddr.AF_INET : SockAddr.AF_INET6;
            family = f;
        }
        return f;
    }

    // ---- callback style (loop thread only) ----

    /**
     * Receives one datagram into {@code buffer} and calls {@code callback} with its full length (more than
     * {@code buffer.byteSize()} when truncated); {@link #lastSender()} then says who sent it. Loop thread only;
     * one receive at a time.
     */
    public void receive(MemorySegment buffer, IoCallback callback) {
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("recvfrom(fd=" + handle + "): read-only buffer");
        }
        callbacks().receive(buffer, callback);
    }

    /** The sender of the last datagram a callback-style receive got (valid in its callback, until the next). */
    public InetSocketAddress lastSender() {
        return callbacks().lastSender();
    }

    /** Sends {@code buffer} as one datagram to {@code target} (null: the connected peer); the callback: its size. */
    public void send(MemorySegment buffer, InetSocketAddress target, IoCallback callback) {
        callbacks().send(buffer, target, callback);
    }

    /** Receives 1 or more datagrams into {@code batch}; the callback gets how many. Loop thread only. */
    public void receive(UdpBatch batch, IoCallback callback) {
        callbacks().receive(batch, callback);
    }

    /**
     * Sends every datagram of {@code batch} (not empty) in order; the callback gets their number when all have gone,
     * or the error that stopped them. Loop thread only.
     */
    public void send(UdpBatch batch, IoCallback callback) throws IOException {
        if (batch.size() == 0) {
            throw new IllegalArgumentException("sendmmsg(fd=" + handle + "): empty batch");
        }
        batch.requireSendable("sendmmsg(fd=" + handle + ")");
        UdpCallbacks c = callbacks();
        batch.driverBatch().encodeTargets(0, batch.size(), family());
        c.send(batch, callback);
    }

    /** Checks for the loop thread before the unsynchronised lazy field is touched. */
    private UdpCallbacks callbacks() {
        if (!loop.inLoopThread()) {
            throw new IllegalStateException("callback-style I/O runs on the loop thread; from a task use "
                    + "receive/send");
        }
        UdpCallbacks c = callbacks;
        if (c == null) {
            c = new UdpCallbacks(this, loop, handle, arena.allocate(SockAddr.MAX_SIZE, 8));
            callbacks = c;
        }
        return c;
    }

    @Override
    public String toString() {
        return "UdpSocket[fd=" + handle + (closed ? ", closed" : "") + ", " + loop.name() + "]";
    }
}
