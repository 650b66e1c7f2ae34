package io.ringloop.tls;

import io.ringloop.loop.internal.Loop;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The callback style's handshake: the engine's handshake status drives wraps (a flight goes out when the engine
 * stops asking to wrap), unwraps (more is received when a record is partial) and its delegated tasks, each
 * resumed by the transport's or the tasks' completion, until the engine is done; within the config's limit, on
 * the loop's timer wheel. Loop thread only.
 */
final class TlsCallbackHandshake {
    private static final ByteBuffer[] NO_DATA = {ByteBuffer.allocate(0)};

    private final TlsStream stream;
    private final TlsRecordLayer records;
    private final SSLEngine engine;
    private final TlsCallbackTransport transport;
    private final Loop loop;
    /** Non-null while the handshake runs: who hears its end. */
    private TlsHandshakeCallback callback;
    private boolean timerArmed;
    private long timer;

    TlsCallbackHandshake(TlsStream stream, TlsRecordLayer records, TlsCallbackTransport transport, Loop loop) {
        this.stream = stream;
        this.records = records;
        this.engine = records.engine;
        this.transport = transport;
        this.loop = loop;
    }

    /** Whether a handshake runs: the transport's completions are its own. */
    boolean active() {
        return callback != null;
    }

    /** Starts the handshake; {@code cb} hears its end (within {@code limit}, unless zero). */
    void start(TlsHandshakeCallback cb, Duration limit) {
        callback = cb;
        if (!limit.isZero()) {
            timer = loop.schedule(limit.toNanos(), () -> timedOut(limit));
            timerArmed = true;
        }
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            failed(e);
            return;
        }
        step();
    }

    /** Runs the handshake until it waits for the transport or the tasks, or ends. */
    void step() {
        if (callback == null) {
            return; // failed or timed out: a late completion has nothing to drive
        }
        try {
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        if (transport.sending() || !wrap()) {
                            return; // sending: the next step runs when the flight is out
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!unwrap()) {
                            return;
                        }
                    }
                    case NEED_TASK -> {
                        transport.runTasks();
                        return;
                    }
                    case FINISHED, NOT_HANDSHAKING -> {
                        if (!transport.sending() && records.netOut.position() > 0) {
                            transport.send();
                        }
                        if (!transport.sending()) {
                            done();
                        }
                        return;
                    }
                }
            }
        } catch (SSLException e) {
            failed(e);
        }
    }

    /** One wrap of a handshake record: false when a flight went out (wait for the send). */
    private boolean wrap() throws SSLException {
        SSLEngineResult r = engine.wrap(NO_DATA, records.netOut);
        switch (r.getStatus()) {
            case OK -> {
                if (r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP && records.netOut.position() > 0) {
                    transport.send(); // the end of a flight
                    return false;
                }
                return true;
            }
            case BUFFER_OVERFLOW -> {
                return transport.makeRoom();
            }
            case CLOSED -> throw new SSLException("the engine closed during the handshake");
            default -> throw new IllegalStateException("wrap: BUFFER_UNDERFLOW");
        }
    }

    /** One unwrap of received handshake records: false when it waits for the transport. */
    private boolean unwrap() throws SSLException {
        if (!records.netIn.hasRemaining()) {
            transport.receive();
            return false;
        }
        records.appIn.compact(); // keeps application data that came with the last flight
        SSLEngineResult r;
        try {
            r = engine.unwrap(records.netIn, records.appIn);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                records.appIn = TlsBuffers.grow(records.appIn, engine.getSession().getApplicationBufferSize(),
                        "plaintext");
            }
        } finally {
            records.appIn.flip();
        }
        switch (r.getStatus()) {
            case CLOSED -> throw new SSLException("the peer sent close_notify during the handshake");
            case BUFFER_UNDERFLOW -> {
                transport.receive();
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    private void done() {
        cancelTimer();
        records.markHandshaken();
        TlsHandshakeCallback cb = callback;
        callback = null;
        loop.executeLocal(() -> {
            try {
                cb.handshaken(stream);
            } catch (Throwable t) {
                loop.reportUncaught("TlsHandshakeCallback.handshaken with " + records.peer, t);
            }
        });
    }

    private void timedOut(Duration limit) {
        timerArmed = false;
        if (callback != null) {
            failed(new SocketTimeoutException("TLS handshake with " + records.peer + ": not finished within "
                    + limit.toMillis() + " ms"));
        }
    }

    /** The handshake's end in failure: the alert if it can go out, the transport closed, the callback told. */
    void failed(Throwable cause) {
        TlsHandshakeCallback cb = callback;
        if (cb == null) {
            return;
        }
        callback = null;
        cancelTimer();
        Throwable error = cause;
        if (cause instanceof SSLException e) {
            error = new SSLHandshakeException("TLS handshake with " + records.peer + " failed: "
                    + TlsRecordLayer.describe(e));
            error.initCause(e);
            transport.sendAlertAndClose();
        } else {
            transport.close();
        }
        Throwable failure = error;
        loop.executeLocal(() -> {
            try {
                cb.failed(failure);
            } catch (Throwable t) {
                loop.reportUncaught("TlsHandshakeCallback.failed with " + records.peer, t);
            }
        });
    }

    private void cancelTimer() {
        if (timerArmed) {
            timerArmed = false;
            loop.cancelTimer(timer);
        }
    }
}
