package io.ringloop.unix;

import io.ringloop.driver.Driver;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.internal.Directions;
import io.ringloop.net.internal.StreamSockets;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.UnixSockAddr;
import io.ringloop.task.internal.IoWaiter;
import io.ringloop.unix.internal.SocketFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * A Unix domain datagram socket on one loop: reliable and ordered on one host (unlike UDP), message boundaries
 * kept, zero-byte datagrams included. Bound to a path or an abstract name ({@link #bind(UnixAddress)}), or unbound
 * ({@link #open()}: it can send, and a receiver sees it as {@link UnixAddress#unnamed()}, which cannot be answered).
 * A bound path's socket file is removed on {@link #close()} (if it is still the file bind made).
 *
 * <p>One receiver and one sender (or connect) at a time: a second one, from another task or thread, throws
 * {@link IllegalStateException} naming the call and the socket. After {@link #close()} every call throws a
 * {@link ClosedChannelException} naming it; a call waiting at the close wakes with a named
 * {@link java.nio.channels.AsynchronousCloseException}.
 *
 * <p><b>Backends.</b> io_uring and epoll. The JDK has no Unix-domain {@code DatagramChannel}, so on NIO the
 * constructors throw {@link UnsupportedOperationException} naming the backend.
 */
public final class UnixDatagram implements AutoCloseable {
    private static final StreamSockets.Access NET = StreamSockets.access();

    private final Loop loop;
    private final Driver driver;
    private final int handle;
    private final UnixAddress address;
    private final Object createdFile;
    private final IoWaiter receiveWaiter;
    private final IoWaiter sendWaiter;
    private final Arena arena = Arena.ofShared();
    /** The sender's sockaddr of the receive in progress: zero-filled before each, see UnixSockAddr. */
    private final MemorySegment sender = arena.allocate(SockAddr.MAX_SIZE, 8);
    /** One receiver and one sender (or connect) at a time. */
    private final Directions directions = Directions.ofDatagrams(this);
    private volatile boolean closed;

    private UnixDatagram(Loop loop, int handle, UnixAddress address, Object createdFile) {
        this.loop = loop;
        this.driver = loop.driver();
        this.handle = handle;
        this.address = address;
        this.createdFile = createdFile;
        this.receiveWaiter = new IoWaiter(loop);
        this.sendWaiter = new IoWaiter(loop);
    }

    /** An unbound socket on the caller's loop. */
    public static UnixDatagram open() throws IOException {
        return open(NET.requireLoop("open"), UnixAddress.unnamed());
    }

    /** A socket bound to {@code address} on the caller's loop. */
    public static UnixDatagram bind(UnixAddress address) throws IOException {
        return open(NET.requireLoop("bind"), address);
    }

    /** A socket bound to the path {@code path} on the caller's loop. */
    public static UnixDatagram bind(Path path) throws IOException {
        return bind(UnixAddress.of(path));
    }

    /**
     * A socket on {@code eventLoop}, bound to {@code address} unless it is {@link UnixAddress#unnamed()}.
     *
     * @throws UnsupportedOperationException on the NIO backend
     * @throws java.net.BindException when the address is taken
     */
    public static UnixDatagram open(EventLoop eventLoop, UnixAddress address) throws IOException {
        Loop loop = Loop.of(eventLoop);
        Unsupported.nio(loop, "UnixDatagram", "the JDK has no Unix-domain DatagramChannel");
        return NET.call(loop, d -> {
            int fd = d.socket(Driver.AF_UNIX, Driver.SOCK_DGRAM);
            if (fd < 0) {
                throw Errno.exception("socket(AF_UNIX, SOCK_DGRAM)", fd);
            }
            Object file = null;
            try {
                if (!address.isUnnamed()) {
                    int r = d.bind(fd, address.sockaddr());
                    if (r < 0) {
                        throw Errno.exception("bind(" + address + ")", r);
                    }
                    file = SocketFile.identity(address);
                }
            } catch (IOException | RuntimeException e) {
                d.close(fd);
                throw e;
            }
            return new UnixDatagram(loop, fd, address, file);
        });
    }

    /** The bound address; {@link UnixAddress#unnamed()} when unbound. */
    public UnixAddress address() {
        return address;
    }

    /** Fixes the peer: {@link #send(ByteBuffer)} goes there and only its datagrams are received. */
    public void connect(UnixAddress peer) throws IOException {
        ensureOpen("connect");
        await(false, () -> driver.connect(handle, peer.sockaddr(), sendWaiter), "connect", peer + ", ");
    }

    /**
     * Sends {@code src}'s remaining bytes (none is fine) as one datagram to {@code target}: the bytes sent. Waits
     * while the receiver's queue is full (a Unix datagram is never dropped).
     */
    public int send(ByteBuffer src, UnixAddress target) throws IOException {
        ensureOpen("sendto");
        MemorySegment seg = MemorySegment.ofBuffer(src);
        UnixSockAddr to = target == null ? null : target.sockaddr();
        int r = await(false, () -> driver.sendTo(handle, seg, to, sendWaiter), "sendto", target);
        src.position(src.position() + r);
        return r;
    }

    /** Sends to the connected peer. */
    public int send(ByteBuffer src) throws IOException {
        return send(src, null);
    }

    /**
     * Receives one datagram into {@code dst} (truncated to its remaining space) and returns its sender
     * ({@link UnixAddress#unnamed()} for an unbound one).
     *
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    public UnixAddress receive(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("recvfrom(fd=" + handle + "): read-only buffer");
        }
        ensureOpen("recvfrom");
        MemorySegment seg = MemorySegment.ofBuffer(dst);
        int r = await(true, () -> {
            sender.fill((byte) 0); // on the loop thread, before the kernel may write it
            return driver.receiveFrom(handle, seg, sender, receiveWaiter);
        }, "recvfrom", "");
        dst.position(dst.position() + (int) Math.min(r, seg.byteSize()));
        UnixSockAddr from = UnixSockAddr.decodeZeroFilled(sender);
        return from == null ? UnixAddress.unnamed() : UnixAddress.of(from);
    }

    /**
     * Runs {@code op} ({@code call}; {@code to}: its target for the message, made only on failure, so a send
     * allocates no text) and waits: one call per direction at a time ({@link Directions}).
     */
    private int await(boolean receive, IntSupplier op, String call, Object to) throws IOException {
        directions.enter(receive, call);
        int r;
        try {
            r = (receive ? receiveWaiter : sendWaiter).run(op, call, 0);
        } finally {
            directions.exit(receive);
        }
        if (r < 0) {
            if (closed && (r == -Errno.ECANCELED || r == -Errno.EBADF)) {
                throw Errno.asyncCloseException(call + "(" + this + "): socket closed while the call was waiting");
            }
            String target = to == null ? "connected peer, " : to instanceof String t ? t : to + ", ";
            throw Errno.exception(call + "(" + target + "fd=" + handle + ")", r);
        }
        return r;
    }

    /** Throws {@code <call>(UnixDatagram[...]): socket closed} once the socket is closed. */
    private void ensureOpen(String call) throws ClosedChannelException {
        if (closed) {
            throw Errno.closedException(call + "(" + this + "): socket closed");
        }
    }

    /** False once {@link #close()} has been called. */
    public boolean isOpen() {
        return !closed;
    }

    /** Closes the socket (a pending receive fails with AsynchronousCloseException) and removes its socket file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!loop.isTerminated()) {
                NET.call(loop, d -> d.close(handle));
            }
        } finally {
            // Pending receives completed inside close(handle): the kernel no longer writes the sender block.
            arena.close();
            SocketFile.removeIfSame(address, createdFile);
        }
    }

    @Override
    public String toString() {
        return "UnixDatagram[fd=" + handle + ", " + address + ", " + loop.name() + "]";
    }
}
