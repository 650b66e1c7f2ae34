package io.ringloop.task.internal;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.LoopEvents;
import io.ringloop.sys.Errno;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * A blocking caller's side of one operation at a time: it parks the calling thread (a task's virtual thread,
 * or any thread) until the driver completes the operation. One per stream direction, reused, so the hot path
 * allocates nothing.
 *
 * <p>Interrupt = cancel: an interrupted waiter asks the driver to cancel and keeps waiting for the
 * completion, which is exactly one. If the operation finished anyway (its result raced the cancel), the
 * result is returned as usual and no byte is lost; only a real {@code -ECANCELED} becomes a
 * {@link java.util.concurrent.CancellationException}. The interrupt status is restored either way.
 */
public final class IoWaiter extends Completion {
    private final Loop loop;
    private final Driver driver;
    private volatile Thread waiter;
    private volatile boolean done;
    /** Published by the volatile write of {@link #done}. */
    private int result;
    private volatile boolean timedOut;
    /** The current operation's deadline is the kernel's ({@link Driver#deadline}): its -ECANCELED is a timeout. */
    private volatile boolean kernelDeadline;
    /** Which operation this waiter serves now; a late timer for an earlier one checks it. */
    private volatile long sequence;
    /** Operations this waiter has waited for; names the one a late cancel was meant for. */
    private volatile long pendingOps;

    public IoWaiter(Loop loop) {
        this.loop = loop;
        this.driver = loop.driver();
    }

    @Override
    public void complete(int r) {
        result = r;
        done = true;
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * The hot path, on the loop's carrier: {@code r} is what the driver call returned. A ready result spends one
     * of the task's budget of immediate completions; the last one yields to the loop first (the result is kept),
     * so a task whose socket always has data still lets the loop serve the others.
     */
    public int finish(int r, String call) {
        if (r == Driver.PENDING) {
            return await(call);
        }
        if (loop.runQueue().spend() && Thread.currentThread().isVirtual()) {
            loop.counters().budgetYield();
            LoopContext.yieldToPoll();
        }
        return r;
    }

    /**
     * {@link #finish(int, String)} with a time limit ({@code timeoutNs > 0}): the operation is cancelled when
     * it expires and its {@code -ECANCELED} becomes {@code -ETIMEDOUT}. The kernel keeps the deadline where
     * the driver can ({@link Driver#deadline}), else the loop's timer does. On the loop's carrier, right
     * after the driver call that returned {@code r}.
     */
    public int finish(int r, String call, long timeoutNs) {
        if (r != Driver.PENDING || timeoutNs <= 0) {
            return finish(r, call);
        }
        long seq = ++sequence;
        return timeoutResult(awaitWithin(seq, timeoutNs, call));
    }

    /** Arms the deadline of operation {@code seq} (just submitted, pending) and waits for its result. */
    private int awaitWithin(long seq, long timeoutNs, String call) {
        if (driver.deadline(this, timeoutNs)) {
            kernelDeadline = true;
            return await(call);
        }
        long timer = loop.schedule(timeoutNs, () -> expire(seq));
        int r = await(call);
        if (!timedOut) {
            loop.cancelTimer(timer);
        }
        return r;
    }

    /**
     * Runs {@code submit} (a driver call taking this waiter as its completion) on the loop, from any thread,
     * and waits for its result. {@code timeoutNs > 0} cancels the operation when it expires and turns its
     * {@code -ECANCELED} into {@code -ETIMEDOUT}.
     */
    public int run(IntSupplier submit, String call, long timeoutNs) {
        long seq = ++sequence;
        if (LoopContext.onCarrier(loop)) {
            int r = submit.getAsInt();
            if (r != Driver.PENDING) {
                return finish(r, call);
            }
            return timeoutResult(timeoutNs > 0 ? awaitWithin(seq, timeoutNs, call) : await(call));
        }
        LoopContext.post(loop, () -> {
            int r = submit.getAsInt();
            if (r != Driver.PENDING) {
                complete(r);
            } else if (timeoutNs > 0 && driver.deadline(this, timeoutNs)) {
                kernelDeadline = true; // read by timeoutResult after the completion's volatile write
            } else if (timeoutNs > 0) {
                loop.schedule(timeoutNs, () -> expire(seq)); // a no-op if the operation is over by then
            }
        });
        return timeoutResult(await(call));
    }

    /**
     * Turns the cancel of an expired operation into {@code -ETIMEDOUT}. With a kernel deadline every
     * {@code -ECANCELED} that reaches here is the deadline's: an interrupt's cancel has thrown already, and a
     * closed stream reports its own close.
     */
    private int timeoutResult(int r) {
        boolean expired = timedOut || kernelDeadline;
        timedOut = false;
        kernelDeadline = false;
        return expired && r == -Errno.ECANCELED ? -Errno.ETIMEDOUT : r;
    }

    /**
     * Cancels pending operation number {@code op} of this waiter, through the loop's queue, and only if that
     * same operation is still pending when the loop gets to it: the waiter is reused, and a cancel that
     * arrives late must not hit the next operation.
     */
    private void requestCancel(long op) {
        LoopContext.post(loop, () -> {
            if (pendingOps == op && isPending()) {
                driver.cancel(this);
            }
        });
    }

    /** Loop thread: the timeout of operation {@code seq} expired. */
    private void expire(long seq) {
        if (seq == sequence && isPending()) {
            timedOut = true;
            driver.cancel(this);
        }
    }

    /** Waits for the completion of an operation that went PENDING. */
    private int await(String call) {
        long slowNs = LoopEvents.slowOperationThresholdNs(); // 0 unless slow operations are reported
        long startNs = slowNs > 0 ? System.nanoTime() : 0;
        waiter = Thread.currentThread();
        long op = ++pendingOps;
        boolean interrupted = false;
        while (!done) {
            LockSupport.park(this);
            // Every interrupt is consumed: a second one left set (a task cancelled twice, by its caller and by
            // its loop's shutdown) would make park return at once for ever, a spin that holds the loop. The
            // first one asks for the cancel; the status is restored below.
            if (Thread.interrupted() && !interrupted) {
                interrupted = true;
                requestCancel(op);
            }
        }
        waiter = null;
        done = false;
        int r = result;
        if (slowNs > 0 && System.nanoTime() - startNs > slowNs) {
            LoopEvents.slowOperation(loop.name(), call, System.nanoTime() - startNs);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            if (r == -Errno.ECANCELED) {
                throw Errno.cancelled(call);
            }
        }
        return r;
    }
}
