package io.ringloop.tls;

import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.Offload;
import io.ringloop.net.IoCallback;
import io.ringloop.net.CallbackStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * What the callback style ({@link TlsCallbacks}) waits for, as callbacks: the transport (one read into
 * {@code netIn} and one write of {@code netOut} in flight at most) and the engine's delegated tasks (run on the
 * config's executor, their end posted back to the loop). Each completion goes to the owner, which hands it to
 * the handshake or to the user's read or write. Loop thread only, except the tasks themselves.
 */
final class TlsCallbackTransport {
    private static final ByteBuffer[] NO_DATA = {ByteBuffer.allocate(0)};
    /** An alert is one record; bounded anyway. */
    private static final int MAX_ALERT_WRAPS = 4;

    private final TlsCallbacks owner;
    private final TlsRecordLayer records;
    private final SSLEngine engine;
    private final CallbackStream transport;
    private final Loop loop;
    /** A transport read into netIn[receiveAt, capacity) is in flight. */
    private boolean receiving;
    private int receiveAt;
    /** A transport write of netOut[sentBytes, position) is in flight. */
    private boolean sending;
    private int sentBytes;
    /** The transport closes once netOut is sent (close_notify or an alert is in it). */
    boolean closeAfterSend;
    private boolean tasksRunning;
    /** The heap arrays behind netIn and netOut as segments, made again only when a buffer grew. */
    private byte[] netInArray;
    private MemorySegment netInSegment;
    private byte[] netOutArray;
    private MemorySegment netOutSegment;

    private final IoCallback onReceived = new IoCallback() {
        @Override
        public void completed(int n) {
            receiving = false;
            if (n < 0) {
                owner.inputEnded();
            } else {
                records.netIn.limit(receiveAt + n);
                owner.inputReady();
            }
        }

        @Override
        public void failed(Throwable error) {
            receiving = false;
            owner.inputFailed(error);
        }
    };

    private final IoCallback onSent = new IoCallback() {
        @Override
        public void completed(int n) {
            sentBytes += n;
            if (sentBytes < records.netOut.position()) {
                send(); // a partial write: the rest
                return;
            }
            records.netOut.clear();
            sentBytes = 0;
            sending = false;
            owner.outputDrained();
        }

        @Override
        public void failed(Throwable error) {
            sending = false;
            sentBytes = 0;
            records.netOut.clear();
            if (closeAfterSend) {
                close();
            }
            owner.outputFailed(error);
        }
    };

    TlsCallbackTransport(TlsCallbacks owner, TlsRecordLayer records, CallbackStream transport, Loop loop) {
        this.owner = owner;
        this.records = records;
        this.engine = records.engine;
        this.transport = transport;
        this.loop = loop;
    }

    boolean sending() {
        return sending;
    }

    boolean tasksRunning() {
        return tasksRunning;
    }

    /** Reads more ciphertext into netIn, unless a read is in flight already. */
    void receive() {
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
            owner.inputFailed(e);
            return;
        }
        receiveAt = in.position();
        int room = in.remaining();
        records.netIn = in.flip(); // the data stays readable; the transport appends at receiveAt
        if (in.array() != netInArray) {
            netInArray = in.array();
            netInSegment = MemorySegment.ofArray(netInArray);
        }
        receiving = true;
        transport.read(netInSegment, in.arrayOffset() + receiveAt, room, onReceived);
    }

    /** Sends netOut[sentBytes, position): one transport write in flight. */
    void send() {
        sending = true;
        ByteBuffer out = records.netOut;
        if (out.array() != netOutArray) {
            netOutArray = out.array();
            netOutSegment = MemorySegment.ofArray(netOutArray);
        }
        transport.write(netOutSegment, out.arrayOffset() + sentBytes, out.position() - sentBytes, onSent);
    }

    /**
     * A wrap found netOut full: sends what it holds (false: wait for that write) or, when it is empty yet too
     * small for one record, grows it (true: wrap again).
     */
    boolean makeRoom() throws SSLException {
        if (records.netOut.position() > 0) {
            send();
            return false;
        }
        records.netOut = TlsBuffers.grow(records.netOut, engine.getSession().getPacketBufferSize(), "TLS record");
        return true;
    }

    /** Hands the engine's tasks to the executor; the owner hears their end on the loop. */
    void runTasks() {
        if (tasksRunning) {
            return;
        }
        tasksRunning = true;
        List<Runnable> tasks = new ArrayList<>(2);
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            tasks.add(t);
        }
        Offload.run(loop, records.taskExecutor, tasks, this::tasksDone);
    }

    private void tasksDone(Throwable failure) {
        tasksRunning = false;
        owner.tasksDone(failure);
    }

    /** After a fatal error: the engine's alert if it can go out now (then the transport closes), else close. */
    void sendAlertAndClose() {
        records.closed.set(true);
        if (!sending) {
            try {
                engine.closeOutbound();
                for (int i = 0; i < MAX_ALERT_WRAPS && !engine.isOutboundDone(); i++) {
                    if (engine.wrap(NO_DATA, records.netOut).getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        break;
                    }
                }
            } catch (SSLException ignore) {
                // the connection is failing already; the caller reports the first error, not this one
            }
            if (records.netOut.position() > 0) {
                closeAfterSend = true;
                send();
                return;
            }
        }
        close();
    }

    /** Closes the transport: a read or write in flight fails. */
    void close() {
        records.closed.set(true);
        try {
            transport.close();
        } catch (IOException ignore) {
            // the caller reports the error that made it close, which matters more than this one
        }
    }
}
