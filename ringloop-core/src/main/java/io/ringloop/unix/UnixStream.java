package io.ringloop.unix;

import io.ringloop.driver.Driver;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.ByteStream;
import io.ringloop.net.CallbackStream;
import io.ringloop.net.IoCallback;
import io.ringloop.net.TcpStream;
import io.ringloop.net.internal.StreamSockets;
import io.ringloop.sys.Errno;
import io.ringloop.task.internal.IoWaiter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A connected Unix domain stream socket on one loop, for its whole life. It is a {@link ByteStream}, so the
 * buffered reader and writer of {@code io.ringloop.io} and {@code TlsStream} work over it as over TCP.
 *
 * <p>Reading and writing behave exactly as {@link TcpStream}'s (they are its code: blocking style from a task,
 * callback style on the loop thread and {@code readAsync}/{@code writeAsync} stages, so it is a
 * {@link CallbackStream} and callback-style TLS runs over it; one reader and one writer at a time, -1 at end of
 * stream, interruption cancels without losing data). Beyond a byte stream, a Unix stream has:
 * <ul>
 *   <li>{@link #peerCredentials()}: the peer's pid, uid and gid as the kernel recorded them;</li>
 *   <li>descriptor passing ({@code SCM_RIGHTS}): {@link #writeWithFds} sends descriptors with bytes, and
 *       {@link #readWithFds} receives them. The descriptors travel with the first byte sent alongside them;
 *       a plain {@code read} of that byte makes the kernel discard (close) them, so a protocol that passes
 *       descriptors reads with {@code readWithFds} where they may come. With io_uring's opt-in
 *       {@code multishotReceive}, a plain heap read may arm a multishot receive, which carries no control data:
 *       a {@code readWithFds} while it holds or awaits bytes fails with EBUSY rather than lose descriptors or
 *       reorder bytes.</li>
 * </ul>
 *
 * <p><b>Backends.</b> io_uring and epoll do everything. NIO (the JDK's Unix-domain {@code SocketChannel}) has no
 * descriptor passing, no abstract namespace and no pid in its peer credentials: those calls throw
 * {@link UnsupportedOperationException} naming the backend.
 */
public final class UnixStream implements CallbackStream {
    /** Most descriptors one {@link #writeWithFds} sends or one {@link #readWithFds} receives. */
    public static final int MAX_FDS = 16;

    private static final StreamSockets.Access NET = StreamSockets.access();

    private final Loop loop;
    private final int handle;
    /** The byte stream: TCP's blocking core, callback style and scatter/gather, over this socket's handle. */
    private final TcpStream stream;
    private final IoWaiter fdReadWaiter;
    private final IoWaiter fdWriteWaiter;
    /** Made at the first descriptor passing (under this object's lock). */
    private FdPassing fdPassing;
    private final UnixAddress peer;
    /** An accepted stream's listener address, which names its (unnamed) peer in messages; null if connected. */
    private final UnixAddress acceptedOn;

    UnixStream(Loop loop, int handle, UnixAddress peer, UnixAddress acceptedOn) {
        this.loop = loop;
        this.handle = handle;
        this.stream = NET.stream(loop, handle, "UnixStream");
        this.fdReadWaiter = new IoWaiter(loop);
        this.fdWriteWaiter = new IoWaiter(loop);
        this.peer = peer;
        this.acceptedOn = acceptedOn;
    }

    /** Connects from the caller's loop. */
    public static UnixStream connect(UnixAddress address) throws IOException {
        return connect(NET.requireLoop("connect"), address);
    }

    /** Connects to the JDK's address (a path) from the caller's loop. */
    public static UnixStream connect(UnixDomainSocketAddress address) throws IOException {
        return connect(UnixAddress.of(address));
    }

    /** Connects to the socket file at {@code path} from the caller's loop. */
    public static UnixStream connect(Path path) throws IOException {
        return connect(UnixAddress.of(path));
    }

    /**
     * Connects on {@code eventLoop}; the stream lives there. A Unix connect completes at once or fails: ENOENT
     * (no such file), ECONNREFUSED (a file nobody listens on: a stale socket), EAGAIN (the listener's backlog
     * is full).
     *
     * @throws UnsupportedOperationException for an abstract address on the NIO backend
     */
    public static UnixStream connect(EventLoop eventLoop, UnixAddress address) throws IOException {
        Loop loop = Loop.of(eventLoop);
        String what = "connect(" + address + ")";
        Unsupported.abstractAddress(loop, address, what);
        int fd = NET.call(loop, d -> d.socket(Driver.AF_UNIX, Driver.SOCK_STREAM));
        if (fd < 0) {
            throw Errno.exception("socket(AF_UNIX, " + what + ")", fd);
        }
        IoWaiter w = new IoWaiter(loop);
        int r;
        try {
            r = w.run(() -> loop.driver().connect(fd, address.sockaddr(), w), what, 0);
        } catch (RuntimeException e) {
            NET.call(loop, d -> d.close(fd));
            throw e;
        }
        if (r < 0) {
            NET.call(loop, d -> d.close(fd));
            throw Errno.exception(what, r);
        }
        return new UnixStream(loop, fd, address, null);
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    /** The address this stream connected to; {@link UnixAddress#unnamed()} for an accepted stream. */
    public UnixAddress peerAddress() {
        return peer;
    }

    /**
     * The address this stream connected to ({@code /run/app.sock}, {@code @name}); for an accepted stream, whose
     * peer is unnamed, {@code a client of} the listener's address.
     */
    @Override
    public String peerDescription() {
        return acceptedOn == null ? peer.toString() : "a client of " + acceptedOn;
    }

    // ---- the byte stream: TcpStream's code ----

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return stream.read(b, off, len);
    }

    /** Reads into {@code dst}'s remaining space: the count, or -1 at end of stream. */
    public int read(ByteBuffer dst) throws IOException {
        return stream.read(dst);
    }

    @Override
    public int read(MemorySegment buffer, long offset, int length) throws IOException {
        return stream.read(buffer, offset, length);
    }

    /** Fills {@code dst}, or throws {@link java.io.EOFException} if the stream ends first. */
    public void readFully(ByteBuffer dst) throws IOException {
        stream.readFully(dst);
    }

    /** Writes some of {@code src}'s remaining bytes: the count written. */
    public int write(ByteBuffer src) throws IOException {
        return stream.write(src);
    }

    /** Writes all of {@code src}'s remaining bytes. */
    public void writeAll(ByteBuffer src) throws IOException {
        stream.writeAll(src);
    }

    @Override
    public void writeAll(byte[] b, int off, int len) throws IOException {
        stream.writeAll(b, off, len);
    }

    @Override
    public void writeAll(MemorySegment buffer, long offset, int length) throws IOException {
        stream.writeAll(buffer, offset, length);
    }

    @Override
    public void writeAll(MemorySegment... srcs) throws IOException {
        stream.writeAll(srcs);
    }

    /** Limits each blocking read, as {@link TcpStream#readTimeout(Duration)}. */
    public void readTimeout(Duration timeout) {
        stream.readTimeout(timeout);
    }

    /** Callback style, loop thread only: as {@link TcpStream#read(MemorySegment, long, int, IoCallback)}. */
    @Override
    public void read(MemorySegment buffer, long offset, int length, IoCallback callback) {
        stream.read(buffer, offset, length, callback);
    }

    /** Callback style, loop thread only: as {@link TcpStream#write(MemorySegment, long, int, IoCallback)}. */
    @Override
    public void write(MemorySegment buffer, long offset, int length, IoCallback callback) {
        stream.write(buffer, offset, length, callback);
    }

    /** A callback-style read as a stage, from any thread: as {@link TcpStream#readAsync(ByteBuffer)}. */
    @Override
    public CompletionStage<Integer> readAsync(ByteBuffer dst) {
        return stream.readAsync(dst);
    }

    /** A callback-style write as a stage, from any thread: as {@link TcpStream#writeAsync(ByteBuffer)}. */
    @Override
    public CompletionStage<Integer> writeAsync(ByteBuffer src) {
        return stream.writeAsync(src);
    }

    @Override
    public void shutdownOutput() throws IOException {
        stream.shutdownOutput();
    }

    /** Stops reading: later reads return -1. */
    public void shutdownInput() throws IOException {
        stream.shutdownInput();
    }

    // ---- what only a Unix stream has ----

    /**
     * The peer's credentials ({@code SO_PEERCRED}).
     *
     * @throws UnsupportedOperationException on the NIO backend (the JDK's {@code SO_PEERCRED} gives names, no pid)
     */
    public PeerCredentials peerCredentials() throws IOException {
        ensureOpen("getsockopt(SO_PEERCRED)");
        Unsupported.nio(loop, "peerCredentials", "the JDK's SO_PEERCRED option gives user and group names, no pid");
        return NET.call(loop, d -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ucred = arena.allocate(12, 4);
                int r = d.peerCredentials(handle, ucred);
                if (r < 0) {
                    throw Errno.exception("getsockopt(SO_PEERCRED, fd=" + handle + ")", r);
                }
                return new PeerCredentials(Integer.toUnsignedLong(ucred.get(ValueLayout.JAVA_INT, 0)),
                        Integer.toUnsignedLong(ucred.get(ValueLayout.JAVA_INT, 4)),
                        Integer.toUnsignedLong(ucred.get(ValueLayout.JAVA_INT, 8)));
            }
        });
    }

    /**
     * Writes all of {@code b[off, off+len)} with descriptors {@code fds} (1 to {@link #MAX_FDS}) attached to its
     * first byte ({@code sendmsg} with {@code SCM_RIGHTS}). The peer gets duplicates; this process keeps its own
     * and may close them once this returns.
     *
     * @throws IllegalArgumentException when {@code len} is 0 (a stream carries descriptors only with data) or
     *     {@code fds} is empty or has more than {@link #MAX_FDS}
     * @throws UnsupportedOperationException on the NIO backend
     */
    public void writeWithFds(byte[] b, int off, int len, int... fds) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0 || fds.length == 0 || fds.length > MAX_FDS) {
            throw new IllegalArgumentException("sendmsg(SCM_RIGHTS, fd=" + handle + "): " + len + " bytes and "
                    + fds.length + " descriptors (at least 1 byte, 1 to " + MAX_FDS + " descriptors)");
        }
        ensureOpen("sendmsg(SCM_RIGHTS)");
        Unsupported.nio(loop, "writeWithFds", "the JDK's channels cannot pass descriptors");
        FdPassing memory = fdMemory("sendmsg(SCM_RIGHTS)");
        int sent;
        NET.enter(stream, false, "sendmsg");
        try {
            int n = Math.min(len, FdPassing.STAGING_BYTES);
            int[] copy = fds.clone();
            MemorySegment msg = memory.prepareSend(b, off, n, copy);
            sent = fdWriteWaiter.run(() -> loop.driver().sendMessage(handle, msg, fdWriteWaiter), "sendmsg", 0);
        } finally {
            NET.exit(stream, false);
            memory.release();
        }
        if (sent < 0) {
            throw failure("sendmsg(SCM_RIGHTS)", sent);
        }
        if (sent < len) {
            stream.writeAll(b, off + sent, len - sent);
        }
    }

    /**
     * Reads into {@code b[off, off+len)} (at most 16 KiB per call) with any descriptors that came with those bytes
     * ({@code recvmsg}; received close-on-exec). The count is -1 at end of stream.
     *
     * @throws UnsupportedOperationException on the NIO backend
     */
    public FdMessage readWithFds(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen("recvmsg(SCM_RIGHTS)");
        Unsupported.nio(loop, "readWithFds", "the JDK's channels cannot pass descriptors");
        if (len == 0) {
            return new FdMessage(0, List.of(), false);
        }
        FdPassing memory = fdMemory("recvmsg(SCM_RIGHTS)");
        NET.enter(stream, true, "recvmsg");
        try {
            MemorySegment msg = memory.prepareReceive(Math.min(len, FdPassing.STAGING_BYTES));
            int r = fdReadWaiter.run(() -> loop.driver().receiveMessage(handle, msg, fdReadWaiter), "recvmsg", 0);
            if (r < 0) {
                throw failure("recvmsg(SCM_RIGHTS)", r);
            }
            memory.copyOut(r, b, off);
            int[] fds = new int[MAX_FDS];
            int n = memory.receivedFds(fds);
            List<PassedFd> passed = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                passed.add(new PassedFd(fds[i]));
            }
            return new FdMessage(r == 0 ? -1 : r, passed, memory.truncated());
        } finally {
            NET.exit(stream, true);
            memory.release();
        }
    }

    /** The descriptor-passing memory, acquired for one operation; made at first use. */
    private FdPassing fdMemory(String call) throws ClosedChannelException {
        FdPassing m;
        synchronized (this) {
            if (fdPassing == null) {
                fdPassing = new FdPassing();
            }
            m = fdPassing;
        }
        if (!m.acquire()) {
            throw Errno.closedException(call + "(" + this + "): stream closed");
        }
        return m;
    }

    private IOException failure(String call, int r) {
        if (!stream.isOpen() && (r == -Errno.ECANCELED || r == -Errno.EBADF)) {
            return Errno.asyncCloseException(call + "(" + this + "): stream closed while the call was waiting");
        }
        return Errno.exception(call + "(fd=" + handle + ")", r);
    }

    /** Throws {@code <call>(UnixStream[...]): stream closed} once the stream is closed. */
    private void ensureOpen(String call) throws ClosedChannelException {
        if (!stream.isOpen()) {
            throw Errno.closedException(call + "(" + this + "): stream closed");
        }
    }

    @Override
    public boolean isOpen() {
        return stream.isOpen();
    }

    /** Closes the connection; an operation pending in another task fails with AsynchronousCloseException. */
    @Override
    public void close() throws IOException {
        try {
            stream.close();
        } finally {
            FdPassing m;
            synchronized (this) {
                m = fdPassing;
            }
            if (m != null) {
                m.close();
            }
        }
    }

    @Override
    public String toString() {
        return "UnixStream[fd=" + handle + ", " + peer + (isOpen() ? "" : ", closed") + ", " + loop.name() + "]";
    }
}
