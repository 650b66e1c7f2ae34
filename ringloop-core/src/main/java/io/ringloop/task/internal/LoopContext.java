package io.ringloop.task.internal;

import io.ringloop.loop.internal.Loop;
import java.util.concurrent.Executor;

/**
 * Where the caller runs, for the runtime's own code: the loop of the calling task (or loop thread), whether the
 * caller is on a loop's OS thread (then the loop's driver may be called directly), and posting work to a loop
 * from wherever the caller is. The public face is {@link io.ringloop.task.Tasks#currentLoop()}.
 */
public final class LoopContext {
    /** The loop a task was spawned for; bound for the task's whole body (also for work-stealing tasks). */
    private static final ScopedValue<Loop> LOOP = ScopedValue.newInstance();

    private LoopContext() {
    }

    /** The binding a task of {@code loop} runs its body in. */
    public static ScopedValue.Carrier bind(Loop loop) {
        return ScopedValue.where(LOOP, loop);
    }

    /** The loop of the calling task, or of the calling loop thread; null elsewhere. */
    public static Loop current() {
        if (LOOP.isBound()) {
            return LOOP.get();
        }
        return Loop.current();
    }

    /**
     * True when the caller runs on {@code loop}'s OS thread: the loop thread itself, or a virtual thread
     * that loop carries. Then the loop's driver may be called directly.
     */
    public static boolean onCarrier(Loop loop) {
        Thread t = Thread.currentThread();
        if (t == loop.thread()) {
            return true;
        }
        Executor s = VirtualThreads.schedulerOf(t);
        return s instanceof LoopScheduler ls && ls.loop == loop;
    }

    /** Runs {@code r} on {@code loop}: queued locally when on its carrier, else through its inbox. */
    public static void post(Loop loop, Runnable r) {
        if (onCarrier(loop)) {
            loop.executeLocal(r);
        } else {
            loop.execute(r);
        }
    }

    /**
     * {@code Tasks.yieldNow}: the calling task's continuation waits for its loop's next poll, so the loop polls
     * for I/O and runs the other ready tasks first. Off a loop (a thread that is not a loop's task) it is
     * {@link Thread#yield()}.
     */
    public static void yieldToPoll() {
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
}
