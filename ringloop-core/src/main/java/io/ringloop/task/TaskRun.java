package io.ringloop.task;

import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.LoopEvents;
import io.ringloop.task.internal.LoopContext;
import io.ringloop.task.internal.LoopTasks;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

/**
 * One task's life in one object: posted to its loop to start the task, run as the body of the task's thread, and
 * posted to the loop again to end it. It replaces three closures and a method reference per spawn
 * ({@code SpawnJoinBenchmark}, {@code -prof gc}: 692 to 635 bytes per task spawned and joined).
 *
 * <p>{@link #phase} says which of the three a {@link #run()} is: START (on the loop, before the thread exists to
 * the JDK), BODY (on the task's thread), END (on the loop). Each value is written before the hand-over that leads
 * to the next run (the loop's queue, {@link Thread#start()}), which orders it.
 */
final class TaskRun<T> implements Runnable, ScopedValue.CallableOp<T, Exception> {
    private static final int START = 0;
    private static final int BODY = 1;
    private static final int END = 2;

    private final Loop loop;
    private final LoopTasks per;
    final JoinHandle<T> handle;
    private final Callable<T> body;
    /** The task locals the task inherits, or null. */
    private final Map<TaskLocal<?>, Object> locals;
    private int phase = START;
    /** The task failed (not a cancellation): counted at the end. */
    private boolean failed;

    TaskRun(Loop loop, LoopTasks per, JoinHandle<T> handle, Callable<T> body, Map<TaskLocal<?>, Object> locals) {
        this.loop = loop;
        this.per = per;
        this.handle = handle;
        this.body = body;
        this.locals = locals;
    }

    @Override
    public void run() {
        switch (phase) {
            case START -> start();
            case BODY -> runBody();
            default -> end();
        }
    }

    /** The loop starts the task, unless it is shutting down or the task was cancelled before it started. */
    private void start() {
        Thread t = handle.thread();
        if (!loop.acceptsTasks()) {
            handle.fail(new CancellationException("loop " + loop.name() + " is shutting down"));
            return;
        }
        if (handle.cancelledBeforeStart()) {
            // Never started, so never counted: it ends here, and its body never runs.
            handle.fail(new CancellationException("task " + t.getName() + " cancelled before it started"));
            return;
        }
        loop.retain();
        per.started(handle);
        loop.counters().taskSpawned();
        phase = BODY;
        t.start();
    }

    /** The body of the task's thread. */
    private void runBody() {
        try {
            ScopedValue.Carrier carrier = per.binding();
            if (locals != null && !locals.isEmpty()) {
                carrier = carrier.where(TaskLocal.BINDINGS, locals);
            }
            handle.succeed(carrier.call(this));
        } catch (Throwable t) {
            failed = !Tasks.isCancellation(t);
            if (failed) {
                LoopEvents.taskFailure(loop.name(), Thread.currentThread().getName(), t);
            }
            // Reported before the handle completes: a join that returns has seen the decision. A channel closed
            // under the task by its loop's shutdown (a pending accept as listeners close) is how it was stopped.
            boolean stoppedByShutdown = loop.isShutdown() && t instanceof ClosedChannelException;
            if (handle.reportsFailure(t) && !stoppedByShutdown) {
                loop.reportUncaught("task " + Thread.currentThread().getName(), t);
            }
            handle.fail(t);
        } finally {
            // The end of a task runs where it ran: on the loop (loop-scheduled) or it hops there.
            phase = END;
            LoopContext.post(loop, this);
        }
    }

    /** The user's body, in the task's bindings. */
    @Override
    public T call() throws Exception {
        return body.call();
    }

    /** On the loop, after the body. */
    private void end() {
        loop.counters().taskEnded(failed);
        per.ended(handle);
        loop.release();
    }
}
