package io.ringloop.net.internal;

import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.SafeLog;
import io.ringloop.sys.Errno;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What a listener does when the system refuses to accept for want of resources: EMFILE (this process is out of
 * file descriptors), ENFILE (the system is), ENOBUFS or ENOMEM (socket memory). Retrying at once would spin:
 * the connection stays in the backlog and the next accept fails the same way until something is freed. So the
 * accept waits and tries again, first after {@link #FIRST_DELAY_NS}, doubling up to {@link #MAX_DELAY_NS}
 * (at most ten tries a second once the limit has held for a while), and starts over after one that succeeds.
 *
 * <p>An <em>episode</em> runs from the first refused accept until {@link #QUIET_NS} passes without one; a
 * server at its limit, where every freed descriptor is taken by the next connection, stays in one episode.
 * Each episode is reported once at WARNING when it starts, and once at INFO when accepts work again.
 *
 * <p>Every listener shares it ({@code TcpListener}, {@code UnixListener}); the task style waits with
 * {@link #pause}, which the listener's close cuts short ({@link #wakePaused}). One accept at a time per listener
 * (as the listener itself requires): no synchronisation but the paused thread's publication.
 */
public final class AcceptBackoff {
    public static final long FIRST_DELAY_NS = 1_000_000L;
    public static final long MAX_DELAY_NS = 100_000_000L;
    public static final long QUIET_NS = 1_000_000_000L;
    private final System.Logger log;
    private final String where;
    /** The wait after the next refusal; 0 after a success (the next refusal waits FIRST_DELAY_NS). */
    private long nextDelayNs;
    /** When the last refusal was seen (System.nanoTime), and whether one ever was. */
    private long lastRefusedNs;
    private boolean refusedEver;
    /** Refusals in this episode, and whether its recovery has been reported. */
    private long refusals;
    private boolean recoveryReported = true;
    private long episodeStartNs;
    /** Task style: the thread waiting out a back-off, which the listener's close wakes. */
    private volatile Thread paused;

    /** For the listener at {@code where} (its address, for the messages). */
    public AcceptBackoff(String where) {
        this(where, System.getLogger("io.ringloop.net"));
    }

    /** With the logger a test captures. */
    public AcceptBackoff(String where, System.Logger log) {
        this.where = where;
        this.log = log;
    }

    /** True for an accept result that means "out of descriptors or memory": wait and retry, do not fail. */
    public static boolean exhausted(int result) {
        return result == -Errno.EMFILE || result == -Errno.ENFILE || result == -Errno.ENOBUFS
                || result == -Errno.ENOMEM;
    }

    /** After a refused accept ({@link #exhausted}): how long to wait before the next. Warns once per episode. */
    public long refused(int result, long nowNs) {
        if (!refusedEver || nowNs - lastRefusedNs > QUIET_NS) {
            refusals = 0;
            episodeStartNs = nowNs;
            nextDelayNs = 0;
            say(System.Logger.Level.WARNING, "accept(" + where + "): " + Errno.describe(result)
                    + ": out of file descriptors or socket memory; pending connections wait in the backlog and "
                    + "accept retries with back-off (up to every " + MAX_DELAY_NS / 1_000_000 + " ms) until some "
                    + "are freed (raise the limit: ulimit -n)");
            recoveryReported = false;
        }
        refusedEver = true;
        lastRefusedNs = nowNs;
        refusals++;
        nextDelayNs = nextDelayNs == 0 ? FIRST_DELAY_NS : Math.min(MAX_DELAY_NS, nextDelayNs * 2);
        return nextDelayNs;
    }

    /** After an accept that succeeded: the next refusal starts at the shortest wait. */
    public void accepted() {
        nextDelayNs = 0;
        if (!recoveryReported) {
            recoveryReported = true;
            say(System.Logger.Level.INFO, "accept(" + where + "): accepting again after " + refusals
                    + " refused attempt(s) over " + (System.nanoTime() - episodeStartNs) / 1_000_000 + " ms");
        }
    }

    /**
     * Task style: waits {@code delayNs} (on {@code loop}'s timer when on its carrier, so the loop serves others),
     * or less when {@code closed} turns true and the listener {@link #wakePaused wakes} it; a cancel (interrupt)
     * ends it with the cancellation exception naming {@code call}.
     */
    public void pause(Loop loop, long delayNs, BooleanSupplier closed, String call) throws IOException {
        long deadlineNs = System.nanoTime() + delayNs;
        Thread me = Thread.currentThread();
        boolean onCarrier = LoopContext.onCarrier(loop);
        long timer = onCarrier ? loop.scheduleAt(deadlineNs, me) : -1;
        paused = me;
        try {
            while (!closed.getAsBoolean() && deadlineNs - System.nanoTime() > 0) {
                if (onCarrier) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, deadlineNs - System.nanoTime());
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw Errno.cancelled(call);
                }
            }
        } finally {
            paused = null;
            if (onCarrier) {
                loop.cancelTimer(timer); // false when it fired: nothing to do
            }
        }
    }

    /** Any thread, after the listener closed: a task waiting in {@link #pause} looks again at once. */
    public void wakePaused() {
        Thread t = paused;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Logs {@code message}, on standard error when the logger itself fails (see {@link SafeLog}). */
    private void say(System.Logger.Level level, String message) {
        SafeLog.log(log, level, message, null);
    }
}
