package io.ringloop.loop.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The blocked-loop detector. A loop that stays inside one turn for longer than a threshold is running
 * something that does not yield: blocking file I/O, a long computation, a lock held by a pinned virtual thread.
 * Every other task on that loop waits meanwhile. The watchdog samples each loop's turn counter from its own
 * daemon thread and, when a loop that is not sleeping has not finished a turn within the threshold, logs a
 * warning with the loop thread's stack (once per episode). The cure is {@code spawnBlocking} or the
 * work-stealing mode; this says where to apply it.
 */
public final class LoopWatchdog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.ringloop");

    private final List<Loop> loops;
    private final long thresholdNs;
    private final Thread thread;
    private final AtomicLong episodes = new AtomicLong();
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
        this.loops = List.copyOf(loops);
        this.thresholdNs = threshold.toNanos();
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
                report(loop, nowNs - sinceNs[i]);
                found++;
            }
        }
        return found;
    }

    private static void report(Loop loop, long blockedNs) {
        StringBuilder stack = new StringBuilder();
        for (StackTraceElement e : loop.thread().getStackTrace()) {
            stack.append("\n\tat ").append(e);
        }
        LOG.log(System.Logger.Level.WARNING, loop.name() + " has been inside one turn for " + blockedNs / 1_000_000
                + " ms: something on it blocks (use spawnBlocking for blocking work). Loop thread:" + stack);
        LoopEvents.loopStall(loop.name(), blockedNs, stack.toString().stripLeading());
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
