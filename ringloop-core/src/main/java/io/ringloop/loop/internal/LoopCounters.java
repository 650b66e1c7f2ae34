package io.ringloop.loop.internal;

import io.ringloop.driver.Driver;
import io.ringloop.driver.DriverCounters;
import io.ringloop.loop.LoopMetrics;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one loop counts above its driver, cheap enough to leave on: tasks, resumptions, budget yields, wakes asked
 * for from other threads, queue depths, timers. The driver counts operations, kernel waits and sleep
 * ({@link io.ringloop.driver.DriverCounters}); {@link Loop#metrics()} puts both into a
 * {@link io.ringloop.loop.LoopMetrics}.
 *
 * <p><b>Threads and memory order.</b> Written only on the loop's OS thread: by the loop itself and by code it
 * runs there (a task's virtual thread mounted on it, callbacks). Each write is a plain load of the slot and an
 * <i>opaque</i> store of the new value: no atomic read-modify-write, no fence, no allocation. Any thread reads
 * with opaque loads ({@link #snapshot}): recent, whole, never going backwards, not ordered with one another.
 * Code that may run elsewhere (a task in work-stealing mode, a task without loop scheduling) must not call the
 * writers there: it posts to the loop, as the task layer does for a task's end.
 *
 * <p>Gauges (run queue, inbox, timers pending) are sampled once per turn; the inbox "depth" is how many
 * submissions from other threads one turn took (at most the loop's per-turn budget).
 */
public final class LoopCounters {
    /** Tasks started on this loop. */
    public static final int TASKS_SPAWNED = 0;
    /** Tasks that ended, any way (value, exception, cancellation). */
    public static final int TASKS_FINISHED = 1;
    /** Tasks that ended with an exception other than a cancellation; part of {@link #TASKS_FINISHED}. */
    public static final int TASKS_FAILED = 2;
    /** Task continuations scheduled from the loop's own thread (a local unpark, a spawn on the loop). */
    public static final int RESUMPTIONS = 3;
    /** Times a task gave the loop back because its budget of immediate completions ran out. */
    public static final int BUDGET_YIELDS = 4;
    /** Runnables other threads queued (each asks for a wake-up); those that cost a syscall are the driver's. */
    public static final int WAKES_REQUESTED = 5;
    /** Local run queue length at the start of the last turn. */
    public static final int RUN_QUEUE = 6;
    /** Longest {@link #RUN_QUEUE} seen. */
    public static final int RUN_QUEUE_MAX = 7;
    /** Submissions from other threads the last turn took from the inbox. */
    public static final int INBOX = 8;
    /** Largest {@link #INBOX} seen. */
    public static final int INBOX_MAX = 9;
    public static final int TIMERS_ARMED = 10;
    public static final int TIMERS_FIRED = 11;
    /** Timers cancelled before they fired. */
    public static final int TIMERS_CANCELLED = 12;
    /** Timers armed and neither fired nor cancelled, at the start of the last turn. */
    public static final int TIMERS_PENDING = 13;
    /** {@link System#nanoTime()} when the loop thread began to run turns. */
    public static final int STARTED_NS = 14;
    /** Slots in a {@link #snapshot}. */
    public static final int SIZE = 15;

    /** Every element: plain loads and opaque stores on the loop thread, opaque loads elsewhere. */
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counts = new long[SIZE];

    private void bump(int slot) {
        SLOT.setOpaque(counts, slot, counts[slot] + 1);
    }

    private void set(int slot, long value) {
        SLOT.setOpaque(counts, slot, value);
    }

    /** Loop thread: the loop starts running turns now. */
    void started(long nowNs) {
        set(STARTED_NS, nowNs);
    }

    /** Loop thread: a task was started on this loop. */
    public void taskSpawned() {
        bump(TASKS_SPAWNED);
    }

    /** Loop thread: a task ended; {@code failed} when by an exception other than a cancellation. */
    public void taskEnded(boolean failed) {
        bump(TASKS_FINISHED);
        if (failed) {
            bump(TASKS_FAILED);
        }
    }

    /** Loop thread: a task's continuation was queued to run on this loop. */
    public void resumption() {
        bump(RESUMPTIONS);
    }

    /**
     * Loop thread (a task mounted on it): a task used up its budget of immediate completions and yields the loop
     * to the others. The fairness budget calls this right before its yield.
     */
    public void budgetYield() {
        bump(BUDGET_YIELDS);
    }

    /** Loop thread: a timer was armed. */
    void timerArmed() {
        bump(TIMERS_ARMED);
    }

    /** Loop thread: a timer fired. */
    void timerFired() {
        bump(TIMERS_FIRED);
    }

    /** Loop thread: a timer was cancelled before it fired. */
    void timerCancelled() {
        bump(TIMERS_CANCELLED);
    }

    /** Loop thread, at the start of a turn: the gauges. */
    void turnStarted(int runQueue, int timersPending) {
        set(RUN_QUEUE, runQueue);
        if (runQueue > counts[RUN_QUEUE_MAX]) {
            set(RUN_QUEUE_MAX, runQueue);
        }
        set(TIMERS_PENDING, timersPending);
    }

    /** Loop thread: one turn took {@code n} submissions from other threads out of the inbox. */
    void inboxTaken(int n) {
        set(INBOX, n);
        if (n > 0) {
            set(WAKES_REQUESTED, counts[WAKES_REQUESTED] + n);
            if (n > counts[INBOX_MAX]) {
                set(INBOX_MAX, n);
            }
        }
    }

    /** Any thread: these counters and {@code driver}'s as the loop {@code name}'s metrics. */
    LoopMetrics metrics(String name, Driver driver, String backendReason, long turns) {
        long nowNs = System.nanoTime();
        long[] c = snapshot();
        DriverCounters dc = driver.counters();
        long[] d = dc.snapshot();
        long startedNs = c[STARTED_NS];
        long uptimeNs = startedNs == 0 ? 0 : Math.max(0, nowNs - startedNs);
        long asleepNs = Math.min(uptimeNs, dc.asleepNs(nowNs));
        return new LoopMetrics(name, driver.name(), backendReason, turns,
                new LoopMetrics.Tasks(c[TASKS_SPAWNED], c[TASKS_FINISHED], c[TASKS_FAILED], c[RESUMPTIONS],
                        c[BUDGET_YIELDS]),
                new LoopMetrics.Operations(opCounts(d, DriverCounters.SUBMITTED), opCounts(d, DriverCounters.COMPLETED),
                        opCounts(d, DriverCounters.CANCELLED)),
                d[DriverCounters.KERNEL_WAITS],
                new LoopMetrics.Wakes(c[WAKES_REQUESTED], driver.wakeupCount()),
                new LoopMetrics.Queues(c[RUN_QUEUE], c[RUN_QUEUE_MAX], c[INBOX], c[INBOX_MAX]),
                new LoopMetrics.Timers(c[TIMERS_ARMED], c[TIMERS_FIRED], c[TIMERS_CANCELLED], c[TIMERS_PENDING]),
                new LoopMetrics.Time(uptimeNs, uptimeNs - asleepNs, asleepNs));
    }

    private static LoopMetrics.OpCounts opCounts(long[] d, int first) {
        return new LoopMetrics.OpCounts(d[first + DriverCounters.READ], d[first + DriverCounters.WRITE],
                d[first + DriverCounters.ACCEPT], d[first + DriverCounters.CONNECT], d[first + DriverCounters.OTHER]);
    }

    /** Any thread: one slot (opaque load). */
    public long get(int slot) {
        return (long) SLOT.getOpaque(counts, slot);
    }

    /** Any thread: every counter, indexed by the slot constants above (opaque loads, see the class comment). */
    public long[] snapshot() {
        long[] copy = new long[SIZE];
        for (int i = 0; i < SIZE; i++) {
            copy[i] = (long) SLOT.getOpaque(counts, i);
        }
        return copy;
    }
}
