package io.ringloop.frame;

import io.ringloop.driver.Driver;
import io.ringloop.loop.EventLoop;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.Objects;
import javax.net.ssl.SSLSession;

/**
 * One connection of a {@link FrameServer}, as its {@link FrameHandler} sees it: what it sends, whether it may send
 * more, and how it ends. Loop thread only (the handler's calls run there).
 *
 * <p><b>Sending</b> never waits and makes no system call: {@link #send(byte[])} copies the bytes into pooled
 * chunks, {@link #sendOwned} queues a segment itself. Everything queued during one loop turn leaves in one gathered
 * write, after the handler calls of that turn. {@code send} returns false once more than the high watermark is
 * queued: the connection is then neither parsed nor read until the peer has taken enough
 * ({@link FrameHandler#onWritable}); past four times the watermark it is aborted.
 *
 * <p><b>Ending</b>: {@link #close()} sends what is queued, then closes (the peer reads every byte, then end of
 * stream); {@link #abort()} drops what is queued and closes at once. Either way {@link FrameHandler#onClosed} runs
 * once. {@link #shutdownOutput()} sends what is queued and half-closes while input goes on (a protocol that refuses
 * a request answers, half-closes and discards what still comes, so that its close does not reset the answer);
 * {@link #isDraining()} tells a handler that its server drains and the connection closes after this frame.
 *
 * <p><b>TLS</b> ({@link FrameOptions#withTls}): {@code onOpen} comes after the handshake, the handler sees and
 * sends plaintext, and {@link #tlsSession()} tells what was agreed. A graceful close or {@code shutdownOutput}
 * sends close_notify first; a handshake that fails or runs out of time ends the connection with the reason in
 * {@link FrameHandler#onClosed}, without {@code onOpen}.
 */
public final class FrameConnection {
    private static final int OPEN = 0;
    /** Closing gracefully: no more parsing, the queue drains, then the socket closes. */
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;

    private final FrameLoop fl;
    private final Driver driver;
    private final int fd;
    private final FrameHandler handler;
    private final FrameServer server;
    /** The TLS layer, or null for plain bytes. */
    final FrameTls tls;
    final FrameInbound in;
    final FrameOutbound out;
    private int state = OPEN;
    /** Drain of the server: close at the next frame boundary with nothing queued. */
    private boolean draining;
    /** {@link #shutdownOutput}: no more sends; the half-close waits for the queue to drain while this is set. */
    private boolean outputShut;
    private boolean shutPending;
    /** Why a close that waits for its output (a TLS alert, close_notify) closes: reaches onClosed. */
    private Throwable closeCause;
    /** Task style: input waits until the task asks for the next frame. */
    private boolean inputPaused;
    /** Task style: the peer's end of stream ends input only; the task sends its last answers, then closes. */
    private final boolean taskStyle;
    /** Index in the loop's list of connections (for a drain). */
    int index = -1;
    long lastInputNs;
    private final FrameDeadlines deadlines;

    FrameConnection(FrameLoop fl, int fd, FrameHandler handler, FrameServer server, boolean taskStyle) {
        this.taskStyle = taskStyle;
        this.fl = fl;
        this.driver = fl.driver;
        this.fd = fd;
        this.handler = handler;
        this.server = server;
        this.tls = fl.options.tls() == null ? null : new FrameTls(this, fl, fl.options.tls());
        this.in = new FrameInbound(this, fl, fd);
        this.out = new FrameOutbound(this, fl, fd);
        this.lastInputNs = fl.loop.nanoTime();
        this.deadlines = new FrameDeadlines(this, fl.loop, server.timeouts);
    }

    /** Loop thread: the handler hears onOpen (with TLS after the handshake), the timer is armed, receiving starts. */
    void start() {
        if (tls != null) {
            armTimer(); // the handshake's deadline
            tls.start();
            if (state == OPEN) {
                in.resume();
            }
            return;
        }
        if (opened()) {
            in.resume();
        }
    }

