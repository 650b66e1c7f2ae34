package io.ringloop.task;

import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Spawning tasks: virtual threads scheduled on a loop (see {@link VirtualThreads} for how, and for the
 * fallback when the JDK will not let us). Each loop gets one {@link LoopScheduler}; a graceful shutdown of
 * the loop cancels its live tasks and waits for them.
 */
public final class Tasks {
    private static final System.Logger LOG = System.getLogger("io.ringloop");
    private static final AtomicBoolean MODE_LOGGED = new AtomicBoolean();
    private static final ScopedValue<Loop> LOOP = ScopedValue.newInstance();
    private static final ConcurrentHashMap<Loop, PerLoop> LOOPS = new ConcurrentHashMap<>();

    /** What the task layer keeps per loop. {@code live} is written only on the loop thread (the watchdog reads it). */
    private static final class PerLoop {
        final LoopScheduler scheduler;
        final ThreadFactory factory;
        final Set<JoinHandle<?>> live = ConcurrentHashMap.newKeySet();

        PerLoop(Loop loop) {
            scheduler = new LoopScheduler(loop);
            ThreadFactory f = VirtualThreads.factory(scheduler, "ringloop-task-");
            factory = f != null ? f : Thread.ofVirtual().name("ringloop-task-", 0).factory();
        }
    }

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
        return spawn(requireLoop(), body);
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

    /**
     * {@link #spawn(EventLoop, Callable)}, or {@link #spawnStealing} when {@code stealing}, for a caller that will
     * join the task: the handle counts as joined from the start, so a failure goes to {@link JoinHandle#join()}
     * only, never to the uncaught-failure handler, even when the task fails before the join begins (as
     * {@code Ringloop.blockOn} and code that spawns a batch and then joins each need).
     */
    public static <T> JoinHandle<T> spawnJoined(EventLoop loop, boolean stealing, Callable<T> body) {
        return spawn(Loop.of(loop), body, null, stealing, true);
    }

    static <T> JoinHandle<T> spawn(Loop loop, Callable<T> body, Map<TaskLocal<?>, Object> locals,
                                   boolean stealing) {
        return spawn(loop, body, locals, stealing, false);
    }

    private static <T> JoinHandle<T> spawn(Loop loop, Callable<T> body, Map<TaskLocal<?>, Object> locals,
                                           boolean stealing, boolean joined) {
        PerLoop per = perLoop(loop);
        JoinHandle<T> handle = new JoinHandle<>(joined);
        Runnable run = () -> runTask(loop, per, handle, body, locals);
        Thread t = stealing ? STEALING.newThread(run) : per.factory.newThread(run);
        handle.bind(t);
        post(loop, () -> {
            if (!loop.acceptsTasks()) {
                handle.fail(new CancellationException("loop " + loop.name() + " is shutting down"));
                return;
            }
            loop.retain();
            per.live.add(handle);
            t.start();
        });
        return handle;
    }

    private static final ThreadFactory STEALING = Thread.ofVirtual().name("ringloop-stealing-", 0).factory();

    private static Loop requireLoop() {
        Loop loop = (Loop) currentLoop();
        if (loop == null) {
            throw new IllegalStateException("spawn: not on a loop; use Runtime.spawn or Tasks.spawn(loop, body)");
        }
        return loop;
    }

    private static <T> void runTask(Loop loop, PerLoop per, JoinHandle<T> handle, Callable<T> body,
                                    Map<TaskLocal<?>, Object> locals) {
        try {
            ScopedValue.Carrier carrier = ScopedValue.where(LOOP, loop);
            if (locals != null && !locals.isEmpty()) {
                carrier = carrier.where(TaskLocal.BINDINGS, locals);
            }
            T value = carrier.call(body::call);
            handle.succeed(value);
        } catch (Throwable t) {
            // Reported before the handle completes: a join that returns has seen the decision. A channel closed
            // under the task by its loop's shutdown (a pending accept as listeners close) is how it was stopped.
            boolean stoppedByShutdown = loop.isShutdown() && t instanceof java.nio.channels.ClosedChannelException;
            if (handle.reportsFailure(t) && !stoppedByShutdown) {
                loop.reportUncaught("task " + Thread.currentThread().getName(), t);
            }
            handle.fail(t);
        } finally {
            // The end of a task runs where it ran: on the loop (loop-scheduled) or it hops there.
            post(loop, () -> {
                per.live.remove(handle);
                loop.release();
            });
        }
    }

    /** Live tasks on {@code loop} (for least-loaded placement); approximate when read off the loop. */
    public static int liveTasks(EventLoop loop) {
        PerLoop per = LOOPS.get(loop);
        return per == null ? 0 : per.live.size();
    }

    private static PerLoop perLoop(Loop loop) {
        PerLoop per = LOOPS.get(loop);
        if (per != null) {
            return per;
        }
        if (MODE_LOGGED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.INFO, "ringloop: " + VirtualThreads.MODE);
        }
        return LOOPS.computeIfAbsent(loop, l -> {
            PerLoop p = new PerLoop(l);
            l.mountedTaskProbe(() -> VirtualThreads.mountedOn(l.thread(), p.live));
            l.execute(() -> l.onCancel(() -> {
                for (JoinHandle<?> h : p.live) {
                    h.cancel();
                }
                LOOPS.remove(l);
            }));
            return p;
        });
    }

    /** The loop of the calling task, or of the calling loop thread; null elsewhere. */
    public static EventLoop currentLoop() {
        if (LOOP.isBound()) {
            return LOOP.get();
        }
        return Loop.current();
    }

    /**
     * True when the caller runs on {@code loop}'s OS thread: the loop thread itself, or a virtual thread
     * that loop carries. Then the loop's driver may be called directly.
     */
    public static boolean onCarrier(EventLoop loop) {
        Thread t = Thread.currentThread();
        if (t == loop.thread()) {
            return true;
        }
        Executor s = VirtualThreads.schedulerOf(t);
        return s instanceof LoopScheduler ls && ls.loop == loop;
    }

    /**
     * Lets the loop poll for I/O and run the other ready tasks before the caller goes on (tokio's
     * {@code yield_now}): the calling task's continuation waits for the loop's next poll. A task that never has to
     * wait otherwise (its operations always complete at once) does this every {@code budget} operations on its
     * own. Elsewhere (a thread that is not a loop's task) it is {@link Thread#yield()}.
     */
    public static void yieldNow() {
        Thread t = Thread.currentThread();
        if (!(VirtualThreads.schedulerOf(t) instanceof LoopScheduler ls) || !onCarrier(ls.loop)) {
            Thread.yield();
            return;
        }
        ls.yieldToPoll = true;
        try {
            Thread.yield(); // unmounts; the JDK hands the continuation back to ls.execute, which sees the flag
        } finally {
            ls.yieldToPoll = false; // a yield that could not unmount (pinned) leaves it set
        }
    }

    /** Runs {@code r} on {@code loop}: queued locally when on its carrier, else through its inbox. */
    public static void post(EventLoop loop, Runnable r) {
        if (onCarrier(loop)) {
            Loop.of(loop).executeLocal(r);
        } else {
            loop.execute(r);
        }
    }

    static boolean isCancellation(Throwable t) {
        return t instanceof CancellationException || t instanceof InterruptedException
                || t instanceof InterruptedIOException || t instanceof ClosedByInterruptException;
    }
}
