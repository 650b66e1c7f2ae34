package io.ringloop.loop.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The graceful shutdown of one {@link Loop}, phase by phase: stop accepting (close what registered with
 * {@link #closeOnShutdown}), drain (live tasks may finish until the drain deadline), cancel (run the cancel hooks,
 * then give the cancelled tasks {@link #CANCEL_GRACE_NS} to unwind). The loop asks {@link #stopNow()} after every
 * turn and, once it says yes, closes the driver under whatever is left (see {@code Loop.terminate}).
 *
 * <p>"Live" is counted by {@link #retain}/{@link #release}: the task layer retains once per task. Loop thread
 * only; the request to shut down comes from any thread through {@link Loop#requestShutdown}, which posts
 * {@link #begin} to the loop.
 */
final class LoopShutdown {
    private static final System.Logger LOG = System.getLogger(Loop.class.getName());

    private static final int RUNNING_PHASE = 0;
    private static final int DRAINING = 1;
    private static final int CANCELLING = 2;
    /** How long cancelled tasks get to unwind before their sockets are closed under them. */
    private static final long CANCEL_GRACE_NS = Duration.ofMillis(250).toNanos();

    private final Loop loop;
    private final List<Runnable> cancelHooks = new ArrayList<>();
    /** Closed when shutdown begins ("stop accepting"): listeners register here. */
    private final Set<AutoCloseable> closeOnShutdown = new LinkedHashSet<>();
    /** Things that keep the loop alive during a graceful shutdown (live tasks). */
    private int keepAlive;
    /** RUNNING_PHASE, then DRAINING (tasks may finish), then CANCELLING (tasks were cancelled). */
    private int stopPhase;
    /** When the current stop phase ends even if tasks are still alive. */
    private long phaseDeadlineNs;

    LoopShutdown(Loop loop) {
        this.loop = loop;
    }

    void retain() {
        keepAlive++;
    }

    void release() {
        keepAlive--;
    }

    void onCancel(Runnable hook) {
        cancelHooks.add(hook);
    }

    void closeOnShutdown(AutoCloseable resource) {
        closeOnShutdown.add(resource);
    }

    void forgetOnShutdown(AutoCloseable resource) {
        closeOnShutdown.remove(resource);
    }

    /** False once the shutdown has started cancelling tasks. */
    boolean acceptsTasks() {
        return stopPhase < CANCELLING;
    }

    /** Starts draining for {@code drainNs}: closes what asked to be closed at shutdown. Idempotent. */
    void begin(long drainNs) {
        if (stopPhase != RUNNING_PHASE) {
            return;
        }
        stopPhase = DRAINING;
        phaseDeadlineNs = loop.nanoTime() + drainNs;
        for (AutoCloseable c : List.copyOf(closeOnShutdown)) {
            try {
                c.close();
            } catch (Exception e) {
                SafeLog.log(LOG, System.Logger.Level.WARNING, loop.name() + ": closing " + c + " at shutdown", e);
            }
        }
        closeOnShutdown.clear();
    }

    /** True when the loop should stop now; moves DRAINING to CANCELLING at the drain deadline. */
    boolean stopNow() {
        if (stopPhase == RUNNING_PHASE) {
            return false;
        }
        if (keepAlive <= 0) {
            return true;
        }
        if (loop.nanoTime() - phaseDeadlineNs < 0) {
            return false;
        }
        if (stopPhase == DRAINING) {
            stopPhase = CANCELLING;
            phaseDeadlineNs = loop.nanoTime() + CANCEL_GRACE_NS;
            for (Runnable hook : List.copyOf(cancelHooks)) {
                loop.runSafely(hook);
            }
            return false;
        }
        return true; // CANCELLING and out of time: close what is left under it
    }

    /**
     * When the sleeping loop must wake, given its next timer {@code deadlineNs}: the earlier of that and the
     * end of the current stop phase, so {@link #stopNow} gets to move on in time; at once when stopping with
     * nothing left alive (else a loop that was idle when the shutdown arrived slept out the whole drain, however
     * long, before {@link #stopNow} saw that nothing was left to drain).
     */
    long wakeBy(long deadlineNs) {
        if (stopPhase == RUNNING_PHASE) {
            return deadlineNs;
        }
        if (keepAlive <= 0) {
            return loop.nanoTime();
        }
        return phaseDeadlineNs - deadlineNs < 0 ? phaseDeadlineNs : deadlineNs;
    }
}
