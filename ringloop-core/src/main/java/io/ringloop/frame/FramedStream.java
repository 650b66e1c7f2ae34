package io.ringloop.frame;

import io.ringloop.io.FrameTooLongException;
import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.Errno;
import io.ringloop.task.internal.LoopContext;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;

/**
 * The task style of a framing connection: straight-line code in the connection's task, with the callback style's
 * machinery underneath. {@link #parse} shows a {@link FrameParser} the bytes received so far (in place, or in the
 * connection's accumulator) and parks the task while the parser needs more; {@link #send} queues without a system
 * call, and what the task queues before it parks leaves in one write per loop turn.
 *
 * <p>Back-pressure: a send that leaves the connection unwritable parks the task until the queue is at the low
 * watermark again. Cancellation (an interrupt) while parked in {@link #parse} loses nothing: the bytes stay in the
 * accumulator, which belongs to the connection, and the next parse sees them again, so parsers keep their own
 * resume state. Use from the connection's task only.
 */
public final class FramedStream {
    private final FrameConnection conn;
    private final TaskBridge bridge;
    private final Loop loop;

    FramedStream(FrameConnection conn, TaskBridge bridge, Loop loop) {
        this.conn = conn;
        this.bridge = bridge;
        this.loop = loop;
    }

    /**
     * Shows {@code parser} what has been received until it consumes a frame, parking while it needs more: the
     * bytes it consumed, or -1 at the peer's end of stream between frames.
     *
     * @throws EOFException           at the end of stream in the middle of a frame
     * @throws FrameTooLongException  when the frame needs more than the server's {@code maxFrame}
     * @throws InterruptedIOException when the task is interrupted (nothing is lost)
     * @throws IOException            when the connection failed or timed out (the cause)
     */
    public long parse(FrameParser parser) throws IOException {
        requireTask();
        if (bridge.ended) {
            return end();
        }
        bridge.consumed = 0;
        bridge.pending = parser;
        try {
            conn.resumeInput(); // parses what is accumulated at once, in this call
            while (bridge.consumed == 0 && !bridge.ended) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    throw new InterruptedIOException("FramedStream.parse interrupted (nothing consumed)");
                }
            }
        } finally {
            if (bridge.consumed == 0) {
                bridge.pending = null;
                conn.pauseInput();
            }
        }
        return bridge.consumed > 0 ? bridge.consumed : end();
    }

    private long end() throws IOException {
        Throwable cause = bridge.cause;
        if (cause == null) {
            return -1;
        }
        if (cause instanceof IOException io) {
            throw io instanceof FrameTooLongException || io instanceof EOFException ? io
                    : new IOException("FramedStream: the connection failed: " + io.getMessage(), io);
        }
        throw new IOException("FramedStream: the connection failed", cause);
    }

    /** Queues a copy of {@code bytes}; parks while the connection is unwritable. */
    public void send(byte[] bytes) throws IOException {
        send(bytes, 0, bytes.length);
    }

    /** Queues a copy of {@code bytes[offset, offset+length)}; parks while the connection is unwritable. */
    public void send(byte[] bytes, int offset, int length) throws IOException {
        requireOpen();
        conn.send(bytes, offset, length);
        awaitWritable();
    }

    /** Queues a copy of {@code [from, from+length)} of a view a parser was shown (during its call only). */
    public void send(FrameView view, long from, long length) throws IOException {
        requireOpen();
        conn.send(view, from, length);
    }

    /** Queues {@code segment} itself ({@link FrameConnection#sendOwned}); parks while unwritable. */
    public void sendOwned(MemorySegment segment, Runnable onReleased) throws IOException {
        requireOpen();
        conn.sendOwned(segment, onReleased);
        awaitWritable();
    }

    /** Parks until the kernel has taken everything queued. */
    public void flushAndWait() throws IOException {
        requireOpen();
        while (conn.queuedBytes() > 0 && !bridge.closed) {
            parkForOutput();
        }
        requireOpen();
    }

    private void awaitWritable() throws IOException {
        while (!conn.isWritable() && !bridge.closed) {
            parkForOutput();
        }
        requireOpen();
    }

    private void parkForOutput() throws InterruptedIOException {
        LockSupport.park(this);
        if (Thread.interrupted()) {
            throw new InterruptedIOException("FramedStream: interrupted waiting for the peer to read");
        }
    }

    private void requireOpen() throws IOException {
        requireTask();
        if (bridge.closed || !conn.isOpen()) {
            Throwable c = bridge.cause;
            throw c == null ? Errno.closedException("FramedStream(" + conn + "): connection closed")
                    : new IOException("FramedStream(" + conn + "): closed: " + c, c);
        }
    }

    private void requireTask() {
        if (Thread.currentThread() != bridge.task || !LoopContext.onCarrier(loop)) {
            throw new IllegalStateException("FramedStream is used from its connection's task only, on the loop's "
                    + "carrier (run with --add-opens java.base/java.lang=io.ringloop)");
        }
    }

    /** Sends what is queued, then closes. */
    public void close() {
        if (conn.isOpen()) {
            conn.close();
        }
    }

    /** The connection underneath (its queue, its address); its handler is this stream's. */
    public FrameConnection connection() {
        return conn;
    }
}
