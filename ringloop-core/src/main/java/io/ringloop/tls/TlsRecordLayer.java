package io.ringloop.tls;

import io.ringloop.net.ByteStream;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * The state machine behind a {@link TlsStream}: moves records between the {@link SSLEngine} and the transport,
 * in the calling task. Owns the engine, the three bounded buffers and the locks (see the package
 * documentation for the invariants). {@code TlsStream} is its public face.
 */
final class TlsRecordLayer {
    private static final ByteBuffer[] NO_DATA = {ByteBuffer.allocate(0)};

    private final ByteStream transport;
    final SSLEngine engine;
    final Executor taskExecutor;
    /** Who the peer is, for messages: host:port for a client, the socket's peer address for a server. */
    final String peer;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Whoever takes the engine's delegated tasks holds this until they are done; others wait on it. */
    private final ReentrantLock taskLock = new ReentrantLock();
    final AtomicBoolean closed = new AtomicBoolean();
    // The fields below are the callback style's too (TlsCallbacks, loop thread, no lock): one style at a time.
    /** Ciphertext received, not yet decrypted; read mode. Guarded by readLock. */
    ByteBuffer netIn;
    /** Plaintext decrypted, not yet returned; read mode. Guarded by readLock. */
    ByteBuffer appIn;
    /** Ciphertext made, not yet sent: [0, position). Guarded by writeLock. */
    ByteBuffer netOut;
    /** The peer's close_notify arrived. Guarded by readLock. */
    boolean inboundDone;
    /** close_notify sent. Guarded by writeLock. */
    boolean outboundDone;
    boolean tls13; // written once before handshaken is published
    private volatile boolean handshaken;

    TlsRecordLayer(ByteStream transport, SSLEngine engine, Executor taskExecutor, String peer) {
        this.transport = transport;
        this.engine = engine;
        this.taskExecutor = taskExecutor;
        this.peer = peer;
        SSLSession s = engine.getSession();
        netIn = ByteBuffer.allocate(s.getPacketBufferSize()).flip();
        appIn = ByteBuffer.allocate(s.getApplicationBufferSize()).flip();
        netOut = ByteBuffer.allocate(s.getPacketBufferSize());
    }

    SSLEngine engine() {
        return engine;
    }

    String peer() {
        return peer;
    }

    boolean handshaken() {
        return handshaken;
    }

    /** The handshake is over (either style): notes the protocol, then publishes it. */
    void markHandshaken() {
        tls13 = "TLSv1.3".equals(engine.getSession().getProtocol());
        handshaken = true;
    }

    // ---- handshake ----

