package io.ringloop.tls;

import io.ringloop.loop.internal.Loop;
import io.ringloop.net.IoCallback;
import io.ringloop.net.TcpStream;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The callback style of one {@link TlsStream}: the record layer driven by the transport's {@link IoCallback}s on
 * the loop thread, with no task and no lock (handshake included). It shares the engine, the buffers and the
 * flags of the stream's {@link TlsRecordLayer}, so a stream made in blocking style may go on in this one.
 *
 * <p>Two machines share the engine. Input: one transport read at a time fills {@code netIn}
 * ({@link #receive}); the handshake or the user's read unwraps it. Output: one transport write at a time sends
 * {@code netOut} ({@link #startSend}); after it the handshake goes on, or {@link #pumpOutput} wraps what is
 * due, in this order: records the reader asked for (a TLS 1.3 KeyUpdate answer, a TLS 1.2 close_notify answer),
 * then the user's write. The engine's delegated tasks go to the config's executor and the machine that needed
 * them resumes on the loop when they are done. Every step consumes input, produces output, or waits for the
 * transport or the tasks: no spinning. A result reaches the user's callback from the loop's queue, never inside
 * the call that started the operation; what the callback throws is reported to the loop's uncaught-failure
 * handler.
 */
final class TlsCallbacks {
    private static final ByteBuffer[] NO_DATA = {ByteBuffer.allocate(0)};
    /** close_notify or an alert is one record; bounded anyway. */
    private static final int MAX_CLOSING_WRAPS = 4;

    private final TlsStream stream;
    private final TlsRecordLayer records;
    private final SSLEngine engine;
    private final TcpStream tcp;
    private final Loop loop;
    private final String peer;

    // Handshake.
    /** Non-null while the handshake runs: who hears its end. */
    private TlsHandshakeCallback handshakeCallback;
    private boolean timerArmed;
    private long handshakeTimer;

    // Transport.
    /** A transport read into netIn[receiveAt, capacity) is in flight. */
    private boolean receiving;
    private int receiveAt;
    /** A transport write of netOut[sentBytes, position) is in flight. */
    private boolean sending;
    private int sentBytes;
    /** The transport closes once netOut is sent (close_notify or an alert is in it). */
    private boolean closeAfterSend;
    /** The reader asked for records the engine wants to wrap (a key update or close_notify answer). */
    private boolean controlPending;
    private byte[] netInArray;
    private MemorySegment netInSegment;
    private byte[] netOutArray;
    private MemorySegment netOutSegment;
    private byte[] appInArray;
    private MemorySegment appInSegment;

    // The engine's delegated tasks.
    private boolean tasksRunning;
    private boolean readWaitsForTasks;
    private boolean writeWaitsForTasks;

    // The user's read: destination, callback, and its result until delivered.
    private IoCallback readCallback;
    private MemorySegment readDst;
    private long readOffset;
    private int readLength;
    private int readResult;
    private Throwable readError;
    private final Runnable deliverRead = this::deliverRead;

    // The user's write: what is left of its source, callback, and its error until delivered.
    private IoCallback writeCallback;
    private ByteBuffer writeSrc;
    private int writeLength;
    private Throwable writeError;
    private final Runnable deliverWrite = this::deliverWrite;

    private final IoCallback onReceived = new IoCallback() {
        @Override
        public void completed(int n) {
            received(n);
        }

        @Override
        public void failed(Throwable error) {
            receiving = false;
            inputFailed(error);
        }
    };

    private final IoCallback onSent = new IoCallback() {
        @Override
        public void completed(int n) {
            sent(n);
        }

        @Override
        public void failed(Throwable error) {
            sendFailed(error);
        }
    };

    TlsCallbacks(TlsStream stream, TlsRecordLayer records, TcpStream tcp) {
        this.stream = stream;
        this.records = records;
        this.engine = records.engine;
        this.tcp = tcp;
        this.loop = Loop.of(tcp.loop());
        this.peer = records.peer;
    }

    // ---- handshake ----

    /** Starts the handshake; {@code callback} hears its end (within {@code limit}, unless zero). */
    void handshake(TlsHandshakeCallback callback, Duration limit) {
        handshakeCallback = callback;
        if (!limit.isZero()) {
            handshakeTimer = loop.schedule(limit.toNanos(), () -> handshakeTimedOut(limit));
            timerArmed = true;
        }
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            handshakeFailed(e);
            return;
        }
        handshakeStep();
    }

    /** Runs the handshake until it waits for the transport or the tasks, or ends. */
    private void handshakeStep() {
        if (handshakeCallback == null) {
            return; // failed or timed out: a late completion has nothing to drive
        }
        try {
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        if (sending || !handshakeWrap()) {
                            return; // sending: the next step runs when the flight is out
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!handshakeUnwrap()) {
                            return;
                        }
                    }
                    case NEED_TASK -> {
                        runTasks();
                        return;
                    }
                    case FINISHED, NOT_HANDSHAKING -> {
                        if (!sending && records.netOut.position() > 0) {
                            startSend();
                        }
                        if (!sending) {
                            handshakeDone();
                        }
                        return;
                    }
                }
            }
        } catch (SSLException e) {
            handshakeFailed(e);
        }
    }

    /** One wrap of a handshake record: false when a flight went out (wait for the send). */
    private boolean handshakeWrap() throws SSLException {
        SSLEngineResult r = engine.wrap(NO_DATA, records.netOut);
        switch (r.getStatus()) {
            case OK -> {
                if (r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP && records.netOut.position() > 0) {
                    startSend(); // the end of a flight
                    return false;
                }
                return true;
            }
            case BUFFER_OVERFLOW -> {
                if (records.netOut.position() > 0) {
                    startSend();
                    return false;
                }
                records.netOut = TlsBuffers.grow(records.netOut, engine.getSession().getPacketBufferSize(),
                        "TLS record");
                return true;
            }
            case CLOSED -> throw new SSLException("the engine closed during the handshake");
            default -> throw new IllegalStateException("wrap: BUFFER_UNDERFLOW");
        }
    }

    /** One unwrap of received handshake records: false when it waits for the transport. */
    private boolean handshakeUnwrap() throws SSLException {
        if (!records.netIn.hasRemaining()) {
            receive();
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
                receive();
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    private void handshakeDone() {
        cancelTimer();
        records.markHandshaken();
        TlsHandshakeCallback cb = handshakeCallback;
        handshakeCallback = null;
        loop.executeLocal(() -> {
            try {
                cb.handshaken(stream);
            } catch (Throwable t) {
                loop.reportUncaught("TlsHandshakeCallback.handshaken with " + peer, t);
            }
        });
    }

    private void handshakeTimedOut(Duration limit) {
        timerArmed = false;
        if (handshakeCallback != null) {
            handshakeFailed(new SocketTimeoutException("TLS handshake with " + peer + ": not finished within "
                    + limit.toMillis() + " ms"));
        }
    }

    /** The handshake's end in failure: the alert if it can go out, the transport closed, the callback told. */
    private void handshakeFailed(Throwable cause) {
        TlsHandshakeCallback cb = handshakeCallback;
        if (cb == null) {
            return;
        }
        handshakeCallback = null;
        cancelTimer();
        Throwable error = cause;
        if (cause instanceof SSLException e) {
            error = new SSLHandshakeException("TLS handshake with " + peer + " failed: " + TlsRecordLayer.describe(e));
            error.initCause(e);
            sendAlertAndClose();
        } else {
            closeTransport();
        }
        Throwable failure = error;
        loop.executeLocal(() -> {
            try {
                cb.failed(failure);
            } catch (Throwable t) {
                loop.reportUncaught("TlsHandshakeCallback.failed with " + peer, t);
            }
        });
    }

    private void cancelTimer() {
        if (timerArmed) {
            timerArmed = false;
            loop.cancelTimer(handshakeTimer);
        }
    }

    // ---- the engine's delegated tasks, off the loop ----

    /** Hands the engine's tasks to the executor; the waiting machines resume on the loop when they are done. */
    private void runTasks() {
        if (tasksRunning) {
            return;
        }
        tasksRunning = true;
        List<Runnable> tasks = new ArrayList<>(2);
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            tasks.add(t);
        }
        try {
            records.taskExecutor.execute(() -> {
                Throwable failure = null;
                try {
                    for (Runnable t : tasks) {
                        t.run();
                    }
                } catch (Throwable t) {
                    failure = t;
                }
                Throwable f = failure;
                try {
                    loop.execute(() -> tasksDone(f));
                } catch (RejectedExecutionException ignore) {
                    // the loop is shut down: its connections are closed, nobody waits for this handshake
                }
            });
        } catch (RejectedExecutionException e) {
            tasksDone(e);
        }
    }

    private void tasksDone(Throwable failure) {
        tasksRunning = false;
        if (failure != null) {
            SSLException e = new SSLException("TLS engine task failed: " + failure, failure);
            if (handshakeCallback != null) {
                handshakeFailed(e);
            } else {
                closeTransport();
                failRead(e);
                failWrite(e);
            }
            return;
        }
        if (handshakeCallback != null) {
            handshakeStep();
            return;
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            controlPending = true;
        }
        if (writeWaitsForTasks || controlPending) {
            writeWaitsForTasks = false;
            pumpOutput();
        }
        if (readWaitsForTasks) {
            readWaitsForTasks = false;
            readStep();
        }
    }

    // ---- the transport ----

    /** Reads more ciphertext into netIn (at most one read in flight). */
    private void receive() {
        if (receiving) {
            return;
        }
        ByteBuffer in = records.netIn.compact();
        try {
            if (!in.hasRemaining()) {
                in = TlsBuffers.grow(in, engine.getSession().getPacketBufferSize(), "TLS record");
            }
        } catch (SSLException e) {
            records.netIn = in.flip();
            inputFailed(e);
            return;
        }
        receiveAt = in.position();
        int room = in.remaining();
        records.netIn = in.flip();
        if (in.array() != netInArray) {
            netInArray = in.array();
            netInSegment = MemorySegment.ofArray(netInArray);
        }
        receiving = true;
        tcp.read(netInSegment, in.arrayOffset() + receiveAt, room, onReceived);
    }

    private void received(int n) {
        receiving = false;
        if (n < 0) {
            inputFailed(handshakeCallback != null
                    ? new SSLException("the peer closed the connection before the handshake finished")
                    : records.truncated());
            return;
        }
        records.netIn.limit(receiveAt + n);
        if (handshakeCallback != null) {
            handshakeStep();
        } else {
            readStep();
        }
    }

    private void inputFailed(Throwable error) {
        if (handshakeCallback != null) {
            handshakeFailed(error);
        } else {
            failRead(error);
        }
    }

    /** Sends netOut[sentBytes, position): one transport write in flight. */
    private void startSend() {
        sending = true;
        ByteBuffer out = records.netOut;
        if (out.array() != netOutArray) {
            netOutArray = out.array();
            netOutSegment = MemorySegment.ofArray(netOutArray);
        }
        tcp.write(netOutSegment, out.arrayOffset() + sentBytes, out.position() - sentBytes, onSent);
    }

    private void sent(int n) {
        sentBytes += n;
        if (sentBytes < records.netOut.position()) {
            startSend(); // a partial write: the rest
            return;
        }
        records.netOut.clear();
        sentBytes = 0;
        sending = false;
        if (handshakeCallback != null) {
            handshakeStep();
        } else {
            pumpOutput();
        }
    }

    private void sendFailed(Throwable error) {
        sending = false;
        sentBytes = 0;
        records.netOut.clear();
        if (closeAfterSend) {
            closeTransport();
        }
        if (handshakeCallback != null) {
            handshakeFailed(error);
        } else {
            failWrite(error);
        }
    }

    /** After a fatal error: the engine's alert if it can go out now (then the transport closes), else close. */
    private void sendAlertAndClose() {
        records.closed.set(true);
        if (!sending) {
            try {
                engine.closeOutbound();
                for (int i = 0; i < MAX_CLOSING_WRAPS && !engine.isOutboundDone(); i++) {
                    if (engine.wrap(NO_DATA, records.netOut).getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        break;
                    }
                }
            } catch (SSLException ignore) {
                // the connection is failing already; the caller reports the first error, not this one
            }
            if (records.netOut.position() > 0) {
                closeAfterSend = true;
                startSend();
                return;
            }
        }
        closeTransport();
    }

    private void closeTransport() {
        records.closed.set(true);
        try {
            tcp.close();
        } catch (IOException ignore) {
            // the caller reports the error that made it close, which matters more than this one
        }
    }

    // ---- the user's read ----

    /** {@link TlsStream#read(MemorySegment, long, int, IoCallback)}: loop thread, the arguments checked. */
    void read(MemorySegment dst, long offset, int length, IoCallback callback) {
        if (readCallback != null) {
            throw new IllegalStateException("read(" + stream + "): another read is in progress");
        }
        readCallback = callback;
        readDst = dst;
        readOffset = offset;
        readLength = length;
        if (records.closed.get()) {
            failRead(Errno.closedException("read(TLS with " + peer + "): stream closed"));
        } else if (length == 0) {
            finishRead(0);
        } else {
            readStep();
        }
    }

    /** Delivers plaintext, unwraps what was received, or receives more: until one of them gives a result. */
    private void readStep() {
        if (readCallback == null || readDst == null) {
            return; // no read, or its result waits in the queue
        }
        try {
            while (true) {
                ByteBuffer app = records.appIn;
                if (app.hasRemaining()) {
                    int n = Math.min(app.remaining(), readLength);
                    if (app.array() != appInArray) {
                        appInArray = app.array();
                        appInSegment = MemorySegment.ofArray(appInArray);
                    }
                    MemorySegment.copy(appInSegment, app.arrayOffset() + app.position(), readDst, readOffset, n);
                    app.position(app.position() + n);
                    finishRead(n);
                    return;
                }
                if (records.inboundDone) {
                    finishRead(-1);
                    return;
                }
                if (!records.netIn.hasRemaining() || !unwrapForRead()) {
                    if (!tasksRunning) {
                        receive();
                    }
                    return;
                }
            }
        } catch (SSLException e) {
            SSLException wrapped = new SSLException("read from " + peer + ": " + TlsRecordLayer.describe(e), e);
            sendAlertAndClose();
            failRead(wrapped);
        }
    }

    /** One unwrap into appIn: true to look again, false to receive more (or wait for the tasks). */
    private boolean unwrapForRead() throws SSLException {
        ByteBuffer app = records.appIn.clear();
        SSLEngineResult r;
        try {
            r = engine.unwrap(records.netIn, app);
        } finally {
            app.flip();
        }
        switch (r.getStatus()) {
            case OK -> {
                HandshakeStatus hs = r.getHandshakeStatus();
                if (hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED) {
                    return afterUnwrap(hs);
                }
                return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
            }
            case CLOSED -> {
                peerClosed();
                return true;
            }
            case BUFFER_OVERFLOW -> {
                records.appIn = TlsBuffers.grow(app.clear(), engine.getSession().getApplicationBufferSize(),
                        "plaintext").flip();
                return true;
            }
            default -> {
                return false; // BUFFER_UNDERFLOW: a partial record
            }
        }
    }

    /** After the handshake, what an unwrap that was not application data asks for; true to go on reading. */
    private boolean afterUnwrap(HandshakeStatus hs) throws SSLException {
        if (!records.tls13) {
            throw new SSLException("TLS renegotiation requested by " + peer + " ("
                    + engine.getSession().getProtocol() + "): refused, the connection is closed");
        }
        if (hs == HandshakeStatus.NEED_TASK) {
            readWaitsForTasks = true;
            runTasks();
            return false;
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) { // a KeyUpdate to answer
            controlPending = true;
            pumpOutput();
        }
        return true;
    }

    /** The peer's close_notify: end of stream; TLS 1.2 answers with its own (the engine asks to wrap it). */
    private void peerClosed() {
        records.inboundDone = true;
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && writeSrc == null) {
            records.outboundDone = true;
            controlPending = true;
            pumpOutput();
        }
    }

    private void finishRead(int n) {
        readResult = n;
        readDst = null;
        loop.executeLocal(deliverRead);
    }

    private void failRead(Throwable error) {
        if (readCallback != null && readDst != null) {
            readError = error;
            readDst = null;
            loop.executeLocal(deliverRead);
        }
    }

    private void deliverRead() {
        IoCallback cb = readCallback;
        Throwable error = readError;
        readCallback = null;
        readError = null;
        try {
            if (error == null) {
                cb.completed(readResult);
            } else {
                cb.failed(error);
            }
        } catch (Throwable t) {
            loop.reportUncaught((error == null ? "IoCallback.completed" : "IoCallback.failed") + " after read(TLS with "
                    + peer + ")", t);
        }
    }

    // ---- the user's write ----

    /** {@link TlsStream#write(MemorySegment, long, int, IoCallback)}: loop thread, the arguments checked. */
    void write(MemorySegment src, long offset, int length, IoCallback callback) {
        if (writeCallback != null) {
            throw new IllegalStateException("write(" + stream + "): another write is in progress");
        }
        writeCallback = callback;
        writeLength = length;
        if (records.closed.get()) {
            failWrite(Errno.closedException("write(TLS with " + peer + "): stream closed"));
        } else if (records.outboundDone) {
            failWrite(new SSLException("write to " + peer + ": the TLS output is closed (close_notify "
                    + (engine.isInboundDone() ? "received from the peer and answered)" : "sent)")));
        } else {
            writeSrc = src.asSlice(offset, length).asByteBuffer();
            pumpOutput();
        }
    }

    /**
     * Wraps what is due into netOut and sends it, one transport write at a time: the records the reader asked
     * for, then the user's data; when all of it is out, the user's write completes (and a closing transport
     * closes).
     */
    private void pumpOutput() {
        if (sending || handshakeCallback != null) {
            return; // resumed when the send completes; the handshake drives its own output
        }
        try {
            while (true) {
                if (controlPending && !wrapControl()) {
                    return;
                }
                ByteBuffer src = writeSrc;
                if (src != null && src.hasRemaining() && !records.closed.get()) {
                    if (!wrapData(src)) {
                        return;
                    }
                    continue;
                }
                if (records.netOut.position() > 0) {
                    startSend();
                    return;
                }
                if (src != null) {
                    writeSrc = null;
                    loop.executeLocal(deliverWrite);
                }
                if (closeAfterSend) {
                    closeTransport();
                }
                return;
            }
        } catch (SSLException e) {
            closeTransport();
            failWrite(new SSLException("write to " + peer + ": " + TlsRecordLayer.describe(e), e));
        }
    }

    /** Wraps the records the engine wants to send on its own: false when netOut must go out first. */
    private boolean wrapControl() throws SSLException {
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
            SSLEngineResult r = engine.wrap(NO_DATA, records.netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (records.netOut.position() > 0) {
                    startSend();
                    return false;
                }
                records.netOut = TlsBuffers.grow(records.netOut, engine.getSession().getPacketBufferSize(),
                        "TLS record");
            } else if (r.bytesProduced() == 0) {
                break;
            }
        }
        controlPending = false;
        return true;
    }

    /** One wrap of the user's data: true to go on, false when it waits for a send or the tasks. */
    private boolean wrapData(ByteBuffer src) throws SSLException {
        SSLEngineResult r = engine.wrap(src, records.netOut);
        switch (r.getStatus()) {
            case OK -> {
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    HandshakeStatus hs = r.getHandshakeStatus();
                    if (hs == HandshakeStatus.NEED_TASK) {
                        writeWaitsForTasks = true;
                        runTasks();
                        return false;
                    }
                    if (hs != HandshakeStatus.NEED_WRAP) {
                        throw new SSLException("the TLS engine waits for the peer (" + hs + ")");
                    }
                    controlPending = true;
                }
                return true;
            }
            case BUFFER_OVERFLOW -> {
                if (records.netOut.position() > 0) {
                    startSend();
                    return false;
                }
                records.netOut = TlsBuffers.grow(records.netOut, engine.getSession().getPacketBufferSize(),
                        "TLS record");
                return true;
            }
            case CLOSED -> throw new SSLException("the TLS connection is closed (close_notify "
                    + (engine.isInboundDone() ? "received" : "sent") + ")");
            default -> throw new IllegalStateException("wrap: BUFFER_UNDERFLOW");
        }
    }

    private void failWrite(Throwable error) {
        if (writeCallback != null && writeError == null) {
            writeSrc = null;
            writeError = error;
            loop.executeLocal(deliverWrite);
        }
    }

    private void deliverWrite() {
        IoCallback cb = writeCallback;
        Throwable error = writeError;
        writeCallback = null;
        writeError = null;
        try {
            if (error == null) {
                cb.completed(writeLength);
            } else {
                cb.failed(error);
            }
        } catch (Throwable t) {
            loop.reportUncaught((error == null ? "IoCallback.completed" : "IoCallback.failed") + " after write(TLS to "
                    + peer + ")", t);
        }
    }

    // ---- close ----

    /**
     * Loop thread: close_notify when the output is free (no write of the user's in progress), sent before the
     * transport closes; else the transport closes at once. A pending read or write fails.
     */
    void close() {
        if (!records.closed.compareAndSet(false, true)) {
            return;
        }
        if (handshakeCallback != null) {
            handshakeFailed(Errno.closedException("TLS handshake with " + peer + ": stream closed"));
            return;
        }
        if (records.handshaken() && !records.outboundDone && writeSrc == null) {
            records.outboundDone = true;
            engine.closeOutbound();
            controlPending = true; // close_notify: the engine asks to wrap it
            closeAfterSend = true;
            pumpOutput();
            return;
        }
        closeTransport();
    }
}
