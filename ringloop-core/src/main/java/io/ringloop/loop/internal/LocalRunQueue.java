package io.ringloop.loop.internal;

import java.util.ArrayDeque;

/**
 * A loop's local run queue, and the fairness budget of what runs from it. Loop thread only (code running there
 * includes the virtual threads the loop carries).
 *
 * <p><b>Two queues.</b> {@code ready} holds what runs this turn: continuations of tasks woken on this thread,
 * callbacks of operations that completed at once, runnables from the inbox. {@code afterPoll} holds what must
 * wait for the next {@code Driver.poll}: a task that spent its budget ({@code Tasks.yieldNow}), a callback-style
 * stream past its immediate completions for this turn. At the start of each turn (the previous turn ended with
 * a poll) {@link #promote} appends them to {@code ready}, behind whatever that poll woke. Without this a yield
 * went to the back of {@code ready} and ran again in the same turn, before any other connection's I/O was seen.
 *
 * <p><b>Budget</b> (tokio's coop budget, 128 operations by default): every runnable starts with {@code budget}
 * immediate completions; an operation whose result is ready spends one ({@link #spend}) and, once none is left,
 * its task yields until after the next poll. So a task whose socket always has data goes back to the loop at
 * least every {@code budget} operations, and a flooded connection delays the others by a bounded number of turns.
 * 0 turns the budget off (every immediate result returns at once, as before).
 */
public final class LocalRunQueue {
    /** Immediate completions per run of a task (or per turn for a callback-style operation); tokio's value. */
    static final int DEFAULT_BUDGET = 128;

    private final ArrayDeque<Runnable> ready = new ArrayDeque<>(1024);
    private final ArrayDeque<Runnable> afterPoll = new ArrayDeque<>(64);
    /** Written by any thread before the loop runs user code (the runtime's builder); 0: unlimited. */
    private volatile int budget = DEFAULT_BUDGET;
    /** What the running runnable may still spend. */
    private int budgetLeft = Integer.MAX_VALUE;

    void add(Runnable r) {
        ready.add(r);
    }

    /**
     * Loop carrier only: runs {@code r} after the loop's next poll, behind what that poll wakes (a task that
     * yields so the loop sees I/O, a callback past its budget).
     */
    public void addAfterPoll(Runnable r) {
        afterPoll.add(r);
    }

    /** Runnables waiting in either queue (for the loop's counters). */
    int size() {
        return ready.size() + afterPoll.size();
    }

    /** True when nothing waits in either queue: the loop may sleep. */
    boolean isEmpty() {
        return ready.isEmpty() && afterPoll.isEmpty();
    }

    /** At the start of a turn, after the previous turn's poll: what waited for it becomes ready. */
    void promote() {
        ArrayDeque<Runnable> waiting = afterPoll;
        Runnable r;
        while ((r = waiting.poll()) != null) {
            ready.add(r);
        }
    }

    /** Runs up to {@code max} ready runnables, each with a fresh budget, through {@code loop.runSafely}. */
    void run(Loop loop, int max) {
        ArrayDeque<Runnable> queue = ready;
        int perRun = budget == 0 ? Integer.MAX_VALUE : budget;
        for (int i = 0; i < max; i++) {
            Runnable r = queue.poll();
            if (r == null) {
                return;
            }
            budgetLeft = perRun;
            loop.runSafely(r);
        }
    }

    /**
     * Loop carrier only: one immediate completion for the running runnable. True when its budget is spent: the
     * caller yields until after the next poll ({@link #addAfterPoll}).
     */
    public boolean spend() {
        return --budgetLeft <= 0;
    }

    /** Immediate completions per run before a task yields to the loop (0: unlimited); default 128. */
    public int budget() {
        return budget;
    }

    /** Any thread, before user code runs on the loop: sets {@link #budget()}. */
    public void budget(int operations) {
        if (operations < 0) {
            throw new IllegalArgumentException("budget must be >= 0 (0: unlimited): " + operations);
        }
        budget = operations;
    }
}
