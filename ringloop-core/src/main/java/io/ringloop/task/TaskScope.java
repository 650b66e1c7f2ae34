package io.ringloop.task;

import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tasks that end together: the shape of the JDK's {@code StructuredTaskScope} for loop-scheduled tasks (why not
 * that type itself: see the package comment). The thread that opens a scope owns it: it {@link #fork forks} tasks
 * onto the scope's loop, {@link #join() joins} them, and {@link #close() closes} the scope, which never returns
 * while one of its tasks still runs.
 *
 * <pre>{@code
 * try (TaskScope<String, List<String>> scope = TaskScope.open(TaskScope.Joiner.allSuccessful())) {
 *     scope.fork(() -> fetch(a));
 *     scope.fork(() -> fetch(b));
 *     List<String> both = scope.join();   // in fork order; the first failure cancels the other and is thrown
 * }
 * }</pre>
 *
 * <p>The {@link Joiner} decides, as each task ends, whether the scope is done: then the tasks still running are
 * cancelled ({@link JoinHandle#cancel()}, so their I/O waits end without losing data) and {@link #join()} waits
 * for them to end and returns the joiner's result. {@link Joiner#allSuccessful()}: every value, or the first
 * failure with the rest cancelled. {@link Joiner#anySuccessful()}: the first value, the rest cancelled.
 * {@link Joiner#firstCompleted()}: whatever ends first, value or failure ({@link Tasks#race}).
 *
 * <p>Forked tasks see the owner's {@link TaskLocal} values. Their failures belong to the scope: they never reach
 * the loop's uncaught-failure handler. If the owner is interrupted (a cancelled owner task) while it joins, the
 * scope's tasks are cancelled and waited for before {@code join} throws; so a deadline for the whole scope is
 * {@code Time.timeout(limit, () -> { ... scope.join() ... })}. {@link #cancel()} (any thread; e.g. a
 * {@link CancellationToken} callback) stops the scope as a joiner would.
 *
 * @param <T> what the tasks return
 * @param <R> what {@link #join()} returns
 */
public final class TaskScope<T, R> implements AutoCloseable {
    private static final int OPEN = 0;
    private static final int JOINED = 1;
    private static final int CLOSED = 2;

    private final Loop loop;
    private final Joiner<T, R> joiner;
    private final Thread owner;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a task ends or the scope stops. */
    private final Condition changed = lock.newCondition();
    /** Every forked task in fork order; guarded by {@link #lock}. */
    private final List<JoinHandle<T>> tasks = new ArrayList<>();
    /** Forked tasks that have not ended; guarded by {@link #lock}. */
    private int running;
    /** The joiner (or {@link #cancel()}) said the scope is done: no task starts any more. Guarded by lock. */
    private boolean stopped;
    /** OPEN, JOINED or CLOSED; the owner's alone. */
    private int phase = OPEN;

    private TaskScope(Loop loop, Joiner<T, R> joiner) {
        this.loop = loop;
        this.joiner = Objects.requireNonNull(joiner, "joiner");
        this.owner = Thread.currentThread();
    }

    /**
     * Opens a scope whose tasks run on the caller's loop; the caller (a task, or a loop's own thread) owns it.
     *
     * @throws IllegalStateException the caller is not on a loop (use {@link #open(EventLoop, Joiner)})
     */
    public static <T, R> TaskScope<T, R> open(Joiner<T, R> joiner) {
        return new TaskScope<>(Tasks.requireLoop("TaskScope.open", "use TaskScope.open(loop, joiner)"), joiner);
    }

    /** {@link #open(Joiner)} for the runtime's own calls, which name themselves in the error. */
    static <T, R> TaskScope<T, R> open(Loop loop, Joiner<T, R> joiner) {
        return new TaskScope<>(loop, joiner);
    }

    /** Opens a scope whose tasks run on {@code loop}; the caller, any thread, owns it. */
    public static <T, R> TaskScope<T, R> open(EventLoop loop, Joiner<T, R> joiner) {
        return new TaskScope<>(Loop.of(Objects.requireNonNull(loop, "loop")), joiner);
    }

    /**
     * Starts {@code body} as a task of this scope. Once the scope has stopped, the task is cancelled before it
     * starts (its handle says so) and {@code body} never runs.
     *
     * @throws WrongThreadException  the caller does not own the scope
     * @throws IllegalStateException the scope was joined or closed already
     */
    public JoinHandle<T> fork(Callable<? extends T> body) {
        Objects.requireNonNull(body, "body");
        checkOwner("fork");
        if (phase != OPEN) {
            throw new IllegalStateException("TaskScope.fork: the scope was " + (phase == JOINED ? "joined" : "closed"));
        }
        Callable<T> call = body::call;
        JoinHandle<T> handle = Tasks.spawnScoped(loop, call);
        boolean stop;
        lock.lock();
        try {
            tasks.add(handle);
            running++;
            stop = !stopped && joiner.onFork(handle);
            stopped |= stop;
            if (stopped) {
                handle.cancel(); // its loop has not run the start yet: it never runs
            }
        } finally {
            lock.unlock();
        }
        if (stop) {
            cancelRunning();
        }
        handle.whenDone(() -> ended(handle));
        return handle;
    }

    /**
     * Waits until every forked task has ended or the joiner has stopped the scope; in the second case cancels the
     * tasks still running and waits for them to end too. Then returns the joiner's result.
     *
     * @throws ExecutionException   the joiner's verdict: a task failed (the cause is what it threw)
     * @throws InterruptedException the owner was interrupted while it waited; the tasks were cancelled and have
     *                              ended
     * @throws WrongThreadException  the caller does not own the scope
     * @throws IllegalStateException the scope was joined or closed already, or the caller is a loop's own thread
     *                               (callback code), which the tasks need
     */
    public R join() throws ExecutionException, InterruptedException {
        checkOwner("join");
        if (phase != OPEN) {
            throw new IllegalStateException("TaskScope.join: the scope was " + (phase == JOINED ? "joined" : "closed"));
        }
        refuseLoopThread("join");
        phase = JOINED;
        boolean interrupted = false;
        lock.lock();
        try {
            while (running > 0 && !stopped) {
                changed.await();
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            lock.unlock();
        }
        stopAndAwait();
        if (interrupted) {
            Thread.interrupted(); // the exception carries it, as a blocking call's does
            throw new InterruptedException("TaskScope.join: interrupted; the scope's tasks were cancelled");
        }
        return joiner.result();
    }

    /**
     * Stops the scope from any thread: the tasks still running are cancelled, no new one starts, and
     * {@link #join()} returns the joiner's result once they have ended.
     */
    public void cancel() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        cancelRunning();
    }

    /**
     * Closes the scope: cancels the tasks still running and waits for every one to end, so none outlives the
     * scope. An interrupt meanwhile is kept for later (the interrupt status is set again on return).
     *
     * @throws WrongThreadException  the caller does not own the scope
     * @throws IllegalStateException tasks were forked and never joined (thrown after they ended), or tasks still
     *                               run and the caller is a loop's own thread (they are cancelled, not waited for)
     */
    @Override
    public void close() {
        checkOwner("close");
        if (phase == CLOSED) {
            return;
        }
        boolean joined = phase == JOINED;
        phase = CLOSED;
        stopAndAwait();
        boolean forked;
        lock.lock();
        try {
            forked = !tasks.isEmpty();
        } finally {
            lock.unlock();
        }
        if (!joined && forked) {
            throw new IllegalStateException(
                    "TaskScope.close: tasks were forked and never joined (they were cancelled)");
        }
    }

    /** Stops the scope and waits for every task to end, uninterruptibly (restoring an interrupt). */
    private void stopAndAwait() {
        cancel();
        boolean interrupted = false;
        lock.lock();
        try {
            if (running > 0) {
                refuseLoopThread("close");
            }
            while (running > 0) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A task ended: tell the joiner, and stop the scope if it says so. On the thread that completed the task. */
    private void ended(JoinHandle<T> handle) {
        boolean stop;
        lock.lock();
        try {
            running--;
            stop = !stopped && joiner.onComplete(handle);
            stopped |= stop;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (stop) {
            cancelRunning();
        }
    }

    private void cancelRunning() {
        List<JoinHandle<T>> copy;
        lock.lock();
        try {
            copy = new ArrayList<>(tasks);
        } finally {
            lock.unlock();
        }
        for (JoinHandle<T> h : copy) {
            h.cancel(); // false for the ones that ended
        }
    }

    /**
     * A loop's own thread (callback code) must not wait for tasks: they need that thread to run. A task waits by
     * parking, which frees the thread.
     */
    private static void refuseLoopThread(String call) {
        Loop here = Loop.current();
        if (here != null) {
            throw new IllegalStateException("TaskScope." + call + ": would block the thread of loop " + here.name()
                    + ", which the scope's tasks need; wait from a task");
        }
    }

    private void checkOwner(String call) {
        Thread t = Thread.currentThread();
        if (t != owner) {
            throw new WrongThreadException("TaskScope." + call + ": called by " + t + ", the scope is owned by "
                    + owner);
        }
    }

    /**
     * What a {@link TaskScope} waits for and what its {@link #join()} returns (the JDK's
     * {@code StructuredTaskScope.Joiner}). The scope calls {@link #onFork} and {@link #onComplete} one at a time,
     * under its lock, on the forking thread and on the thread that ended the task; they should be quick and must not
     * use the scope. {@link #result()} is called once, by the owner, after every task has ended.
     *
     * @param <T> what the tasks return
     * @param <R> what {@code join} returns
     */
    public interface Joiner<T, R> {
        /**
         * A task was forked (not started yet).
         *
         * @return true to stop the scope: the tasks still running, this one too, are cancelled
         */
        default boolean onFork(JoinHandle<? extends T> task) {
            return false;
        }

        /**
         * A task ended ({@link JoinHandle#state()} says how).
         *
         * @return true to stop the scope: the tasks still running are cancelled and {@code join} returns
         */
        boolean onComplete(JoinHandle<? extends T> task);

        /**
         * What {@code join} returns, once every task has ended.
         *
         * @throws ExecutionException the scope failed; the cause is the task's failure
         */
        R result() throws ExecutionException;

        /**
         * Every task's value in fork order; the first failure stops the scope (the rest are cancelled) and
         * {@code join} throws it. A task cancelled from outside counts as a failure ({@code CancellationException}).
         */
        static <T> Joiner<T, List<T>> allSuccessful() {
            return new Joiners.AllSuccessful<>();
        }

        /**
         * The value of the first task to succeed; then the rest are cancelled. If none succeeds, {@code join}
         * throws the first failure, the others suppressed (with no task forked: a {@code NoSuchElementException}).
         */
        static <T> Joiner<T, T> anySuccessful() {
            return new Joiners.AnySuccessful<>();
        }

        /**
         * The outcome of the first task to end, value or failure; then the rest are cancelled. {@link Tasks#race}
         * is a scope with this joiner.
         */
        static <T> Joiner<T, T> firstCompleted() {
            return new Joiners.FirstCompleted<>();
        }
    }
}
