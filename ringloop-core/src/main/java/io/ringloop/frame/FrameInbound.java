package io.ringloop.frame;

import io.ringloop.driver.Driver;
import io.ringloop.driver.ReceiveCompletion;
import io.ringloop.io.FrameTooLongException;
import io.ringloop.sys.Errno;
import java.io.EOFException;
import java.lang.foreign.MemorySegment;

/**
 * One connection's receive side in callback style: in-place receives ({@link Driver#receive}), the parse loop
 * that shows the handler what arrived, and the accumulator that keeps a partial frame between receives.
 *
 * <p><b>In place first.</b> While nothing is accumulated the handler sees the loop's receive memory itself;
 * whatever it leaves unconsumed (a partial frame) is copied into a pooled accumulator and the receive memory goes
 * back at once ({@link Driver#receiveDone}). Once the accumulator holds bytes, new bytes are appended only as far
 * as the frame needs (its {@code needAtLeast}, or doubling for {@code NEED_MORE}); when the accumulator empties,
 * the rest of the receive is parsed in place again, and the accumulator goes back to the pool.
 *
 * <p><b>Stops.</b> Parsing stops when the handler needs more, when the connection is unwritable (reading stops
 * too, until {@link #resume}), when it closes, or at the per-turn budget: {@link #CALLS_PER_TURN} handler calls
 * or {@link #BYTES_PER_TURN} bytes, after which it resumes after the loop's next poll. Loop thread only.
 */
final class FrameInbound extends ReceiveCompletion {
    static final int CALLS_PER_TURN = 128;
    static final int BYTES_PER_TURN = 256 * 1024;

    private final FrameConnection conn;
    private final FrameLoop fl;
    private final Driver driver;
    private final int fd;
    private final int maxFrame;
    /** Bumped after each handler call: views of an older epoch throw. */
    private long epoch;
    /** The accumulator (null when empty) and its unconsumed bytes [accStart, accEnd). */
    private byte[] acc;
    private MemorySegment accSegment;
    private int accStart;
    private int accEnd;
    /** When the accumulated partial frame began (the read timeout runs from here). */
    private long accSinceNs;
    /** Bytes the frame at the front needs before the handler is called again; 0: any byte. */
    private long need;
    private boolean receiving;
    private boolean stopped;
    private long budgetTurn = -1;
    private int callsThisTurn;
    private long bytesThisTurn;
    private boolean resumeQueued;
    private final Runnable resume = this::resumeAfterPoll;

    FrameInbound(FrameConnection conn, FrameLoop fl, int fd) {
        this.conn = conn;
        this.fl = fl;
        this.driver = fl.driver;
        this.fd = fd;
        this.maxFrame = fl.options.maxFrame();
    }

    long epoch() {
        return epoch;
    }

    /**
     * A partial frame is held, or with TLS a partial record (the idle timeout does not apply, the read timeout
     * does).
     */
    boolean partial() {
        return acc != null || (conn.tls != null && conn.tls.holdsInput());
    }

    /** When the oldest partial input began (after {@link #partial} is true). */
    long partialSinceNs() {
        if (acc == null) {
            return conn.tls.buffers.heldSinceNs;
        }
        return conn.tls != null && conn.tls.holdsInput() && conn.tls.buffers.heldSinceNs - accSinceNs < 0
                ? conn.tls.buffers.heldSinceNs : accSinceNs;
    }

    int accumulated() {
        return accEnd - accStart;
    }

    /** Starts (or restarts after a stop) receiving: parses what is accumulated, then receives. */
    void resume() {
        if (acc != null) {
            parseAccumulated(); // stops for more bytes, a pause, a close or the budget; receiveLoop checks each
        }
        if (conn.tls != null && conn.readable()) {
            conn.tls.decryptPending(); // records received while the connection could not parse
        }
        receiveLoop();
    }

    /** Task style: a new parser asks; whatever is accumulated is shown to it, then receiving goes on. */
    void resumeFresh() {
        need = 0;
        resume();
    }

    boolean stopped() {
        return stopped;
    }

    private void resumeAfterPoll() {
        resumeQueued = false;
        if (conn.readable()) {
            resume();
        }
    }

    /** Receives while data is there at once and nothing stops it; PENDING leaves a receive waiting. */
    private void receiveLoop() {
        while (!receiving && !stopped && conn.receivable()) {
            if (spent()) {
                queueResume();
                return;
            }
            int r = driver.receive(fd, fl.scratch, this);
            if (r == Driver.PENDING) {
                receiving = true;
                return;
            }
            received(r);
        }
    }

    @Override
    public void complete(int r) {
        receiving = false;
        if (!conn.isOpen()) {
            return; // closed under the receive: -ECANCELED, or bytes nobody will parse (already given back)
        }
        received(r);
        receiveLoop();
    }

    /** Closing: a receive that waits is cancelled (its completion finds the connection closed). */
    void stop() {
        stopped = true;
        if (receiving) {
            driver.cancel(this);
        }
    }

    private void received(int r) {
        if (r > 0) {
            conn.stampInput();
            if (conn.tls != null) {
                conn.tls.received(received(), receivedOffset(), r);
            } else {
                onBytes(received(), receivedOffset(), r);
            }
            if (conn.isOpen()) {
                driver.receiveDone(fd);
            }
        } else if (r == 0) {
            if (conn.tls != null) {
                conn.tls.transportEnded();
            } else {
                ended(null);
            }
        } else {
            conn.abort(Errno.exception("recv(fd=" + fd + ")", r));
        }
    }

