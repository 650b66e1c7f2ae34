package io.ringloop.task.internal;

import io.ringloop.loop.internal.Loop;
import io.ringloop.task.JoinHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the task layer keeps per loop: the factory of its tasks' virtual threads (scheduled by a
 * {@link LoopScheduler}, or by the JDK when {@link VirtualThreads#AVAILABLE} is false) and its live tasks, which
 * a shutdown of the loop cancels. Made at a loop's first spawn; forgotten when the loop's shutdown cancels.
 */
public final class LoopTasks {
    private static final System.Logger LOG = System.getLogger("io.ringloop");
    private static final AtomicBoolean MODE_LOGGED = new AtomicBoolean();
    private static final ConcurrentHashMap<Loop, LoopTasks> LOOPS = new ConcurrentHashMap<>();

    private final ThreadFactory factory;
    /** The loop binding every task of this loop runs its body in; immutable, so made once (not per spawn). */
    private final ScopedValue.Carrier binding;
    /** Touched only on the loop thread; a concurrent set so that {@link #liveTasks} may read it elsewhere. */
    private final Set<JoinHandle<?>> live = ConcurrentHashMap.newKeySet();

    private LoopTasks(Loop loop) {
        ThreadFactory f = VirtualThreads.factory(new LoopScheduler(loop), "ringloop-task-");
        factory = f != null ? f : Thread.ofVirtual().name("ringloop-task-", 0).factory();
        binding = LoopContext.bind(loop);
    }

    /** The task bookkeeping of {@code loop}; any thread. The first call in the process logs the task mode. */
    public static LoopTasks of(Loop loop) {
        LoopTasks per = LOOPS.get(loop);
        if (per != null) {
            return per;
        }
        if (MODE_LOGGED.compareAndSet(false, true)) {
            // Said quietly: Ringloop.metrics(), ./ringloop info and the CLI's start line show it too.
            LOG.log(System.Logger.Level.DEBUG, "ringloop: " + VirtualThreads.MODE);
        }
        return LOOPS.computeIfAbsent(loop, l -> {
            LoopTasks p = new LoopTasks(l);
            l.reports().mountedTaskProbe(() -> VirtualThreads.mountedOn(l.thread(), p.live));
            l.execute(() -> l.onCancel(() -> {
                for (JoinHandle<?> h : p.live) {
                    h.cancel();
                }
                LOOPS.remove(l);
            }));
            return p;
        });
    }

    /** Live tasks on {@code loop} (for least-loaded placement); approximate when read off the loop. */
    public static int liveTasks(Loop loop) {
        LoopTasks per = LOOPS.get(loop);
        return per == null ? 0 : per.live.size();
    }

    /** The binding a task of this loop runs its body in ({@link LoopContext#bind}). */
    public ScopedValue.Carrier binding() {
        return binding;
    }

    /** An unstarted thread for a task of this loop, running {@code body}. */
    public Thread newThread(Runnable body) {
        return factory.newThread(body);
    }

    /** Loop thread: the task of {@code handle} starts; a shutdown of the loop will cancel it. */
    public void started(JoinHandle<?> handle) {
        live.add(handle);
    }

    /** Loop thread: the task of {@code handle} ended. */
    public void ended(JoinHandle<?> handle) {
        live.remove(handle);
    }
}
