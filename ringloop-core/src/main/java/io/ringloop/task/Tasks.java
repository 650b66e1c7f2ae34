package io.ringloop.task;

import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.task.internal.LoopContext;
import io.ringloop.task.internal.LoopTasks;
import io.ringloop.task.internal.VirtualThreads;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * Spawning tasks: virtual threads scheduled on a loop (see {@code task.internal.VirtualThreads} for how, and for
 * the fallback when the JDK will not let us). Each loop keeps its live tasks ({@code task.internal.LoopTasks});
 * a graceful shutdown of the loop cancels them and waits for them.
 */
public final class Tasks {
    private static final ThreadFactory STEALING = Thread.ofVirtual().name("ringloop-stealing-", 0).factory();

    private Tasks() {
    }

    /** Which mode tasks run in (loop-scheduled or default scheduler), for the start-up log line. */
    public static String mode() {
        return VirtualThreads.MODE;
    }

    /** True when tasks run on their loop's thread. */
    public static boolean loopScheduled() {
        return VirtualThreads.AVAILABLE;
    }

    /** Spawns {@code body} as a task on the caller's loop ("here"). */
    public static <T> JoinHandle<T> spawn(Callable<T> body) {
        return spawn(requireLoop(), body, null, false);
    }

    /** Like {@link #spawn(Callable)}, and the child sees the caller's {@link TaskLocal} values. */
    public static <T> JoinHandle<T> spawnInheriting(Callable<T> body) {
        return spawn(requireLoop(), body, TaskLocal.current(), false);
    }

    /** Spawns {@code body} as a task on {@code loop}. Any thread. */
    public static <T> JoinHandle<T> spawn(EventLoop loop, Callable<T> body) {
        return spawn(Loop.of(loop), body, null, false);
    }

    /**
     * Spawns {@code body} in work-stealing mode: a plain virtual thread on the JDK's work-stealing
     * ForkJoinPool, so CPU-heavy tasks spread over every core; its I/O is still submitted to and completed
     * by {@code loop} (each operation hops to the loop and back, which costs a wake-up per operation).
     */
    public static <T> JoinHandle<T> spawnStealing(EventLoop loop, Callable<T> body) {
        return spawn(Loop.of(loop), body, null, true);
    }

    /** The loop of the calling task, or of the calling loop thread; null elsewhere. */
    public static EventLoop currentLoop() {
        return LoopContext.current();
    }

    /**
     * {@link #spawn(EventLoop, Callable)}, or {@link #spawnStealing} when {@code stealing}, for a caller that will
     * join the task: the handle counts as joined from the start, so a failure goes to {@link JoinHandle#join()}
     * only, never to the uncaught-failure handler, even when the task fails before the join begins (as
     * {@code Ringloop.blockOn} and code that spawns a batch and then joins each need).
     */
    public static <T> JoinHandle<T> spawnJoined(EventLoop loop, boolean stealing, Callable<T> body) {
        return spawn(Loop.of(loop), body, null, stealing, true);
    }

    /**
     * Runs each branch as a task on the caller's loop; the first to end wins (tokio's {@code select!}). Its value is
     * returned, or its failure thrown; the other branches are cancelled and have ended when this returns. A
     * cancelled branch's I/O wait ends without consuming data: the bytes stay in the stream for the next read.
     *
     * <p>A losing branch whose operation had already completed when the cancel reached it (its bytes arrived as
     * the winner ended) ends normally, with its value; this form drops such values. When a branch's value
     * carries data (a read's count), use {@link #race(List, Consumer)}, which hands them over.
     *
     * @throws ExecutionException    the winner failed; the cause is what it threw
     * @throws IllegalStateException the caller is not on a loop
     */
    @SafeVarargs
    public static <T> T race(Callable<? extends T>... branches) throws ExecutionException, InterruptedException {
        List<Callable<? extends T>> list = new ArrayList<>(branches.length);
        for (Callable<? extends T> branch : branches) {
            list.add(branch);
        }
        return race(list, ignore -> { });
    }