    /** The peer's end of input ({@code how}, for TLS, or null): clean between frames, an error mid-frame. */
    void ended(String how) {
        if (acc != null) {
            conn.abort(new EOFException("end of stream mid-frame: " + accumulated() + " bytes of an incomplete frame"
                    + (how == null ? "" : " at " + how) + " (fd=" + fd + ")"));
        } else {
            conn.peerClosed();
        }
    }

    /** {@code n} new bytes at {@code off} of loop-owned {@code mem} (with TLS, plaintext): parse, keep the rest. */
    void onBytes(MemorySegment mem, long off, int n) {
        long pos = 0;
        while (pos < n && conn.isOpen()) {
            if (acc == null) {
                long used = conn.readable() ? parse(mem, off + pos, n - pos, false) : 0;
                if (used < n - pos && conn.isOpen()) {
                    append(mem, off + pos + used, (int) (n - pos - used));
                }
                return;
            }
            int held = accumulated();
            long want = need > held ? need - held : Math.max(held, 1);
            int take = (int) Math.min(n - pos, Math.max(1, Math.min(want, (long) maxFrame - held)));
            if (!conn.readable()) {
                take = (int) (n - pos); // paused or out of budget: keep everything, parse later
            }
            append(mem, off + pos, take);
            pos += take;
            if (conn.readable() && accumulated() >= need) {
                parseAccumulated();
            }
        }
    }

    /** Parses the accumulator; true when it is empty afterwards (or was). */
    private boolean parseAccumulated() {
        if (acc == null || accumulated() < need) {
            return acc == null;
        }
        long used = parse(accSegment, accStart, accumulated(), true);
        if (acc == null) {
            return true; // closed meanwhile: released
        }
        accStart += (int) used;
        if (accStart == accEnd) {
            releaseAccumulator();
            conn.armTimer(); // no partial frame now: the idle timeout applies again
            return true;
        }
        return false;
    }

    /**
     * Shows the handler {@code [off, off+len)} of {@code mem} again and again while it consumes: the bytes
     * consumed. Sets {@link #need} when it stops for more.
     */
    private long parse(MemorySegment mem, long off, long len, boolean accumulated) {
        long pos = 0;
        while (pos < len && conn.readable()) {
            long avail = len - pos;
            if (need > avail) {
                break;
            }
            if (spent()) {
                queueResume();
                break;
            }
            callsThisTurn++;
            long r = conn.callHandler(new FrameView(mem, off + pos, avail, this, epoch));
            epoch++;
            if (!conn.isOpen()) {
                return pos;
            }
            if (r > 0) {
                if (r > avail) {
                    conn.abort(new IllegalStateException("FrameHandler.onData consumed " + r + " bytes of " + avail
                            + " shown"));
                    return pos;
                }
                pos += r;
                bytesThisTurn += r;
                need = 0;
            } else if (r == 0) {
                need = avail + 1;
                if (avail >= maxFrame) {
                    tooLong(avail + 1);
                    return pos;
                }
            } else if (-r <= avail) {
                conn.abort(new IllegalStateException("FrameHandler.onData asked for needAtLeast(" + -r + ") with "
                        + avail + " bytes shown"));
                return pos;
            } else {
                need = -r;
                if (need > maxFrame) {
                    tooLong(need);
                    return pos;
                }
            }
        }
        return pos;
    }

    private void tooLong(long needed) {
        conn.abort(new FrameTooLongException("frame needs " + needed + " bytes, more than maxFrame " + maxFrame
                + " (fd=" + fd + ")", maxFrame));
    }

    /** The per-turn budget is spent: {@link #CALLS_PER_TURN} calls or {@link #BYTES_PER_TURN} bytes. */
    private boolean spent() {
        long turn = fl.loop.turns();
        if (turn != budgetTurn) {
            budgetTurn = turn;
            callsThisTurn = 0;
            bytesThisTurn = 0;
            return false;
        }
        return callsThisTurn >= CALLS_PER_TURN || bytesThisTurn >= BYTES_PER_TURN;
    }

    private void queueResume() {
        if (!resumeQueued) {
            resumeQueued = true;
            fl.loop.runQueue().addAfterPoll(resume);
        }
    }

    /** Copies {@code [off, off+n)} of {@code mem} to the end of the accumulator, taken or grown as needed. */
    private void append(MemorySegment mem, long off, int n) {
        if (acc == null) {
            acc = fl.take((int) Math.max(n, Math.min(need, maxFrame)));
            accSegment = MemorySegment.ofArray(acc);
            accStart = 0;
            accEnd = 0;
            accSinceNs = fl.loop.nanoTime();
            conn.armTimer();
        } else if (acc.length - accEnd < n) {
            int held = accumulated();
            if (acc.length - held >= n && accStart >= held) {
                System.arraycopy(acc, accStart, acc, 0, held);
            } else {
                byte[] bigger = fl.take((int) Math.max((long) held + n, Math.min(need, maxFrame)));
                System.arraycopy(acc, accStart, bigger, 0, held);
                fl.give(acc);
                acc = bigger;
                accSegment = MemorySegment.ofArray(acc);
            }
            accStart = 0;
            accEnd = held;
        }
        MemorySegment.copy(mem, off, accSegment, accEnd, n);
        accEnd += n;
    }

    private void releaseAccumulator() {
        fl.give(acc);
        acc = null;
        accSegment = null;
        accStart = 0;
        accEnd = 0;
        need = 0;
    }

    /** The connection closed: the accumulator goes back. */
    void closed() {
        if (acc != null) {
            releaseAccumulator();
        }
        if (receiving && !stopped) {
            stop();
        }
    }
}
