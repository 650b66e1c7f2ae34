package io.ringloop.task;

import io.ringloop.task.internal.JoinHandles;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A spawned task: wait for its result, or cancel it.
 *
 * <p>{@link #cancel()} interrupts the task. An I/O wait in the task then ends: its operation is cancelled
 * (keeping any data that had already arrived) and the call throws {@link CancellationException}; the task's
 * other blocking calls see the interrupt as usual. {@link #join()} of a cancelled task throws
 * {@link CancellationException}.
 */
public final class JoinHandle<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private volatile Thread thread;
    private volatile boolean cancelRequested;

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

    void bind(Thread t) {
        thread = t;
    }

    void succeed(T value) {
        result.complete(value);
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
        return result.get();
    }

    /** {@link #join()} with a limit. */
    public T join(Duration timeout) throws ExecutionException, InterruptedException, TimeoutException {
        return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
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

    public boolean isDone() {
        return result.isDone();
    }

    public boolean isCancelled() {
        return cancelRequested && result.isCompletedExceptionally();
    }

    /** The result as a stage, for callback-style code. */
    public CompletionStage<T> toCompletionStage() {
        return result.minimalCompletionStage();
    }

    /** The task's thread (a virtual thread). */
    public Thread thread() {
        return thread;
    }
}