    /**
     * {@link #race(Callable[])}, and the value of every losing branch that ended normally all the same (it had
     * already finished its operation when the cancel came) goes to {@code lateValues}, on the calling thread,
     * in branch order, before this returns or throws. So a read that lost the race loses no data: either it was
     * cancelled and its bytes are still in the stream, or it read them and its count arrives here.
     *
     * @throws IllegalArgumentException {@code branches} is empty
     * @throws ExecutionException       the winner failed; the cause is what it threw
     * @throws InterruptedException     the caller was interrupted; every branch was cancelled and has ended
     */
    public static <T> T race(List<? extends Callable<? extends T>> branches, Consumer<? super T> lateValues)
            throws ExecutionException, InterruptedException {
        if (branches.isEmpty()) {
            throw new IllegalArgumentException("Tasks.race: no branch");
        }
        Joiners.FirstCompleted<T> first = new Joiners.FirstCompleted<>();
        List<JoinHandle<T>> handles = new ArrayList<>(branches.size());
        try (TaskScope<T, T> scope = TaskScope.open(requireLoop("Tasks.race", "call it from a task"), first)) {
            for (Callable<? extends T> branch : branches) {
                handles.add(scope.fork(branch));
            }
            try {
                return scope.join();
            } finally {
                // join has waited for every branch to end: each state is final here.
                for (JoinHandle<T> h : handles) {
                    if (h != first.winner() && h.state() == Future.State.SUCCESS) {
                        lateValues.accept(h.resultNow());
                    }
                }
            }
        }
    }

    /**
     * Lets the loop poll for I/O and run the other ready tasks before the caller goes on (tokio's
     * {@code yield_now}): the calling task's continuation waits for the loop's next poll. A task that never has to
     * wait otherwise (its operations always complete at once) does this every {@code budget} operations on its
     * own. Elsewhere (a thread that is not a loop's task) it is {@link Thread#yield()}.
     */
    public static void yieldNow() {
        LoopContext.yieldToPoll();
    }

    private static <T> JoinHandle<T> spawn(Loop loop, Callable<T> body, Map<TaskLocal<?>, Object> locals,
                                           boolean stealing) {
        return spawn(loop, body, locals, stealing, false);
    }

    private static <T> JoinHandle<T> spawn(Loop loop, Callable<T> body, Map<TaskLocal<?>, Object> locals,
                                           boolean stealing, boolean joined) {
        LoopTasks per = LoopTasks.of(loop);
        JoinHandle<T> handle = new JoinHandle<>(joined);
        TaskRun<T> run = new TaskRun<>(loop, per, handle, body, locals);
        handle.bind(stealing ? STEALING.newThread(run) : per.newThread(run));
        LoopContext.post(loop, run);
        return handle;
    }

    /**
     * A task of a {@link TaskScope}: on {@code loop}, with the caller's {@link TaskLocal} values, its failure the
     * scope's (counted as joined).
     */
    static <T> JoinHandle<T> spawnScoped(Loop loop, Callable<T> body) {
        return spawn(loop, body, TaskLocal.current(), false, true);
    }

    /** The caller's loop, or an exception that names {@code call} and says {@code whatInstead}. */
    static Loop requireLoop(String call, String whatInstead) {
        Loop loop = LoopContext.current();
        if (loop == null) {
            throw new IllegalStateException(call + ": not on a loop; " + whatInstead);
        }
        return loop;
    }

    private static Loop requireLoop() {
        Loop loop = LoopContext.current();
        if (loop == null) {
            throw new IllegalStateException("spawn: not on a loop; use Ringloop.spawn or Tasks.spawn(loop, body)");
        }
        return loop;
    }

    static boolean isCancellation(Throwable t) {
        return t instanceof CancellationException || t instanceof InterruptedException
                || t instanceof InterruptedIOException || t instanceof ClosedByInterruptException;
    }
}