    /**
     * The handler hears onOpen (with TLS once the handshake is done; the caller goes on with the input) and the
     * timer is armed: true while the connection is still open.
     */
    boolean opened() {
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            handlerFailed("onOpen", t);
            return false;
        }
        if (state == OPEN) {
            armTimer();
            return true;
        }
        return false;
    }

    // ---- public API ----

    /** Queues a copy of {@code bytes}: true while the connection is writable (see the class comment). */
    public boolean send(byte[] bytes) {
        return send(bytes, 0, bytes.length);
    }

    /** Queues a copy of {@code bytes[offset, offset+length)}: true while the connection is writable. */
    public boolean send(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return copy(MemorySegment.ofArray(bytes), offset, length);
    }

    /** Queues a copy of {@code [from, from+length)} of {@code view} (an echo): true while writable. */
    public boolean send(FrameView view, long from, long length) {
        Objects.checkFromIndexSize(from, length, view.length());
        return copy(view.memory(), view.offset() + from, length);
    }

    private boolean copy(MemorySegment src, long off, long len) {
        requireSendable();
        if (len > 0) {
            out.copy(src, off, len);
        }
        return isWritable();
    }

    /**
     * Queues {@code segment} itself, without a copy; {@code onReleased} runs on the loop thread once the kernel has
     * taken all of it, or when the connection closes first (then some of it may not have been sent). The segment
     * must stay alive and unchanged until then. True while the connection is writable.
     */
    public boolean sendOwned(MemorySegment segment, Runnable onReleased) {
        Objects.requireNonNull(onReleased, "onReleased");
        requireSendable();
        if (segment.byteSize() == 0) {
            runRelease(onReleased);
        } else {
            out.owned(segment, onReleased);
        }
        return isWritable();
    }

    private void requireSendable() {
        if (state != OPEN) {
            throw new IllegalStateException("send on a " + (state == CLOSING ? "closing" : "closed")
                    + " connection (fd=" + fd + ")");
        }
        if (outputShut) {
            throw new IllegalStateException("send after shutdownOutput (fd=" + fd + ")");
        }
        if (!fl.loop.inLoopThread() && !LoopContext.onCarrier(fl.loop)) {
            throw new IllegalStateException("FrameConnection.send runs on the connection's loop thread");
        }
    }

    /** False while more than the high watermark is queued (until the queue is at the low watermark). */
    public boolean isWritable() {
        return out.writable();
    }

    /** Bytes queued and not yet taken by the kernel. */
    public long queuedBytes() {
        return out.queued;
    }

    /** True until {@link #close()} or {@link #abort()} (or the peer's end, or an error). */
    public boolean isOpen() {
        return state == OPEN;
    }

    /** The loop this connection lives on. */
    public EventLoop loop() {
        return fl.loop;
    }

    /** The peer's address. */
    public InetSocketAddress peerAddress() throws IOException {
        return driver.peerAddress(fd);
    }

    /**
     * The TLS session (protocol, cipher suite, the client's certificates when it sent any), or null for a plain
     * connection. Complete from {@link FrameHandler#onOpen} on.
     */
    public SSLSession tlsSession() {
        return tls == null ? null : tls.session();
    }

    /** The ALPN protocol agreed ({@code ""} when none was), or null for a plain connection. */
    public String applicationProtocol() {
        return tls == null ? null : tls.applicationProtocol();
    }

    /** Sends what is queued, then closes; parsing stops now. */
    public void close() {
        if (state != OPEN) {
            return;
        }
        state = CLOSING;
        in.stop();
        if (out.idle()) {
            closeNow();
        } else {
            armTimer(); // the write timeout bounds the drain
        }
    }

    /** Closing and nothing queued: with TLS close_notify goes first (then this runs again), then the close. */
    private void closeNow() {
        if (tls != null && tls.queueCloseNotify()) {
            armTimer();
            return;
        }
        finish(closeCause, false);
    }

    /** Closes gracefully (TLS: the alert or close_notify goes out first), {@code cause} to onClosed. */
    void closeWith(Throwable cause) {
        if (state == OPEN) {
            closeCause = cause;
            close();
        }
    }

    /**
     * Sends what is queued, then half-closes (the peer reads every byte, then end of stream) while input goes on:
     * the handler still sees what arrives until the peer's end or {@link #close()}. No send after it. A server that
     * refuses a request answers, half-closes and discards what the client still sends, so that closing with unread
     * input does not reset the connection under its answer.
     */
    public void shutdownOutput() {
        if (state != OPEN || outputShut) {
            return;
        }
        outputShut = true;
        shutPending = true;
        if (out.idle()) {
            shutNow();
        }
    }

    /** The half-close asked for, once nothing is queued: with TLS close_notify first. True when done. */
    private boolean shutNow() {
        if (tls != null && tls.queueCloseNotify()) {
            return false; // drained() comes back once it is out
        }
        shutPending = false;
        driver.shutdown(fd, Driver.SHUT_WR);
        return true;
    }

    /**
     * True once the server drains ({@link FrameServer#drain}): this connection closes at its next frame boundary
     * with nothing queued, so an answer may say so (HTTP's {@code Connection: close}).
     */
    public boolean isDraining() {
        return draining;
    }

    /** Closes now, dropping what is queued. */
    public void abort() {
        abort(null);
    }

    @Override
    public String toString() {
        return "FrameConnection[fd=" + fd + ", " + (state == OPEN ? "open" : state == CLOSING ? "closing" : "closed")
                + ", queued=" + out.queued + ", accumulated=" + in.accumulated() + ", " + fl.loop.name() + "]";
    }

    // ---- for FrameInbound, FrameOutbound, FrameServer ----

    boolean isClosing() {
        return state == CLOSING;
    }

    boolean isClosed() {
        return state == CLOSED;
    }

    /** Arms the connection's timer for its earliest deadline ({@link FrameDeadlines}). */
    void armTimer() {
        deadlines.arm();
    }

    String fdName() {
        return "fd=" + fd;
    }

    /** Parsing and reading may go on: open, writable, and (task style) asked for. */
    boolean readable() {
        return state == OPEN && out.writable() && !inputPaused;
    }

    /** Receiving may go on: readable, or a TLS handshake runs (it reads whatever the handler may do). */
    boolean receivable() {
        return state == OPEN && ((tls != null && !tls.handshaken()) || (out.writable() && !inputPaused));
    }

    /** The peer, for messages: its address, or the socket when that is not known. */
    String peerName() {
        try {
            return String.valueOf(driver.peerAddress(fd));
        } catch (IOException | RuntimeException e) {
            return "fd=" + fd;
        }
    }

    /** Task style: no more parsing or reading until {@link #resumeInput}. */
    void pauseInput() {
        inputPaused = true;
    }

    /** Task style: the task asks for the next frame; what is accumulated is parsed first. */
    void resumeInput() {
        inputPaused = false;
        if (state == OPEN && out.writable()) {
            in.resumeFresh();
        }
    }

    boolean sendsAllowed() {
        return state != CLOSED;
    }

    long callHandler(FrameView view) {
        try {
            return handler.onData(this, view);
        } catch (Throwable t) {
            handlerFailed("onData", t);
            return 0;
        }
    }

    void stampInput() {
        lastInputNs = fl.loop.nanoTime();
    }

    void becameWritable() {
        if (state != OPEN) {
            return;
        }
        try {
            handler.onWritable(this);
        } catch (Throwable t) {
            handlerFailed("onWritable", t);
            return;
        }
        if (state == OPEN && out.writable()) {
            in.resume();
        }
    }

    /** The queue is empty. */
    void drained() {
        if (shutPending && !shutNow()) {
            return;
        }
        if (state == CLOSING) {
            closeNow();
        } else if (draining && !in.partial()) {
            close();
        } else {
            armTimer(); // nothing queued now: the idle timeout applies again
        }
    }

    /** The peer's end of stream between frames: what is queued is sent, then the connection closes. */
    void peerClosed() {
        if (taskStyle) {
            in.stop();
            try {
                handler.onClosed(this, null); // the bridge wakes the task: end of input; it closes when done
            } catch (Throwable t) {
                handlerFailed("onClosed", t);
            }
            return;
        }
        close();
    }

    void runRelease(Runnable release) {
        try {
            release.run();
        } catch (Throwable t) {
            fl.loop.reportUncaught("FrameConnection.sendOwned release (fd=" + fd + ")", t);
        }
    }

    /**
     * Handler code threw: a bug nobody else sees (a handler's {@code onClosed} may ignore its cause), so it is
     * reported to the loop's uncaught-failure handler, as a task's failure is, and the connection is aborted
     * with it; the loop serves everyone else.
     */
    private void handlerFailed(String call, Throwable t) {
        fl.loop.reportUncaught("FrameHandler." + call + " (" + this + ")", t);
        abort(t);
    }

    /** Closes now with {@code cause} (null: an abort asked for). */
    void abort(Throwable cause) {
        if (state != CLOSED) {
            finish(cause, true);
        }
    }

    /** Server drain: close now if idle, else at the next frame boundary once the queue is empty. */
    void drain() {
        draining = true;
        if (state == OPEN && !in.partial() && out.idle()) {
            close();
        }
    }

    private void finish(Throwable cause, boolean aborted) {
        boolean inputEnded = taskStyle && in.stopped();
        state = CLOSED;
        deadlines.cancel();
        in.closed();
        if (!aborted) {
            driver.shutdown(fd, Driver.SHUT_WR); // the peer reads every byte, then end of stream
        }
        driver.close(fd); // completes what is pending (ignored: CLOSED) before the memory below goes back
        out.closed();
        if (tls != null) {
            tls.buffers.closed();
        }
        server.closed(this);
        if (inputEnded && cause == null) {
            return; // the task heard of the peer's end already and closed the connection itself
        }
        try {
            handler.onClosed(this, cause);
        } catch (Throwable t) {
            fl.loop.reportUncaught("FrameHandler.onClosed (fd=" + fd + ")", t);
        }
    }
}
