package io.ringloop.tls;

import io.ringloop.loop.internal.Loop;
import io.ringloop.net.IoCallback;
import io.ringloop.net.CallbackStream;
import io.ringloop.sys.Errno;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The callback style of one {@link TlsStream}: the record layer driven by the transport's {@link IoCallback}s on
 * the loop thread, with no task and no lock, the handshake included ({@link TlsCallbackHandshake}). It shares the
 * engine, the buffers and the flags of the stream's {@link TlsRecordLayer}, so a stream made in blocking style
 * may go on in this one.
 *
 * <p>Input: one transport read at a time fills {@code netIn} ({@link TlsCallbackTransport}); the handshake, or
 * else the user's read, unwraps it. Output: one transport write at a time sends {@code netOut}; after it the
 * handshake goes on, or {@link #pumpOutput} wraps what is due, in this order: records the reader asked for (a
 * TLS 1.3 KeyUpdate answer, a TLS 1.2 close_notify answer), then the user's write. The engine's delegated tasks
 * run on the config's executor and the machine that needed them resumes on the loop. Every step consumes
 * input, produces output, or waits for the transport or the tasks: no spinning. A result reaches the user's
 * callback from the loop's queue, never inside the call that started the operation; what the callback throws is
 * reported to the loop's uncaught-failure handler, and the loop goes on.
 */
final class TlsCallbacks {
    private static final ByteBuffer[] NO_DATA = {ByteBuffer.allocate(0)};

    private final TlsStream stream;
    private final TlsRecordLayer records;
    private final SSLEngine engine;
    private final Loop loop;
    private final String peer;
    private final TlsCallbackTransport transport;
    private final TlsCallbackHandshake handshake;
    /** The reader asked for records the engine wants to wrap (a key update or close_notify answer). */
    private boolean controlPending;
    private boolean readWaitsForTasks;
    private boolean writeWaitsForTasks;
    /** The heap array behind appIn as a segment, made again only when the buffer grew. */
    private byte[] appInArray;
    private MemorySegment appInSegment;

    // The user's read: destination (null once its result is queued), callback, and the result.
    private IoCallback readCallback;
    private MemorySegment readDst;
    private long readOffset;
    private int readLength;
    private int readResult;
    private Throwable readError;
    private final Runnable deliverRead = this::deliverRead;

    // The user's write: what is left of its source, callback, and whether its result is queued.
    private IoCallback writeCallback;
    private ByteBuffer writeSrc;
    /** The last segment written and a buffer over it: writes from one buffer (an echo's) allocate no view. */
    private MemorySegment writeSegment;
    private ByteBuffer writeView;
    private int writeLength;
    private Throwable writeError;
    private boolean writeQueued;
    private final Runnable deliverWrite = this::deliverWrite;

    TlsCallbacks(TlsStream stream, TlsRecordLayer records, CallbackStream callbackTransport) {
        this.stream = stream;
        this.records = records;
        this.engine = records.engine;
        this.loop = Loop.of(callbackTransport.loop());
        this.peer = records.peer;
        this.transport = new TlsCallbackTransport(this, records, callbackTransport, loop);
        this.handshake = new TlsCallbackHandshake(stream, records, transport, loop);
    }

    /** Starts the handshake; {@code callback} hears its end (within {@code limit}, unless zero). */
    void handshake(TlsHandshakeCallback callback, Duration limit) {
        handshake.start(callback, limit);
    }

    // ---- what the transport and the tasks report (TlsCallbackTransport) ----

    /** More ciphertext is in netIn. */
    void inputReady() {
        if (handshake.active()) {
            handshake.step();
        } else {
            readStep();
        }
    }

    /** The transport ended: before the handshake finished, or without close_notify (a truncation). */
    void inputEnded() {
        inputFailed(handshake.active()
                ? new SSLException("the peer closed the connection before the handshake finished")
                : records.truncated());
    }

    void inputFailed(Throwable error) {
        if (handshake.active()) {
            handshake.failed(error);
        } else {
            failRead(error);
        }
    }

    /** netOut is sent. */
    void outputDrained() {
        if (handshake.active()) {
            handshake.step();
        } else {
            pumpOutput();
        }
    }

    void outputFailed(Throwable error) {
        if (handshake.active()) {
            handshake.failed(error);
        } else {
            failWrite(error);
        }
    }

