package io.ringloop.tls;

import io.ringloop.loop.internal.Loop;
import io.ringloop.net.ByteStream;
import io.ringloop.net.CallbackStream;
import io.ringloop.net.IoCallback;
import io.ringloop.net.TcpStream;
import io.ringloop.net.internal.CallbackStages;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A TLS connection over any {@link ByteStream} (a {@link TcpStream}, a Unix stream), itself a
 * {@code ByteStream}: the buffered reader and writer of {@code io.ringloop.io}, and protocols written on them,
 * run over it unchanged. The JDK's {@link SSLEngine} does the cryptography.
 *
 * <p>Blocking style: {@link #client} and {@link #server} do the handshake before they return, within the
 * config's time limit; then read and write from a task (the task parks on the transport, the loop runs
 * others). One reader and one writer at a time, which may be two tasks.
 *
 * <p>Callback style, over a {@link CallbackStream} (a {@link TcpStream} or a Unix stream):
 * {@link #server(CallbackStream, TlsConfig, TlsHandshakeCallback)} and
 * {@link #client(CallbackStream, TlsConfig, String, int, TlsHandshakeCallback)} start the handshake from the loop
 * thread and return at once; then {@link #read(MemorySegment, long, int, IoCallback)} and
 * {@link #write(MemorySegment, long, int, IoCallback)} on the loop thread, no task (the engine's delegated tasks
 * still run off the loop), or {@link #readAsync}/{@link #writeAsync} from any thread. A stream serves one style
 * at a time; one made in blocking style may go on in callback style once its tasks stopped using it. Such a
 * stream is closed on its loop thread: {@link #close()} there sends close_notify without blocking.
 *
 * <ul>
 *   <li>A read returns -1 once the peer's {@code close_notify} arrived. A transport that ends without one is an
 *       {@link SSLException} saying the data may be truncated (RFC 8446 section 6.1), never a quiet -1.</li>
 *   <li>{@link #close()} sends {@code close_notify} and closes the transport; {@link #shutdownOutput()} sends it
 *       and half-closes the transport, and (TLS 1.3) reading goes on.</li>
 *   <li>Renegotiation (TLS 1.2 and older) is refused whoever asks: the connection is closed and the reader
 *       gets an {@link SSLException} saying so. TLS 1.3 key updates and session tickets are handled.</li>
 *   <li>A failure of the engine (a bad record, an alert from the peer) sends the engine's alert if it can,
 *       closes the transport and throws an {@link SSLException} naming the peer.</li>
 * </ul>
 * The state machine lives in {@link TlsRecordLayer}; this class is the public face.
 */
public final class TlsStream implements ByteStream {
    private final TlsRecordLayer records;
    private final ByteStream transport;
    private final boolean client;
    /** The callback style's machine, made at its first use (on the loop thread). */
    private TlsCallbacks callbacks;

    private TlsStream(ByteStream transport, SSLEngine engine, TlsConfig config, String peer) {
        this.records = new TlsRecordLayer(transport, engine, config.taskExecutor(), peer);
        this.transport = transport;
        this.client = config.isClient();
    }

    /**
     * Handshakes as a client with the server at {@code host}:{@code port} over {@code transport} (connected to
     * it). {@code host} is sent as SNI (unless an IP literal), checked against the server's certificate (unless
     * {@link TlsConfig.Builder#verifyHostname} is off) and, with the port, keys the session cache: a later
     * connection to the same host and port resumes where the server agrees. On failure the transport is
     * closed.
     */
    public static TlsStream client(ByteStream transport, TlsConfig config, String host, int port)
            throws IOException {
        if (!config.isClient()) {
            throw new IllegalArgumentException("TlsStream.client: the config is a server's");
        }
        SSLEngine engine = config.newEngine(Objects.requireNonNull(host, "host"), port);
        return start(new TlsStream(transport, engine, config, host + ":" + port), config);
    }

    /** Handshakes as a server with the client at the other end of {@code transport}; on failure closes it. */
    public static TlsStream server(ByteStream transport, TlsConfig config) throws IOException {
        if (config.isClient()) {
            throw new IllegalArgumentException("TlsStream.server: the config is a client's");
        }
        return start(new TlsStream(transport, config.newEngine(null, -1), config, peerOf(transport)), config);
    }

    /**
     * Callback style: starts the handshake as a client with the server at {@code host}:{@code port} over
     * {@code transport} (connected to it) and returns; {@code callback} hears the stream once the handshake is
     * done, or the failure (the transport closed). On {@code transport}'s loop thread only. Host name, SNI and
     * session cache as {@link #client(ByteStream, TlsConfig, String, int)}.
     */
    public static void client(CallbackStream transport, TlsConfig config, String host, int port,
            TlsHandshakeCallback callback) {
        if (!config.isClient()) {
            throw new IllegalArgumentException("TlsStream.client: the config is a server's");
        }
        Objects.requireNonNull(callback, "callback");
        requireLoopThread(transport, "TlsStream.client");
        SSLEngine engine = config.newEngine(Objects.requireNonNull(host, "host"), port);
        TlsStream s = new TlsStream(transport, engine, config, host + ":" + port);
        s.callbacks("TlsStream.client").handshake(callback, config.handshakeTimeout());
    }

    /**
     * Callback style: starts the handshake as a server with the client at the other end of {@code transport} and
     * returns; {@code callback} hears the stream once the handshake is done (within the config's limit), or the
     * failure (the transport closed). On {@code transport}'s loop thread only.
     */
    public static void server(CallbackStream transport, TlsConfig config, TlsHandshakeCallback callback) {
        if (config.isClient()) {
            throw new IllegalArgumentException("TlsStream.server: the config is a client's");
        }
        Objects.requireNonNull(callback, "callback");
        requireLoopThread(transport, "TlsStream.server");
        TlsStream s = new TlsStream(transport, config.newEngine(null, -1), config, peerOf(transport));
        s.callbacks("TlsStream.server").handshake(callback, config.handshakeTimeout());
    }

    private static void requireLoopThread(CallbackStream transport, String call) {
        if (!transport.loop().inLoopThread()) {
            throw new IllegalStateException(call + "(" + transport + "): callback-style TLS runs on the loop thread; "
                    + "from a task use the blocking TlsStream." + call.substring(call.indexOf('.') + 1)
                    + "(ByteStream, ...)");
        }
    }

    /** The callback style's machine; checks for the loop thread before the unsynchronised lazy field. */
    private TlsCallbacks callbacks(String call) {
        if (!(transport instanceof CallbackStream cs)) {
            throw new UnsupportedOperationException(call + "(" + this + "): callback-style TLS runs over a "
                    + "CallbackStream (TcpStream, UnixStream); over " + transport.getClass().getSimpleName()
                    + " use the blocking style");
        }
        requireLoopThread(cs, call);
        TlsCallbacks c = callbacks;
        if (c == null) {
            c = new TlsCallbacks(this, records, cs);
            callbacks = c;
        }
        return c;
    }

    /** Whom messages name: a callback stream's peer (an address and port, a Unix path), else the stream. */
    private static String peerOf(ByteStream transport) {
        return transport instanceof CallbackStream cs ? cs.peerDescription() : transport.toString();
    }

    private static TlsStream start(TlsStream s, TlsConfig config) throws IOException {
        boolean ok = false;
        try {
            EngineTasks.within(config.handshakeTimeout(), "TLS handshake with " + s.records.peer(),
                    s.records::handshake);
            ok = true;
            return s;
        } finally {
            if (!ok) {
                s.records.closeTransport();
            }
        }
    }

    // ---- reading ----

    /** Reads into {@code dst}'s remaining space: the count, or -1 after the peer's close_notify. */
    public int read(ByteBuffer dst) throws IOException {
        return records.read(dst);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return records.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public int read(MemorySegment buffer, long offset, int length) throws IOException {
        return records.read(buffer.asSlice(offset, length).asByteBuffer());
    }

    // ---- writing ----

    /** Writes every remaining byte of {@code srcs}, in order, packed into as few records as they fill. */
    public void writeAll(ByteBuffer... srcs) throws IOException {
        records.writeAll(srcs);
    }

    @Override
    public void writeAll(byte[] b, int off, int len) throws IOException {
        records.writeAll(new ByteBuffer[] {ByteBuffer.wrap(b, off, len)});
    }

    @Override
    public void writeAll(MemorySegment buffer, long offset, int length) throws IOException {
        records.writeAll(new ByteBuffer[] {buffer.asSlice(offset, length).asByteBuffer()});
    }

    @Override
    public void writeAll(MemorySegment... srcs) throws IOException {
        ByteBuffer[] buffers = new ByteBuffer[srcs.length];
        for (int i = 0; i < srcs.length; i++) {
            buffers[i] = srcs[i].asByteBuffer();
        }
        records.writeAll(buffers);
    }

    // ---- callback style (loop thread only) ----

    /**
     * Reads plaintext into {@code buffer[offset, offset+length)} and calls {@code callback} with the count, or
     * -1 once the peer's close_notify arrived (an end without it fails: the data may be truncated). Loop thread
     * only; one read at a time.
     */
    public void read(MemorySegment buffer, long offset, int length, IoCallback callback) {
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        Objects.requireNonNull(callback, "callback");
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("read(" + this + "): the buffer is read-only");
        }
        callbacks("read").read(buffer, offset, length, callback);
    }

    /**
     * Encrypts and sends all of {@code buffer[offset, offset+length)}, then calls {@code callback} with
     * {@code length} (unlike a socket's, a TLS write never completes part of its bytes). Loop thread only; one
     * write at a time.
     */
    public void write(MemorySegment buffer, long offset, int length, IoCallback callback) {
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        Objects.requireNonNull(callback, "callback");
        callbacks("write").write(buffer, offset, length, callback);
    }

    /** A callback-style read into {@code dst}'s remaining space, as a stage; completes on the loop thread. */
    public CompletionStage<Integer> readAsync(ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read(" + this + "): the buffer is read-only");
        }
        return stage(dst, true);
    }

    /** A callback-style write of all of {@code src}'s remaining bytes, as a stage; completes on the loop thread. */
    public CompletionStage<Integer> writeAsync(ByteBuffer src) {
        return stage(src, false);
    }

    private CompletionStage<Integer> stage(ByteBuffer buf, boolean read) {
        if (!(transport instanceof CallbackStream cs)) {
            throw new UnsupportedOperationException((read ? "readAsync(" : "writeAsync(") + this
                    + "): callback-style TLS runs over a CallbackStream (TcpStream, UnixStream)");
        }
        return CallbackStages.of(cs.loop(), buf, read ? this::read : this::write);
    }

    // ---- session, close ----

    /** The negotiated session: protocol, cipher suite, peer certificates. */
    public SSLSession session() {
        return records.engine().getSession();
    }

    /** The protocol agreed by ALPN, or null when none was. */
    public String applicationProtocol() {
        String p = records.engine().getApplicationProtocol();
        return p == null || p.isEmpty() ? null : p;
    }

    /** The stream underneath. */
    public ByteStream transport() {
        return transport;
    }

    /**
     * Sends {@code close_notify} and half-closes the transport. The peer reads end of stream; with TLS 1.3
     * this side can still read (TLS 1.2 peers usually answer with their own close_notify and close).
     */
    @Override
    public void shutdownOutput() throws IOException {
        records.shutdownOutput();
    }

    @Override
    public boolean isOpen() {
        return records.isOpen();
    }

    /**
     * Sends {@code close_notify} (unless sent, or a writer in another task holds the output) and closes the
     * transport; a read or write pending in another task fails. The peer's answer is not awaited. On the loop
     * thread (callback style) it does not block: close_notify goes out, then the transport closes.
     */
    @Override
    public void close() throws IOException {
        if (transport instanceof CallbackStream cs && cs.loop().inLoopThread()) {
            callbacks("close").close();
        } else {
            records.close();
        }
    }

    @Override
    public String toString() {
        return "TlsStream[" + (client ? "client of " : "server for ") + records.peer() + ", "
                + (records.handshaken() ? session().getProtocol() : "handshaking") + ", " + transport + "]";
    }
}
