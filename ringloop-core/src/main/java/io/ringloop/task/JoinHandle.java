package io.ringloop.task;

import io.ringloop.loop.internal.Timeouts;
import io.ringloop.task.internal.JoinHandles;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A spawned task: wait for its result, or cancel it.
 *
 * <p><b>Failures nobody observes are reported.</b> A task that fails while nobody is joining it and nobody has
 * taken its {@link #toCompletionStage() stage} goes to its loop's uncaught-failure handler (by default a WARNING
 * with the stack; see {@code Ringloop.Builder.uncaughtFailureHandler}), as a Java thread's uncaught exception
 * does. The decision is made when the task fails, before the failure reaches the handle: join (or take the
 * stage) before the task can fail to handle the failure yourself, or spawn with {@link Tasks#spawnJoined}. A
 * failure that was reported still reaches a later {@link #join()}. A cancelled task is never reported, nor one
 * that fails because its loop's shutdown closed a channel under it (a pending accept as listeners close).
 *
 * <p>{@link #cancel()} interrupts the task. An I/O wait in the task then ends: its operation is cancelled
 * (keeping any data that had already arrived) and the call throws {@link CancellationException}; the task's
 * other blocking calls see the interrupt as usual. {@link #join()} of a cancelled task throws
 * {@link CancellationException}. A task cancelled before its loop started it never runs.
 *
 * <p>The handle is also a future in the JDK's shapes: {@link #toCompletionStage()}, {@link #toCompletableFuture()}
 * (whose {@code cancel} cancels the task), and {@link #state()}, {@link #resultNow()}, {@link #exceptionNow()}
 * as {@link Future} has them, for code that inspects finished tasks ({@link TaskScope.Joiner}).
 */
public final class JoinHandle<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private volatile Thread thread;
    private volatile boolean cancelRequested;
    /** Someone joins (or holds the stage): a failure is theirs, not the uncaught-failure handler's. */
    private volatile boolean observed;

    static {
        JoinHandles.setAccess(new JoinHandles.Access() {
            @Override
            public <T> JoinHandle<T> create() {
                return new JoinHandle<>();
            }

            @Override
            public void bind(JoinHandle<?> handle, Thread thread) {
                handle.bind(thread);
            }

            @Override
            public <T> void succeed(JoinHandle<T> handle, T value) {
                handle.succeed(value);
            }

            @Override
            public void fail(JoinHandle<?> handle, Throwable failure) {
                handle.fail(failure);
            }
        });
    }

    JoinHandle() {
    }

    JoinHandle(boolean observed) {
        this.observed = observed;
    }

    void bind(Thread t) {
        thread = t;
    }

    void succeed(T value) {
        result.complete(value);
    }

    /**
     * Whether the task's failure {@code t} goes to the uncaught-failure handler: nobody observes the handle and
     * the task was not cancelled (what a cancelled task throws while it stops is the cancel's consequence).
     */
    boolean reportsFailure(Throwable t) {
        return !observed && !cancelRequested && !(t instanceof CancellationException);
    }

    /** A cancel came before the loop started the task: it must not start. */
    boolean cancelledBeforeStart() {
        return cancelRequested;
    }

    /** Runs {@code action} once the handle is complete, on the thread that completes it (or at once if done). */
    void whenDone(Runnable action) {
        result.whenComplete((value, failure) -> action.run());
    }

    void fail(Throwable t) {
        if (cancelRequested && Tasks.isCancellation(t)) {
            result.completeExceptionally(new CancellationException("task cancelled"));
        } else {
            result.completeExceptionally(t);
        }
    }

    /**
     * Waits for the task and returns its result. A virtual thread (another task) that joins parks; the loop
     * is not blocked.
     *
     * @throws ExecutionException    the task threw; the cause is its exception
     * @throws CancellationException the task was cancelled
     */
    public T join() throws ExecutionException, InterruptedException {
        observed = true;
        return result.get();
    }

    /**
     * {@link #join()} with a limit. Zero or null: no limit (as for every timeout in ringloop, unlike
     * {@code Future.get}'s 0; ask {@link #isDone()} to poll); negative: {@link IllegalArgumentException}; over
     * about 146 years: that long. The task goes on running when the wait times out; cancel it if it should not.
     *
     * @throws TimeoutException      the task had not finished within {@code timeout}; the message names the call,
     *                               the limit and the task
     * @throws ExecutionException    the task threw; the cause is its exception
     * @throws CancellationException the task was cancelled
     */
    public T join(Duration timeout) throws ExecutionException, InterruptedException, TimeoutException {
        long timeoutNs = Timeouts.limitNanos(timeout, "join");
        observed = true;
        if (timeoutNs == 0) {
            return result.get();
        }
        try {
            return result.get(timeoutNs, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            Thread t = thread;
            throw new TimeoutException("JoinHandle.join(" + timeout + "): task " + (t == null ? "?" : t.getName())
                    + " still running after " + timeout);
        }
    }

    /** Asks the task to stop (interrupts it). Returns false if it had already finished. */
    public boolean cancel() {
        if (result.isDone()) {
            return false;
        }
        cancelRequested = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        return true;
    }

    /** True once the task has finished: with a value, a failure, or cancelled. */
    public boolean isDone() {
        return result.isDone();
    }

    /** True when the task was cancelled (its {@link #cancel()} took effect before it finished). */
    public boolean isCancelled() {
        return cancelRequested && result.isCompletedExceptionally();
    }

    /**
     * The task's state as a {@link Future}'s: RUNNING until it finishes (also before its loop starts it), then
     * SUCCESS, FAILED, or CANCELLED.
     */
    public Future.State state() {
        return result.state();
    }

    /**
     * The value of a task that finished with one, without waiting.
     *
     * @throws IllegalStateException the task has not finished, or did not finish with a value
     */
    public T resultNow() {
        return result.resultNow();
    }

    /**
     * What a failed task threw, without waiting.
     *
     * @throws IllegalStateException the task has not finished, finished with a value, or was cancelled
     */
    public Throwable exceptionNow() {
        return result.exceptionNow();
    }

    /** The result as a stage, for callback-style code; the task's failure is the stage's from now on. */
    public CompletionStage<T> toCompletionStage() {
        observed = true;
        return result.minimalCompletionStage();
    }

    /**
     * The result as a new {@link CompletableFuture}, for code written against the JDK's futures; the task's
     * failure is the future's from now on (its {@code get} throws it as the cause of an
     * {@code ExecutionException}, its {@code join} as that of a {@code CompletionException}). Completing the
     * future does not complete the task;
     * {@link CompletableFuture#cancel(boolean) cancelling} it cancels the task.
     */
    public CompletableFuture<T> toCompletableFuture() {
        observed = true;
        CompletableFuture<T> copy = result.copy();
        copy.whenComplete((value, failure) -> {
            if (copy.isCancelled()) {
                cancel();
            }
        });
        return copy;
    }

    /** The task's thread (a virtual thread). */
    public Thread thread() {
        return thread;
    }
}
