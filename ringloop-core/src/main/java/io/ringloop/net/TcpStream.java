package io.ringloop.net;

import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.Timeouts;
import io.ringloop.net.internal.Directions;
import io.ringloop.sys.Errno;
import io.ringloop.task.internal.IoWaiter;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A TCP connection on one loop, for its whole life.
 *
 * <p><b>Blocking style</b> ({@link #read(ByteBuffer)}, {@link #writeAll(ByteBuffer)} ...): call from a task;
 * the task parks and the loop runs others. Called from another thread it still works (the operation is posted
 * to the loop and the thread parks). One reader and one writer at a time, like a socket's two directions: a
 * read (or write) started while another is in progress on the same stream, from another task or thread, in either
 * style, throws {@link IllegalStateException} naming the call and the stream, on every backend, and the one in
 * progress goes on unharmed. (Not serialised: two writers' bytes would interleave at arbitrary points anyway; a
 * protocol that shares a stream hands the direction over explicitly, e.g. with a {@code Mutex}.)
 *
 * <p><b>Callback style</b> ({@link #read(MemorySegment, long, int, IoCallback)} ...): on the loop thread
 * only; nothing is allocated per operation. {@link #readAsync}/{@link #writeAsync} give a
 * {@link CompletionStage} for convenience (one allocation per operation). Both are implemented in
 * {@code TcpCallbacks}; this class checks the thread and delegates.
 *
 * <p><b>Scatter/gather</b> ({@link #write(ByteBuffer...)}, {@link #read(ByteBuffer...)},
 * {@link #writeAll(MemorySegment...)} ...): several buffers in one system call or submission, in order, as
 * {@code GatheringByteChannel} and {@code ScatteringByteChannel} do; any number of buffers (one system call or
 * submission takes up to 64 of them, the driver's {@code MAX_IOVECS}).
 *
 * <p>A read returns -1 at end of stream, as in {@code java.nio}. Every failure names the call and the errno,
 * e.g. {@code connect(127.0.0.1:1): ECONNREFUSED (111) Connection refused}. After {@link #close()} (idempotent)
 * every call throws a {@link ClosedChannelException} that names it and the stream
 * ({@code read(TcpStream[fd=7, closed, ringloop-0]): stream closed}); a call that was waiting when another task or
 * thread closed the stream wakes with an {@link java.nio.channels.AsynchronousCloseException}
 * ({@code read(TcpStream[...]): stream closed while the call was waiting}).
 */
public final class TcpStream implements CallbackStream {
    final Loop loop;
    final Driver driver;
    final int handle;
    final IoWaiter readWaiter;
    final IoWaiter writeWaiter;
    /** The callback style's state, made at its first use (on the loop thread). */
    private TcpCallbacks callbacks;
    /** One reader and one writer at a time, in either style. */
    final Directions directions = Directions.ofStream(this);
    private volatile boolean closed;
    private final String kind;
    /** Blocking reads fail with SocketTimeoutException after this long; 0: no limit. */
    volatile long readTimeoutNs;
    /** A server's connection keeps its peer's address for a failure report, even past a close by its handler. */
    private volatile boolean rememberPeer;
    private volatile InetSocketAddress peer;
    /** While a {@link TcpServer} handler serves this stream: its limits and request state; else null. */
    private ServerConnection server;

    TcpStream(Loop loop, int handle) {
        this(loop, handle, "TcpStream");
    }

    /** {@code kind}: what messages call this stream (a Unix stream's core says {@code UnixStream}). */
    TcpStream(Loop loop, int handle, String kind) {
        this.kind = kind;
        this.loop = loop;
        this.driver = loop.driver();
        this.handle = handle;
        this.readWaiter = new IoWaiter(loop);
        this.writeWaiter = new IoWaiter(loop);
    }

    /** Connects from the caller's loop, without a time limit (the kernel's own applies). */
    public static TcpStream connect(InetSocketAddress address) throws IOException {
        return connect(address, null);
    }

    /**
     * Connects from the caller's loop; fails with {@link SocketTimeoutException} ({@code ETIMEDOUT}) after
     * {@code timeout}. Null or zero: no limit but the kernel's, as for {@link java.net.Socket#connect}; negative:
     * {@link IllegalArgumentException}; over about 146 years: that long.
     */
    public static TcpStream connect(InetSocketAddress address, Duration timeout) throws IOException {
        Objects.requireNonNull(address, "connect: the address is null");
        return connect(LoopCall.requireLoop("connect"), address, timeout);
    }

    /** Connects on {@code loop}; the stream lives there. */
    public static TcpStream connect(EventLoop eventLoop, InetSocketAddress address, Duration timeout)
            throws IOException {
        return TcpConnector.connectAddress(Loop.of(eventLoop), address, timeout);
    }

    /** Connects by name from the caller's loop: resolved off the loop, Happy Eyeballs ({@link TcpConnector}). */
    public static TcpStream connect(String host, int port) throws IOException {
        return TcpConnector.defaults().connect(host, port, null);
    }

    /** {@link #connect(String, int)} within {@code timeout}, resolution included (null or zero: no limit). */
    public static TcpStream connect(String host, int port, Duration timeout) throws IOException {
        return TcpConnector.defaults().connect(host, port, timeout);
    }

    /** {@link #connect(String, int, Duration)} on {@code loop}; the stream lives there. */
    public static TcpStream connect(EventLoop loop, String host, int port, Duration timeout) throws IOException {
        return TcpConnector.defaults().connect(loop, host, port, timeout);
    }

    /**
     * Loop-carrier only, no operation pending: removes the socket from this loop without closing it; the
     * stream is unusable afterwards. Returns what {@link #adopt} takes, or null.
     */
    Object detach() {
        Object d = driver.detach(handle);
        if (d != null) {
            closed = true;
        }
        return d;
    }

    /** On {@code loop}'s carrier: a stream for a socket {@link #detach detached} from another loop. */
    static TcpStream adopt(Loop loop, Object detached) {
        return new TcpStream(loop, loop.driver().adopt(detached));
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    // ---- blocking style ----

    /**
     * Limits each blocking read to {@code timeout} (null or zero: no limit, the default), like
     * {@link java.net.Socket#setSoTimeout}: a read that gets no byte in time throws
     * {@link SocketTimeoutException}, and the stream stays usable; no byte is lost, the next read gets it. On
     * io_uring the kernel keeps the deadline (a linked timeout) where the read has an SQE of its own. Negative:
     * {@link IllegalArgumentException}; over about 146 years: that long.
     */
    public void readTimeout(Duration timeout) {
        readTimeoutNs = Timeouts.limitNanos(timeout, "readTimeout(fd=" + handle + ")");
    }

    /** The limit set by {@link #readTimeout(Duration)}; {@link Duration#ZERO} for none. */
    public Duration readTimeout() {
        return Duration.ofNanos(readTimeoutNs);
    }

    /**
     * Reads into {@code dst}'s remaining space: the count, or -1 at end of stream.
     *
     * @throws IllegalArgumentException if {@code dst} is read-only (as the JDK's channels do), on every path
     */
    public int read(ByteBuffer dst) throws IOException {
        TcpOp.requireWritable(this, dst.isReadOnly(), "read");
        int len = dst.remaining();
        if (len == 0) {
            ensureOpen("read");
            return 0;
        }
        int r = io(true, MemorySegment.ofBuffer(dst), 0, len);
        if (r > 0) {
            dst.position(dst.position() + r);
        }
        return r;
    }

    /** Reads into {@code b[off, off+len)}: the count, or -1 at end of stream. */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            ensureOpen("read");
            return 0;
        }
        return io(true, MemorySegment.ofArray(b), off, len);
    }

    /**
     * Reads into {@code buffer[offset, offset+length)}: the count, or -1 at end of stream. With a native
     * segment this allocates nothing per call.
     */
    @Override
    public int read(MemorySegment buffer, long offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        TcpOp.requireWritable(this, buffer.isReadOnly(), "read");
        if (length == 0) {
            ensureOpen("read");
            return 0;
        }
        return io(true, buffer, offset, length);
    }

    /** Writes all of {@code buffer[offset, offset+length)}. */
    @Override
    public void writeAll(MemorySegment buffer, long offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        int done = 0;
        while (done < length) {
            done += io(false, buffer, offset + done, length - done);
        }
    }

    /** Fills {@code dst} completely, or throws {@link EOFException} if the stream ends first. */
    public void readFully(ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (read(dst) < 0) {
                throw new EOFException("readFully: end of stream with " + dst.remaining() + " bytes missing");
            }
        }
    }

    /** Writes some of {@code src}'s remaining bytes: the count written. */
    public int write(ByteBuffer src) throws IOException {
        int len = src.remaining();
        if (len == 0) {
            ensureOpen("write");
            return 0;
        }
        int r = io(false, MemorySegment.ofBuffer(src), 0, len);
        src.position(src.position() + r);
        return r;
    }

    public int write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            ensureOpen("write");
            return 0;
        }
        return io(false, MemorySegment.ofArray(b), off, len);
    }

    /** Writes all of {@code src}'s remaining bytes. */
    public void writeAll(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            write(src);
        }
    }

    @Override
    public void writeAll(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int done = 0;
        while (done < len) {
            done += io(false, MemorySegment.ofArray(b), off + done, len - done);
        }
    }

    private int io(boolean read, MemorySegment seg, long off, int len) throws IOException {
        TcpOp.requireReachable(this, seg, read);
        int r = TcpOp.run(this, read ? TcpOp.READ : TcpOp.WRITE, seg, off, len, null);
        return read && r == 0 ? -1 : r;
    }

    // ---- scatter/gather, blocking style (TcpVectors) ----

    /** Gathering write of some of {@code srcs}' remaining bytes, in order: the count; positions advance. */
    public long write(ByteBuffer... srcs) throws IOException {
        return TcpVectors.write(this, srcs, 0, srcs.length);
    }

    /** {@link #write(ByteBuffer...)} of {@code srcs[offset, offset+length)}. */
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return TcpVectors.write(this, srcs, offset, length);
    }

    /** Writes every remaining byte of {@code srcs}, in order. */
    public void writeAll(ByteBuffer... srcs) throws IOException {
        TcpVectors.writeAll(this, srcs);
    }

    /** Scattering read into {@code dsts}' remaining space, filling each before the next: the count, -1 at end. */
    public long read(ByteBuffer... dsts) throws IOException {
        return TcpVectors.read(this, dsts, 0, dsts.length);
    }

    /** {@link #read(ByteBuffer...)} into {@code dsts[offset, offset+length)}. */
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return TcpVectors.read(this, dsts, offset, length);
    }

    /** Gathering write of whole segments, in order: the count written (may be fewer than all). */
    public long write(MemorySegment... srcs) throws IOException {
        return TcpVectors.transfer(this, false, srcs, 0, 0);
    }

    /** Writes all of every segment, in order. */
    @Override
    public void writeAll(MemorySegment... srcs) throws IOException {
        TcpVectors.writeAll(this, srcs);
    }

    /** Scattering read into whole segments, filling each before the next: the count, or -1 at end of stream. */
    public long read(MemorySegment... dsts) throws IOException {
        return TcpVectors.transfer(this, true, dsts, 0, 0);
    }

    /** Throws {@code <call>(TcpStream[fd=N, closed, loop]): stream closed} once the stream is closed. */
    void ensureOpen(String call) throws ClosedChannelException {
        if (closed) {
            throw closedException(call);
        }
    }

    ClosedChannelException closedException(String call) {
        return Errno.closedException(call + "(" + this + "): stream closed");
    }

    // ---- callback style (loop thread only) ----

    @Override
    public void read(MemorySegment buffer, long offset, int length, IoCallback callback) {
        TcpOp.requireWritable(this, buffer.isReadOnly(), "read");
        callbacks("read").read(buffer, offset, length, callback);
    }

    @Override
    public void write(MemorySegment buffer, long offset, int length, IoCallback callback) {
        callbacks("write").write(buffer, offset, length, callback);
    }

    /** Checks for the loop thread before the unsynchronised lazy field is touched. */
    private TcpCallbacks callbacks(String call) {
        if (!loop.inLoopThread()) {
            throw new IllegalStateException(call + "(" + this + "): callback-style I/O runs on the loop thread; from "
                    + "a task or another thread use the blocking " + call + ", or " + call + "Async");
        }
        TcpCallbacks c = callbacks;
        if (c == null) {
            c = new TcpCallbacks(this, loop, handle);
            callbacks = c;
        }
        return c;
    }

    @Override
    public CompletionStage<Integer> readAsync(ByteBuffer dst) {
        TcpOp.requireWritable(this, dst.isReadOnly(), "read");
        return TcpCallbacks.stage(this, dst, true);
    }

    @Override
    public CompletionStage<Integer> writeAsync(ByteBuffer src) {
        return TcpCallbacks.stage(this, src, false);
    }

    // ---- options, addresses, shutdown, close ----

    public void setNoDelay(boolean on) throws IOException {
        setOption(SocketOpt.TCP_NODELAY, on ? 1 : 0);
    }

    public boolean noDelay() throws IOException {
        return getOption(SocketOpt.TCP_NODELAY) != 0;
    }

    public void setKeepAlive(boolean on) throws IOException {
        setOption(SocketOpt.SO_KEEPALIVE, on ? 1 : 0);
    }

    public boolean keepAlive() throws IOException {
        return getOption(SocketOpt.SO_KEEPALIVE) != 0;
    }

    /** SO_RCVBUF, a hint the kernel doubles and caps; not positive: {@link IllegalArgumentException}, as the JDK's. */
    public void setReceiveBufferSize(int bytes) throws IOException {
        setOption(SocketOpt.SO_RCVBUF, TcpOp.positiveSize(this, SocketOpt.SO_RCVBUF, bytes));
    }

    public int receiveBufferSize() throws IOException {
        return getOption(SocketOpt.SO_RCVBUF);
    }

    /** SO_SNDBUF, a hint the kernel doubles and caps; not positive: {@link IllegalArgumentException}, as the JDK's. */
    public void setSendBufferSize(int bytes) throws IOException {
        setOption(SocketOpt.SO_SNDBUF, TcpOp.positiveSize(this, SocketOpt.SO_SNDBUF, bytes));
    }

    public int sendBufferSize() throws IOException {
        return getOption(SocketOpt.SO_SNDBUF);
    }

    private void setOption(SocketOpt option, int value) throws IOException {
        ensureOpen("setsockopt");
        LoopCall.check(loop, "setsockopt(" + option + ", fd=" + handle + ")", d -> d.setOption(handle, option, value));
    }

    private int getOption(SocketOpt option) throws IOException {
        ensureOpen("getsockopt");
        return LoopCall.check(loop, "getsockopt(" + option + ", fd=" + handle + ")", d -> d.getOption(handle, option));
    }

    public InetSocketAddress localAddress() throws IOException {
        ensureOpen("getsockname");
        return LoopCall.call(loop, d -> d.localAddress(handle));
    }

    public InetSocketAddress peerAddress() throws IOException {
        ensureOpen("getpeername");
        InetSocketAddress p = peer;
        if (p == null) {
            p = LoopCall.call(loop, d -> d.peerAddress(handle));
            peer = p;
        }
        return p;
    }

    /**
     * A server's connection while its handler runs: a {@link #close} by the handler keeps the peer's address (one
     * getpeername) for a failure report.
     */
    void rememberPeer(boolean on) {
        rememberPeer = on;
    }

    /** The peer's address and port, or {@code "a closed peer"} when the stream closed before it was asked. */
    @Override
    public String peerDescription() {
        InetSocketAddress p = rememberedPeer();
        return p != null ? p.toString() : "a closed peer";
    }

    /** The peer's address, if the stream is open or it was kept at close; else null. */
    InetSocketAddress rememberedPeer() {
        try {
            return closed ? peer : peerAddress();
        } catch (IOException e) {
            return null;
        }
    }

    int handle() {
        return handle;
    }

    /** A server's handler task: its connection state ({@link TcpServer}), or null when it is served no more. */
    void serverConnection(ServerConnection c) {
        server = c;
    }

    ServerConnection serverConnection() {
        return server;
    }

    /** The waiter of one direction, for another operation of that direction ({@code TcpSplice}). */
    IoWaiter waiter(boolean read) {
        return read ? readWaiter : writeWaiter;
    }

    /** Half-close: the peer reads end of stream; this side can still read. */
    @Override
    public void shutdownOutput() throws IOException {
        ensureOpen("shutdown");
        LoopCall.check(loop, "shutdown(SHUT_WR, fd=" + handle + ")", d -> d.shutdown(handle, Driver.SHUT_WR));
    }

    /** Stops reading: later reads return -1. */
    public void shutdownInput() throws IOException {
        ensureOpen("shutdown");
        LoopCall.check(loop, "shutdown(SHUT_RD, fd=" + handle + ")", d -> d.shutdown(handle, Driver.SHUT_RD));
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /** Closes the connection; a read or write pending in another task fails with AsynchronousCloseException. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (rememberPeer && peer == null) {
            rememberedPeer(); // the handler closes its connection itself: keep whom it served for a report
        }
        closed = true;
        if (loop.isTerminated()) {
            return; // the loop closed every handle when it stopped
        }
        LoopCall.call(loop, d -> d.close(handle));
    }

    @Override
    public String toString() {
        return kind + "[fd=" + handle + (closed ? ", closed" : "") + ", " + loop.name() + "]";
    }
}
