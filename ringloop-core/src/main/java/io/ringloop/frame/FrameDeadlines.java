package io.ringloop.frame;

import io.ringloop.loop.internal.Loop;
import java.net.SocketTimeoutException;

/**
 * One framing connection's time limits on one timer entry of its loop, re-armed lazily for the earliest that
 * applies: the TLS handshake (until it is done), write (queued output the peer takes nothing of), read (a
 * partial frame or record left incomplete) and idle (no input, nothing partial, nothing queued). Expiry aborts
 * the connection with a {@link SocketTimeoutException} naming the limit, except idle, which closes it
 * gracefully. Loop thread only.
 */
final class FrameDeadlines {
    private static final int HANDSHAKE = 0;
    private static final int WRITE = 1;
    private static final int READ = 2;
    private static final int IDLE = 3;
    private static final long NONE = Long.MAX_VALUE;

    private final FrameConnection conn;
    private final Loop loop;
    private final ServerTimeouts limits;
    private long timerId = -1;
    private long timerAtNs;
    private final Runnable onTimer = this::fired;

    FrameDeadlines(FrameConnection conn, Loop loop, ServerTimeouts limits) {
        this.conn = conn;
        this.loop = loop;
        this.limits = limits;
    }

    /** When limit {@code kind} expires as things are now, or {@link #NONE} when it does not apply. */
    private long deadline(int kind) {
        boolean open = conn.isOpen();
        boolean opening = conn.tls != null && !conn.tls.handshaken();
        return switch (kind) {
            case HANDSHAKE -> open && opening ? conn.tls.deadlineNs : NONE;
            case WRITE -> limits.writeNs() > 0 && !conn.out.idle() ? conn.out.progressNs + limits.writeNs() : NONE;
            case READ -> limits.readNs() > 0 && open && conn.in.partial()
                    ? conn.in.partialSinceNs() + limits.readNs() : NONE;
            default -> limits.idleNs() > 0 && open && !opening && !conn.in.partial() && conn.out.idle()
                    ? conn.lastInputNs + limits.idleNs() : NONE;
        };
    }

    /** Arms the timer for the earliest deadline that applies, unless one as early is armed. */
    void arm() {
        if (conn.isClosed()) {
            return;
        }
        long d = NONE;
        for (int kind = HANDSHAKE; kind <= IDLE; kind++) {
            long k = deadline(kind);
            if (k != NONE && (d == NONE || k - d < 0)) {
                d = k;
            }
        }
        if (d == NONE || (timerId != -1 && timerAtNs - d <= 0)) {
            return;
        }
        cancel();
        timerAtNs = d;
        timerId = loop.scheduleAt(d, onTimer);
    }

    /** The connection closed: no timer entry is left behind. */
    void cancel() {
        if (timerId != -1) {
            loop.cancelTimer(timerId);
            timerId = -1;
        }
    }

    private void fired() {
        timerId = -1;
        if (conn.isClosed()) {
            return;
        }
        long now = loop.nanoTime();
        for (int kind = HANDSHAKE; kind <= IDLE; kind++) {
            long d = deadline(kind);
            if (d != NONE && now - d >= 0) {
                expire(kind);
                return;
            }
        }
        arm();
    }

    private void expire(int kind) {
        switch (kind) {
            case HANDSHAKE -> conn.abort(conn.tls.timedOut());
            case WRITE -> conn.abort(new SocketTimeoutException("write timeout: the peer took none of "
                    + conn.out.queued + " queued bytes for " + limits.writeNs() / 1_000_000 + " ms (" + conn.fdName()
                    + ")"));
            case READ -> conn.abort(new SocketTimeoutException("read timeout: a frame begun " + limits.readNs()
                    / 1_000_000 + " ms ago is still incomplete (" + conn.in.accumulated() + " bytes) ("
                    + conn.fdName() + ")"));
            default -> conn.closeWith(new SocketTimeoutException("idle timeout: no input for "
                    + limits.idleNs() / 1_000_000 + " ms (" + conn.fdName() + ")"));
        }
    }
}