    /** The engine's delegated tasks are done (or one failed): whoever waited for them goes on. */
    void tasksDone(Throwable failure) {
        if (failure != null) {
            SSLException e = new SSLException("TLS engine task failed: " + failure, failure);
            if (handshake.active()) {
                handshake.failed(e);
            } else {
                transport.close();
                failRead(e);
                failWrite(e);
            }
            return;
        }
        if (handshake.active()) {
            handshake.step();
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
                    if (!transport.tasksRunning()) {
                        transport.receive();
                    }
                    return;
                }
            }
        } catch (SSLException e) {
            SSLException wrapped = new SSLException("read from " + peer + ": " + TlsRecordLayer.describe(e), e);
            transport.sendAlertAndClose();
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
            transport.runTasks();
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
        writeQueued = false;
        writeLength = length;
        if (records.closed.get()) {
            failWrite(Errno.closedException("write(TLS with " + peer + "): stream closed"));
        } else if (records.outboundDone) {
            failWrite(new SSLException("write to " + peer + ": the TLS output is closed (close_notify "
                    + (engine.isInboundDone() ? "received from the peer and answered)" : "sent)")));
        } else {
            writeSrc = view(src, offset, length);
            pumpOutput();
        }
    }

    /**
     * Wraps what is due into netOut and sends it, one transport write at a time: the records the reader asked
     * for, then the user's data; when all of it is out, the user's write completes (and a closing transport
     * closes).
     */
    private void pumpOutput() {
        if (transport.sending() || handshake.active()) {
            return; // resumed when the send completes; the handshake drives its own output
        }
        try {
            while (true) {
                if (controlPending && !wrapControl()) {
                    return;
                }
                ByteBuffer src = writeSrc;
                if (src != null && src.hasRemaining()) {
                    if (records.closed.get()) { // closed while the write was under way
                        failWrite(Errno.closedException("write(TLS to " + peer + "): stream closed"));
                        src = null;
                    } else if (!wrapData(src)) {
                        return;
                    } else {
                        continue;
                    }
                }
                if (records.netOut.position() > 0) {
                    transport.send();
                    return;
                }
                if (src != null) {
                    writeSrc = null;
                    writeQueued = true;
                    loop.executeLocal(deliverWrite);
                }
                if (transport.closeAfterSend) {
                    transport.close();
                }
                return;
            }
        } catch (SSLException e) {
            transport.close();
            failWrite(new SSLException("write to " + peer + ": " + TlsRecordLayer.describe(e), e));
        }
    }

    /** {@code src[offset, offset+length)} as a buffer: the cached view of {@code src} when it is the last one. */
    private ByteBuffer view(MemorySegment src, long offset, int length) {
        if (src.byteSize() > Integer.MAX_VALUE) {
            return src.asSlice(offset, length).asByteBuffer();
        }
        if (src != writeSegment) {
            writeSegment = src;
            writeView = src.asByteBuffer();
        }
        return writeView.limit((int) offset + length).position((int) offset);
    }

    /** Wraps the records the engine wants to send on its own: false when netOut must go out first. */
    private boolean wrapControl() throws SSLException {
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
            SSLEngineResult r = engine.wrap(NO_DATA, records.netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (!transport.makeRoom()) {
                    return false;
                }
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
                        transport.runTasks();
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
                return transport.makeRoom();
            }
            case CLOSED -> throw new SSLException("the TLS connection is closed (close_notify "
                    + (engine.isInboundDone() ? "received" : "sent") + ")");
            default -> throw new IllegalStateException("wrap: BUFFER_UNDERFLOW");
        }
    }

    private void failWrite(Throwable error) {
        if (writeCallback != null && !writeQueued) {
            writeSrc = null;
            writeError = error;
            writeQueued = true;
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
     * Loop thread: close_notify unless a write of the user's is under way, and the transport closes once the
     * output in flight and that record are sent. A pending read fails; a pending write fails if it was not out.
     */
    void close() {
        if (!records.closed.compareAndSet(false, true)) {
            return;
        }
        if (handshake.active()) {
            handshake.failed(Errno.closedException("TLS handshake with " + peer + ": stream closed"));
            return;
        }
        if (records.handshaken() && !records.outboundDone && writeSrc == null) {
            records.outboundDone = true;
            engine.closeOutbound();
            controlPending = true; // close_notify: the engine asks to wrap it
        }
        transport.closeAfterSend = true;
        pumpOutput(); // what is due goes out first (close_notify, or an answer being sent), then the close
    }
}
