package io.ringloop.loop.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The blocked-loop detector. A loop that stays inside one turn for longer than a threshold is running
 * something that does not yield: blocking file I/O, a long computation, a lock held by a pinned virtual thread.
 * Every other task on that loop waits meanwhile. The watchdog samples each loop's turn counter from its own
 * daemon thread and, when a loop that is not sleeping has not finished a turn within the threshold, logs a
 * warning once per episode that says what it saw, with the stack that shows where:
 * <ul>
 *   <li>a task that does not yield (computing, or looping on operations that complete at once), or a task in a
 *       blocking call (a native method, or parked while pinned to the carrier): the <em>task's</em> stack, found
 *       through the task layer ({@link LoopReports#mountedTask()}); the loop thread's own frames would only show
 *       {@code Continuation.run} under {@code Loop.turn};</li>
 *   <li>callback code on the loop thread (no task mounted), running or in a blocking call: the loop thread's
 *       stack.</li>
 * </ul>
 * The cure is {@code spawnBlocking}, {@code Tasks.yieldNow} or the work-stealing mode; this says where.
 */
public final class LoopWatchdog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.ringloop");

    private static final long SECOND_LOOK_NS = 20_000_000;

    private final List<Loop> loops;
    private final long thresholdNs;
    private final Thread thread;
    private final AtomicLong episodes = new AtomicLong();
    /** Where reports go: the log, or a test's collector. */
    private final Consumer<String> out;
    private volatile boolean closed;
    // Per loop, touched by the sampling thread only: the turn count last seen, since when it has not moved,
    // and whether this episode was reported.
    private final long[] lastTurns;
    private final long[] sinceNs;
    private final boolean[] reported;

    public LoopWatchdog(List<Loop> loops, Duration threshold) {
        this(loops, threshold, System.nanoTime(), true);
    }

    /**
     * Every loop counts as seen at {@code startNs} in the turn it is in then: a loop that is still starting
     * (turn 0, not sleeping yet) is measured from there, not from time 0, which reported it as blocked for
     * the machine's uptime. Tests pass {@code startThread} false and call {@link #sample} themselves.
     */
    LoopWatchdog(List<Loop> loops, Duration threshold, long startNs, boolean startThread) {
        this(loops, threshold, startNs, startThread,
                report -> SafeLog.log(LOG, System.Logger.Level.WARNING, report, null));
    }

    /** As above, reports to {@code out}. */
    LoopWatchdog(List<Loop> loops, Duration threshold, long startNs, boolean startThread, Consumer<String> out) {
        this.out = out;
        this.loops = List.copyOf(loops);
        this.thresholdNs = Timeouts.toNanosSaturated(threshold, "blockedLoopThreshold");
        int n = this.loops.size();
        lastTurns = new long[n];
        sinceNs = new long[n];
        reported = new boolean[n];
        for (int i = 0; i < n; i++) {
            lastTurns[i] = this.loops.get(i).turns();
            sinceNs[i] = startNs;
        }
        this.thread = Thread.ofPlatform().daemon(true).name("ringloop-watchdog").unstarted(this::run);
        if (startThread) {
            thread.start();
        }
    }

    /** How many times some loop was seen blocked so far. */
    public long blockedEpisodes() {
        return episodes.get();
    }

    private void run() {
        long periodMs = Math.max(1, thresholdNs / 4 / 1_000_000);
        while (!closed) {
            sample(System.nanoTime());
            try {
                Thread.sleep(periodMs); // the watchdog's own sampling period, not a test's hope
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One look at every loop at {@code nowNs}: reports each newly blocked one; returns how many it reported. */
    int sample(long nowNs) {
        int found = 0;
        for (int i = 0; i < lastTurns.length; i++) {
            Loop loop = loops.get(i);
            long t = loop.turns();
            if (t != lastTurns[i] || loop.isSleeping() || loop.isTerminated()) {
                lastTurns[i] = t;
                sinceNs[i] = nowNs;
                reported[i] = false;
            } else if (!reported[i] && nowNs - sinceNs[i] > thresholdNs) {
                reported[i] = true;
                episodes.incrementAndGet();
                long blockedNs = nowNs - sinceNs[i];
                String text = report(loop, blockedNs);
                out.accept(text);
                LoopEvents.loopStall(loop.name(), blockedNs, text);
                found++;
            }
        }
        return found;
    }

    /** What the loop is doing, in words and with the stack that shows it. */
    static String report(Loop loop, long blockedNs) {
        Thread task = loop.reports().mountedTask();
        Thread shown = task != null ? task : loop.thread();
        StackTraceElement[] stack = shown.getStackTrace();
        Thread.State state = shown.getState();
        boolean blocked = state != Thread.State.RUNNABLE;
        if (!blocked && stack.length > 0 && stack[0].isNativeMethod()) {
            // One look may land in a short native call of a busy loop: blocked if a second look finds it there.
            LockSupport.parkNanos(SECOND_LOOK_NS);
            blocked = Arrays.equals(stack, shown.getStackTrace());
        }
        String who = task != null ? "task " + task.getName() : "callback code on the loop thread";
        StringBuilder sb = new StringBuilder();
        sb.append(loop.name()).append(" has been inside one turn for ").append(blockedNs / 1_000_000).append(" ms: ");
        if (blocked) {
            sb.append(who).append(" is in a blocking call (").append(stack.length > 0 ? stack[0] : "?")
                    .append(", ").append(state).append(") that holds the loop's thread; every other task and ")
                    .append("connection on the loop waits. Move it to spawnBlocking (or use ringloop's I/O).");
        } else {
            sb.append(who).append(" runs without yielding (computing, or looping on operations that complete at ")
                    .append("once); every other task and connection on the loop waits. Split it with ")
                    .append("Tasks.yieldNow(), or move it to spawnBlocking or the work-stealing mode.");
        }
        sb.append(task != null ? " The task's stack:" : " The loop thread's stack:");
        for (StackTraceElement e : stack) {
            sb.append("\n\tat ").append(e);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
