package io.ringloop.net;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * The callback-style twin of {@link IoWaiter}: one per stream direction, reused. An immediate result is
 * deferred through the loop's local queue ({@link #run}) so a callback never runs inside the call that
 * started its operation.
 *
 * <p>The callback is user code called from the driver's completion path (inside {@code Driver.poll} when the
 * operation had to wait). What it throws is caught here and reported to the loop's uncaught-failure handler,
 * exactly like a failed task: one user bug must not reach the loop's {@code run} and stop the loop.
 */
final class CallbackOp extends Completion implements Runnable {
    private final Loop loop;
    private final String call;
    /** Maps a raw non-negative result to what the user sees (read: 0 → -1 at EOF). */
    private final IntUnaryOperator mapResult;
    /** Runs when the operation is over, before the callback (a stream's direction is free again); or null. */
    private final Runnable onDone;
    /** What a failed result ({@code -errno}) becomes: by default {@code Errno.exception(call, r)}. */
    private final IntFunction<IOException> failure;
    private IoCallback callback;
    private int deferred;
    /** An operation refused before it reached the driver ({@link #refused}): its callback hears this. */
    private IOException deferredError;
    /** The loop turn of the last immediate result, and how many there were in it: the fairness budget. */
    private long budgetTurn = -1;
    private int immediateThisTurn;

    CallbackOp(Loop loop, String call, IntUnaryOperator mapResult) {
        this(loop, call, mapResult, null);
    }

    CallbackOp(Loop loop, String call, IntUnaryOperator mapResult, Runnable onDone) {
        this(loop, call, mapResult, onDone, null);
    }

    CallbackOp(Loop loop, String call, IntUnaryOperator mapResult, Runnable onDone, IntFunction<IOException> failure) {
        this.loop = loop;
        this.call = call;
        this.mapResult = mapResult;
        this.onDone = onDone;
        this.failure = failure != null ? failure : r -> Errno.exception(call, r);
    }

    /**
     * Loop thread: the operation was refused before it reached the driver (its stream or listener is closed);
     * {@code cb} hears {@code error} from the loop's queue, as it would hear a result, never inside this call.
     */
    void refused(IOException error, IoCallback cb) {
        callback = cb;
        deferredError = error;
        loop.executeLocal(this);
    }

    /**
     * Loop thread: {@code r} is what the driver call (with this as completion) returned. An immediate result runs
     * the callback from the loop's queue; past the loop's budget of immediate results per turn for this
     * operation (a connection that always has data), only after the next poll, so other connections are served.
     */
    void started(int r, IoCallback cb) {
        callback = cb;
        if (r != Driver.PENDING) {
            deferred = r;
            long turn = loop.turns();
            if (turn != budgetTurn) {
                budgetTurn = turn;
                immediateThisTurn = 0;
            }
            int budget = loop.runQueue().budget();
            if (budget != 0 && ++immediateThisTurn > budget) {
                loop.runQueue().addAfterPoll(this);
            } else {
                loop.executeLocal(this);
            }
        }
    }

    boolean busy() {
        return callback != null;
    }

    @Override
    public void run() {
        IOException error = deferredError;
        if (error != null) {
            deferredError = null;
            finish(-1, error);
        } else {
            complete(deferred);
        }
    }

    @Override
    public void complete(int r) {
        finish(r, null);
    }

    /** Hands {@code r} (or {@code error}, when not null) to the callback, once. */
    private void finish(int r, IOException error) {
        IoCallback cb = callback;
        callback = null;
        if (cb == null) {
            return;
        }
        if (onDone != null) {
            onDone.run();
        }
        boolean ok = error == null && r >= 0;
        try {
            if (ok) {
                cb.completed(mapResult.applyAsInt(r));
            } else {
                cb.failed(error != null ? error : failure.apply(r));
            }
        } catch (Throwable t) {
            loop.reportUncaught((ok ? "IoCallback.completed" : "IoCallback.failed") + " after " + call, t);
        }
    }
}
