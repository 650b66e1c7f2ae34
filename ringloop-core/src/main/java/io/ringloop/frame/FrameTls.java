package io.ringloop.frame;

import io.ringloop.loop.internal.Offload;
import io.ringloop.tls.TlsConfig;
import java.io.EOFException;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * One framing connection's TLS: the JDK's {@link SSLEngine} between the socket and the connection's receive and
 * send sides, driven on the loop thread without waiting.
 *
 * <p><b>Receiving.</b> Ciphertext the loop received is decrypted straight from the loop's memory while nothing is
 * held; a partial record left over is copied into a pooled buffer ({@link FrameTlsBuffers}) and the loop's memory
 * goes back as without TLS. Records are decrypted into the loop's plaintext scratch ({@link FrameLoop#plain}), several per
 * batch, and the batch is shown to the parser in place ({@link FrameInbound#onBytes}): what the parser leaves is
 * accumulated there as always. A connection that may not parse (unwritable, out of budget, a task not asking)
 * keeps its ciphertext undecrypted until it may ({@link #decryptPending}).
 *
 * <p><b>Sending.</b> The output queue holds plaintext (the watermarks count it). The loop's flush encrypts what is
 * queued into one pooled buffer (up to a few records) and writes it; the plaintext it took is
 * acknowledged once the kernel has taken all of that ciphertext. Handshake flights, a KeyUpdate answer and
 * close_notify go out the same way, one write in flight.
 *
 * <p><b>Handshake.</b> Starts at accept; the handler hears {@code onOpen} when it is done and nothing before;
 * delegated tasks run on the config's executor and the handshake resumes from the loop's queue; it must finish
 * within the config's limit (the connection's timer). A failed handshake sends the engine's alert and closes with
 * an {@link SSLHandshakeException} to {@code onClosed}. After it: TLS 1.3 KeyUpdate and tickets are handled,
 * a TLS 1.2 renegotiation is refused (the connection is aborted). close_notify is sent at every graceful close
 * or {@code shutdownOutput}; the peer's close_notify is its end of stream. A transport that ends without it
 * between frames is a clean end, mid-frame an {@code EOFException} saying so.
 *
 * <p>An idle connection holds the engine and no buffer. Loop thread only, except the delegated tasks.
 */
final class FrameTls {
    private static final ByteBuffer[] NO_DATA = {ByteBuffer.allocate(0)};
    /** An alert or close_notify is one record; bounded anyway. */
    private static final int MAX_CONTROL_WRAPS = 4;

    private final FrameConnection conn;
    private final FrameLoop fl;
    private final SSLEngine engine;
    private final Executor executor;
    private final long limitMs;
    final long deadlineNs;
    /** The ciphertext buffers, held only while they hold something. */
    final FrameTlsBuffers buffers;
    private boolean handshaken;
    private boolean tls13;
    /** The session's record sizes, read once the handshake is done (the engine's lock is not taken per record). */
    private int packetSize;
    private int appSize;
    private boolean tasksRunning;
    /** After the handshake: the engine asks to wrap (a KeyUpdate answer); done before the next data. */
    private boolean wrapPending;
    /** close_notify (or a handshake failure's alert) is queued: nothing more is wrapped. */
    private boolean outputClosed;
    /** The peer's close_notify arrived. */
    private boolean inboundDone;

    FrameTls(FrameConnection conn, FrameLoop fl, TlsConfig config) {
        this.conn = conn;
        this.fl = fl;
        this.engine = config.newEngine(null, -1);
        this.executor = config.taskExecutor();
        this.buffers = new FrameTlsBuffers(fl);
        this.limitMs = config.handshakeTimeout().toMillis();
        this.deadlineNs = config.handshakeTimeout().isZero() ? Long.MAX_VALUE
                : fl.loop.nanoTime() + config.handshakeTimeout().toNanos();
    }

    boolean handshaken() {
        return handshaken;
    }

    SSLSession session() {
        return engine.getSession();
    }

    String applicationProtocol() {
        return engine.getApplicationProtocol();
    }

    /** A partial record is held, or a frame's ciphertext is not yet decrypted. */
    boolean holdsInput() {
        return buffers.holdsInput();
    }

    // ---- handshake ----

    /** Accepted: the handshake begins (a server waits for the ClientHello). */
    void start() {
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            failHandshake(e);
            return;
        }
        step();
    }

    /** Runs the handshake until it waits for input, for its flight to leave, or for its tasks; or ends. */
    private void step() {
        if (handshaken || tasksRunning || !conn.isOpen()) {
            return;
        }
        try {
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        if (conn.out.sending() || !wrapHandshake()) {
                            return; // resumes when the flight is out (sent)
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!unwrapHandshake()) {
                            return; // resumes when more arrives (received)
                        }
                    }
                    case NEED_TASK -> {
                        runTasks();
                        return;
                    }
                    default -> {
                        handshaken = true;
                        SSLSession session = engine.getSession();
                        tls13 = "TLSv1.3".equals(session.getProtocol());
                        packetSize = session.getPacketBufferSize();
                        appSize = session.getApplicationBufferSize();
                        if (!conn.out.idle()) {
                            conn.out.kick(); // the last flight, or what a task queued during the handshake
                        }
                        conn.opened();
                        return;
                    }
                }
            }
        } catch (SSLException e) {
            failHandshake(e);
        }
    }

    /** One wrap of a handshake record: false when a flight is queued to go (wait for the write). */
    private boolean wrapHandshake() throws SSLException {
        ByteBuffer out = buffers.out();
        SSLEngineResult r = engine.wrap(NO_DATA, out);
        switch (r.getStatus()) {
            case OK -> {
                if (r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP && buffers.hasCiphertext()) {
                    conn.out.kick(); // the end of a flight
                }
                return true;
            }
            case BUFFER_OVERFLOW -> {
                if (buffers.hasCiphertext()) {
                    conn.out.kick();
                    return false;
                }
                throw new SSLException("a TLS handshake record larger than " + out.capacity() + " bytes");
            }
            case CLOSED -> throw new SSLException("the engine closed during the handshake");
            default -> throw new IllegalStateException("wrap: BUFFER_UNDERFLOW");
        }
    }

    /** One unwrap of received handshake records: false when it waits for more input. */
    private boolean unwrapHandshake() throws SSLException {
        if (!buffers.holdsInput()) {
            return false;
        }
        ByteBuffer plain = fl.plain();
        SSLEngineResult r = engine.unwrap(buffers.in(), plain);
        if (r.bytesProduced() > 0) {
            throw new SSLException("application data inside the TLS handshake");
        }
        buffers.releaseInIfEmpty();
        return switch (r.getStatus()) {
            case OK -> true;
            case BUFFER_UNDERFLOW -> false;
            case CLOSED -> throw new SSLException("the peer sent close_notify during the handshake");
            case BUFFER_OVERFLOW -> throw new SSLException("a TLS handshake record larger than the engine's "
                    + plain.capacity() + " bytes of plaintext");
        };
    }

    /** Hands the engine's tasks to the executor; the handshake resumes from the loop's queue when they are done. */
    private void runTasks() {
        tasksRunning = true;
        List<Runnable> tasks = new ArrayList<>(2);
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            tasks.add(t);
        }
        Offload.run(fl.loop, executor, tasks, this::tasksDone);
    }

    private void tasksDone(Throwable failure) {
        tasksRunning = false;
        if (!conn.isOpen()) {
            return;
        }
        if (failure != null) {
            failHandshake(new SSLException("TLS engine task failed: " + failure, failure));
            return;
        }
        step();
        if (handshaken && conn.isOpen()) {
            conn.in.resume(); // not inside a receive: what arrived meanwhile is decrypted, receiving goes on
        }
    }

    private void failHandshake(SSLException e) {
        SSLHandshakeException h = new SSLHandshakeException("TLS handshake with " + conn.peerName() + " failed: "
                + describe(e));
        h.initCause(e);
        if (!conn.out.sending()) {
            wrapClosing(); // the engine's alert, if it can go out now
        }
        outputClosed = true;
        conn.closeWith(h);
    }

    /** The handshake's time is up (the connection's timer). */
    SocketTimeoutException timedOut() {
        return new SocketTimeoutException("TLS handshake with " + conn.peerName() + ": not finished within "
                + limitMs + " ms");
    }

    // ---- receiving ----

    /** {@code n} bytes of ciphertext at {@code off} of the loop's {@code mem}; nothing of it is kept there. */
    void received(MemorySegment mem, long off, int n) {
        int packet = handshaken ? packetSize : engine.getSession().getPacketBufferSize();
        if (!buffers.holdsInput() && handshaken) {
            ByteBuffer src = fl.view(mem, off, n);
            decrypt(src);
            if (src.hasRemaining() && conn.isOpen()) {
                hold(src, packet);
            }
            return;
        }
        hold(fl.view(mem, off, n), packet);
        if (!handshaken) {
            step();
            if (!handshaken) {
                return;
            }
        }
        decryptPending();
    }

    /** Keeps {@code src} until it can be decrypted; from the first byte held, the read timeout runs. */
    private void hold(ByteBuffer src, int packet) {
        boolean held = buffers.holdsInput();
        buffers.append(src, packet);
        if (!held) {
            conn.armTimer();
        }
    }

    /** Decrypts what is held while the connection may parse; the buffer goes back once empty. */
    void decryptPending() {
        if (buffers.holdsInput() && handshaken) {
            decrypt(buffers.in());
            buffers.releaseInIfEmpty();
        }
    }

    /** Decrypts records of {@code src} in batches and shows each batch to the parser, while it may parse. */
    private void decrypt(ByteBuffer src) {
        while (src.hasRemaining() && !inboundDone && conn.readable()) {
            ByteBuffer plain = fl.plain();
            int before = src.position();
            SSLEngineResult.Status status;
            try {
                status = unwrapBatch(src, plain);
            } catch (SSLException e) {
                conn.abort(new SSLException("read from " + conn.peerName() + ": " + describe(e), e));
                return;
            }
            if (!conn.isOpen()) {
                return;
            }
            if (plain.position() > 0) {
                conn.in.onBytes(fl.plainSegment(), 0, plain.position());
            }
            if (inboundDone) {
                if (conn.isOpen()) {
                    conn.in.ended("the peer's TLS close_notify");
                }
                return;
            }
            if (status == SSLEngineResult.Status.BUFFER_UNDERFLOW || src.position() == before) {
                return; // a partial record (wait for the rest), or records the engine takes after an answer
            }
        }
    }

    /** Unwraps records of {@code src} into {@code plain} while a whole record still fits: the last status. */
    private SSLEngineResult.Status unwrapBatch(ByteBuffer src, ByteBuffer plain) throws SSLException {
        while (true) {
            SSLEngineResult r = engine.unwrap(src, plain);
            switch (r.getStatus()) {
                case OK -> {
                    afterUnwrap(r.getHandshakeStatus());
                    boolean stuck = r.bytesConsumed() == 0 && r.bytesProduced() == 0;
                    if (stuck || !conn.isOpen() || !src.hasRemaining() || plain.remaining() < appSize) {
                        return r.getStatus();
                    }
                }
                case CLOSED -> {
                    inboundDone = true;
                    return r.getStatus();
                }
                case BUFFER_UNDERFLOW -> {
                    return r.getStatus();
                }
                case BUFFER_OVERFLOW -> {
                    if (plain.position() == 0) {
                        throw new SSLException("a TLS record larger than " + plain.capacity()
                                + " bytes of plaintext");
                    }
                    return r.getStatus(); // the batch is full: show it, then go on
                }
            }
        }
    }

    /** After the handshake, what an unwrap that was not application data asks for. */
    private void afterUnwrap(HandshakeStatus hs) throws SSLException {
        if (hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED) {
            return;
        }
        if (!tls13) {
            conn.abort(new SSLException("TLS renegotiation requested by " + conn.peerName() + " ("
                    + engine.getSession().getProtocol() + "): refused, the connection is closed"));
            return;
        }
        if (hs == HandshakeStatus.NEED_TASK) {
            // TLS 1.3 after its handshake (a ticket, a key update): cheap, run here
            for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
                t.run();
            }
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            wrapPending = true; // a KeyUpdate to answer, before the next data
            conn.out.kick();
        }
    }

    /** The transport's end of stream: after close_notify, or without it. */
    void transportEnded() {
        if (!handshaken) {
            conn.abort(new SSLHandshakeException("TLS handshake with " + conn.peerName()
                    + ": the peer closed the connection before the handshake finished"));
        } else if (buffers.holdsInput()) {
            conn.abort(new EOFException("end of stream in the middle of a TLS record (" + buffers.in().remaining()
                    + " bytes) from " + conn.peerName() + ", without a TLS close_notify"));
        } else {
            conn.in.ended("the end of stream without a TLS close_notify");
        }
    }

    // ---- sending ----


    /** Nothing more may be encrypted: close_notify or an alert is queued. */
    boolean outputClosed() {
        return outputClosed;
    }

    /**
     * Before the output queue's data: the KeyUpdate answer the peer asked for. Then as much of {@code srcs}
     * (plaintext, in order) as fills the output buffer: the plaintext bytes taken.
     */
    long encrypt(ByteBuffer[] srcs) throws SSLException {
        wrapControl();
        if (outputClosed || srcs.length == 0) {
            return 0;
        }
        ByteBuffer out = buffers.out();
        long taken = 0;
        while (out.remaining() >= packetSize && hasRemaining(srcs)) {
            SSLEngineResult r = engine.wrap(srcs, out);
            taken += r.bytesConsumed();
            switch (r.getStatus()) {
                case OK -> {
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                        throw new SSLException("write to " + conn.peerName() + ": the TLS engine waits for the "
                                + "peer (" + r.getHandshakeStatus() + ")");
                    }
                }
                case BUFFER_OVERFLOW -> {
                    return taken;
                }
                case CLOSED -> throw new SSLException("write to " + conn.peerName() + ": the TLS output is closed");
                default -> throw new IllegalStateException("wrap: BUFFER_UNDERFLOW");
            }
        }
        return taken;
    }

    /** The KeyUpdate answer, if one is due: wrapped before any data. */
    void wrapControl() throws SSLException {
        if (!wrapPending || outputClosed) {
            return;
        }
        wrapPending = false;
        ByteBuffer out = buffers.out();
        for (int i = 0; i < MAX_CONTROL_WRAPS && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
            engine.wrap(NO_DATA, out);
        }
    }

    /**
     * All ciphertext is out: a handshake waiting for its flight goes on; after it, records the engine would not
     * take before its answer went out (a KeyUpdate's) are decrypted now.
     */
    void sent() {
        if (!conn.isOpen()) {
            return;
        }
        if (!handshaken) {
            step();
            if (handshaken && conn.isOpen()) {
                conn.in.resume();
            }
        } else if (buffers.holdsInput() && conn.readable()) {
            conn.in.resume();
        }
    }

    /**
     * Queues close_notify (once, after the handshake): true when there is something to send first, false when
     * the caller may go on at once.
     */
    boolean queueCloseNotify() {
        if (outputClosed || !handshaken) {
            return false;
        }
        outputClosed = true;
        wrapClosing();
        return buffers.hasCiphertext();
    }

    /** The engine's closing record (close_notify, or after a failure its alert) into the output, and out. */
    private void wrapClosing() {
        engine.closeOutbound();
        try {
            ByteBuffer out = buffers.out();
            for (int i = 0; i < MAX_CONTROL_WRAPS && !engine.isOutboundDone(); i++) {
                if (engine.wrap(NO_DATA, out).getStatus() != SSLEngineResult.Status.OK) {
                    break;
                }
            }
        } catch (SSLException ignore) {
            // a courtesy to the peer: the close, or the failure being reported, goes on without it
        }
        if (buffers.hasCiphertext()) {
            conn.out.kick();
        }
    }

    private static boolean hasRemaining(ByteBuffer[] srcs) {
        for (ByteBuffer b : srcs) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** The engine's message and its cause's, which says more when the message is "Unexpected exception". */
    private static String describe(SSLException e) {
        String cause = e.getCause() == null ? null : e.getCause().getMessage();
        return cause == null || String.valueOf(e.getMessage()).contains(cause) ? e.getMessage()
                : e.getMessage() + ": " + cause;
    }
}