    void handshake() throws IOException {
        readLock.lock();
        writeLock.lock();
        try {
            engine.beginHandshake();
            for (;;) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> handshakeWrap();
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> handshakeUnwrap();
                    case NEED_TASK -> EngineTasks.runAll(engine, taskLock, taskExecutor);
                    case FINISHED, NOT_HANDSHAKING -> {
                        flush();
                        markHandshaken();
                        return;
                    }
                }
            }
        } catch (SSLException e) {
            sendAlert();
            SSLHandshakeException h = new SSLHandshakeException("TLS handshake with " + peer + " failed: "
                    + describe(e));
            h.initCause(e);
            throw h;
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }

    private void handshakeWrap() throws IOException {
        SSLEngineResult r = engine.wrap(NO_DATA, netOut);
        switch (r.getStatus()) {
            case OK -> {
                if (r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
                    flush(); // the end of a flight
                }
            }
            case BUFFER_OVERFLOW -> makeRoom();
            case CLOSED -> {
                flush();
                throw new SSLException("the engine closed during the handshake");
            }
            case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap: BUFFER_UNDERFLOW");
        }
    }

    private void handshakeUnwrap() throws IOException {
        if (netIn.hasRemaining()) {
            appIn.compact(); // keeps application data that came with the last flight
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    appIn = TlsBuffers.grow(appIn, engine.getSession().getApplicationBufferSize(), "plaintext");
                }
            } finally {
                appIn.flip();
            }
            switch (r.getStatus()) {
                case OK, BUFFER_OVERFLOW -> {
                    return;
                }
                case CLOSED -> throw new SSLException("the peer sent close_notify during the handshake");
                case BUFFER_UNDERFLOW -> {
                    // a partial record: receive more
                }
            }
        }
        receive(true);
    }

    // ---- reading ----

    /** Reads into {@code dst}'s remaining space: the count, or -1 after the peer's close_notify. */
    int read(ByteBuffer dst) throws IOException {
        readLock.lock();
        try {
            ensureOpen("read");
            if (!dst.hasRemaining()) {
                return 0;
            }
            if (appIn.hasRemaining()) {
                return TlsBuffers.move(appIn, dst);
            }
            if (inboundDone) {
                return -1;
            }
            if (dst.remaining() >= appIn.capacity()) {
                int n = unwrapInto(dst); // straight into the caller's buffer: one copy less
                if (n != OVERFLOW) {
                    return n;
                }
            }
            appIn.clear();
            int n;
            try {
                n = unwrapInto(appIn);
            } finally {
                appIn.flip();
            }
            return n < 0 ? -1 : TlsBuffers.move(appIn, dst);
        } finally {
            readLock.unlock();
        }
    }

    /** unwrapInto: the record does not fit the caller's buffer; decrypt into appIn instead. */
    private static final int OVERFLOW = -2;

    /**
     * Decrypts at least one byte into {@code dst}: the count, -1 at close_notify, or {@link #OVERFLOW}. Into the
     * caller's buffer it goes on with the records already received while a whole record still fits, so a
     * pipelining peer's records come back from one read (and an echo answers them with one write).
     */
    private int unwrapInto(ByteBuffer dst) throws IOException {
        int total = 0;
        for (;;) {
            if (netIn.hasRemaining()) {
                SSLEngineResult r = unwrap(dst);
                switch (r.getStatus()) {
                    case OK -> {
                        afterUnwrap(r.getHandshakeStatus());
                        total += r.bytesProduced();
                        boolean roomForMore = dst != appIn && dst.remaining() >= appIn.capacity();
                        if (total > 0 && (!roomForMore || !netIn.hasRemaining())) {
                            return total;
                        }
                        if (total > 0 || r.bytesConsumed() > 0
                                || r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
                            continue; // more records, or a ticket, a key update: look at the rest
                        }
                    }
                    case CLOSED -> {
                        peerClosed();
                        return total > 0 ? total : -1; // -1 at the next read
                    }
                    case BUFFER_OVERFLOW -> {
                        if (total > 0 || dst != appIn) {
                            return total > 0 ? total : OVERFLOW;
                        }
                        appIn = TlsBuffers.grow(appIn, engine.getSession().getApplicationBufferSize(), "plaintext");
                        appIn.clear();
                        dst = appIn;
                        continue;
                    }
                    case BUFFER_UNDERFLOW -> {
                        if (total > 0) {
                            return total;
                        }
                    }
                }
            }
            receive(false);
        }
    }

    private SSLEngineResult unwrap(ByteBuffer dst) throws IOException {
        try {
            return engine.unwrap(netIn, dst);
        } catch (SSLException e) {
            sendAlert();
            SSLException wrapped = new SSLException("read from " + peer + ": " + describe(e), e);
            closeTransport();
            throw wrapped;
        }
    }

    /** After the handshake, what an unwrap that was not application data asks for. */
    private void afterUnwrap(HandshakeStatus hs) throws IOException {
        if (hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED) {
            return;
        }
        if (!tls13) {
            throw refuseRenegotiation();
        }
        if (hs == HandshakeStatus.NEED_TASK) {
            EngineTasks.runAll(engine, taskLock, taskExecutor);
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) { // a KeyUpdate to answer
            writeLock.lock();
            try {
                while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    wrapOnce(NO_DATA);
                }
                flush();
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Renegotiation is a TLS 1.2 feature with a history of attacks; ringloop neither starts nor accepts one. */
    private SSLException refuseRenegotiation() throws IOException {
        SSLException e = new SSLException("TLS renegotiation requested by " + peer + " ("
                + engine.getSession().getProtocol() + "): refused, the connection is closed");
        sendAlert();
        closeTransport();
        return e;
    }

    /** The peer's close_notify: TLS 1.2 answers with its own (the engine asks to wrap it). */
    private void peerClosed() {
        inboundDone = true;
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && writeLock.tryLock()) {
            try {
                outboundDone = true;
                while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
                    wrapOnce(NO_DATA);
                }
                flush();
            } catch (IOException ignore) {
                // the peer is closing anyway: its answer is a courtesy it may not read
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Reads more ciphertext into netIn; the transport's end is a truncation (or a handshake cut short). */
    private void receive(boolean handshaking) throws IOException {
        netIn.compact();
        try {
            if (!netIn.hasRemaining()) {
                netIn = TlsBuffers.grow(netIn, engine.getSession().getPacketBufferSize(), "TLS record");
            }
            int n = transport.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
            if (n < 0) {
                throw handshaking ? new SSLException("the peer closed the connection before the handshake finished")
                        : truncated();
            }
            netIn.position(netIn.position() + n);
        } finally {
            netIn.flip();
        }
    }

    SSLException truncated() {
        try {
            engine.closeInbound();
        } catch (SSLException ignore) {
            // "closing inbound before receiving peer's close_notify": the same news as ours, with less context
        }
        return new SSLException("read from " + peer + ": the connection ended without a TLS close_notify; "
                + "the data may be truncated");
    }

    // ---- writing ----

    /** Every remaining byte of {@code srcs}, in order, in as few records as they fill, then out. */
    void writeAll(ByteBuffer[] srcs) throws IOException {
        writeLock.lock();
        try {
            ensureOpen("write");
            if (outboundDone) {
                throw new SSLException("write to " + peer + ": the TLS output is closed (close_notify "
                        + (engine.isInboundDone() ? "received from the peer and answered)" : "sent)"));
            }
            while (TlsBuffers.hasRemaining(srcs)) {
                wrapOnce(srcs);
            }
            flush();
        } finally {
            writeLock.unlock();
        }
    }

    /** One wrap of {@code srcs} into netOut, flushing when full; stalls are resolved or refused, never spun. */
    private void wrapOnce(ByteBuffer[] srcs) throws IOException {
        SSLEngineResult r;
        try {
            r = engine.wrap(srcs, netOut);
        } catch (SSLException e) {
            closeTransport();
            throw new SSLException("write to " + peer + ": " + describe(e), e);
        }
        switch (r.getStatus()) {
            case OK -> {
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    stalled(r.getHandshakeStatus());
                }
            }
            case BUFFER_OVERFLOW -> makeRoom();
            case CLOSED -> {
                flush();
                if (srcs != NO_DATA) {
                    throw new SSLException("write to " + peer + ": the TLS connection is closed (close_notify "
                            + (engine.isInboundDone() ? "received" : "sent") + ")");
                }
            }
            case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap: BUFFER_UNDERFLOW");
        }
    }

    private void stalled(HandshakeStatus hs) throws IOException {
        switch (hs) {
            case NEED_TASK -> EngineTasks.runAll(engine, taskLock, taskExecutor);
            case NEED_WRAP -> {
                // the next wrap makes the handshake record
            }
            default -> {
                if (!tls13) {
                    throw refuseRenegotiation();
                }
                throw new SSLException("write to " + peer + ": the TLS engine waits for the peer (" + hs + ")");
            }
        }
    }

    /** Sends netOut when it holds something; else it is too small for one record and grows. */
    private void makeRoom() throws IOException {
        if (netOut.position() > 0) {
            flush();
        } else {
            netOut = TlsBuffers.grow(netOut, engine.getSession().getPacketBufferSize(), "TLS record");
        }
    }

    private void flush() throws IOException {
        if (netOut.position() > 0) {
            transport.writeAll(netOut.array(), netOut.arrayOffset(), netOut.position());
            netOut.clear();
        }
    }

    // ---- close ----

    /** close_notify, then the transport's half-close. */
    void shutdownOutput() throws IOException {
        writeLock.lock();
        try {
            ensureOpen("shutdownOutput");
            if (!outboundDone) {
                sendCloseNotify();
                transport.shutdownOutput();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** writeLock held: close_notify into netOut and out. */
    private void sendCloseNotify() throws IOException {
        outboundDone = true;
        engine.closeOutbound();
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) { // one alert record; bounded anyway
            wrapOnce(NO_DATA);
        }
        flush();
    }

    boolean isOpen() {
        return !closed.get() && transport.isOpen();
    }

    /** close_notify unless sent or a writer holds the output (it may be stuck on a full socket), then close. */
    void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (handshaken && writeLock.tryLock()) {
                try {
                    if (!outboundDone) {
                        sendCloseNotify();
                    }
                } catch (IOException ignore) {
                    // the peer is gone or going: close_notify is best effort, the close itself happens below
                } finally {
                    writeLock.unlock();
                }
            }
        } finally {
            transport.close();
        }
    }

    /** After a fatal error: the engine's alert to the peer if it can go out now, then the transport closes. */
    private void sendAlert() {
        if (writeLock.tryLock()) {
            try {
                engine.closeOutbound();
                for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                    SSLEngineResult r = engine.wrap(NO_DATA, netOut);
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        break;
                    }
                }
                flush();
            } catch (IOException ignore) {
                // the connection is failing already; the caller throws the first error, not this one
            } finally {
                writeLock.unlock();
            }
        }
    }

    void closeTransport() {
        if (closed.compareAndSet(false, true)) {
            try {
                transport.close();
            } catch (IOException ignore) {
                // the caller throws the error that made it close, which matters more than this one
            }
        }
    }

    /** The engine's message and its cause's, which says more when the message is "Unexpected exception". */
    static String describe(SSLException e) {
        String cause = e.getCause() == null ? null : e.getCause().getMessage();
        return cause == null || String.valueOf(e.getMessage()).contains(cause) ? e.getMessage()
                : e.getMessage() + ": " + cause;
    }

    /** Throws {@code <call>(TLS with <peer>): stream closed} once the stream is closed. */
    void ensureOpen(String call) throws ClosedChannelException {
        if (closed.get()) {
            throw Errno.closedException(call + "(TLS with " + peer + "): stream closed");
        }
    }
}
