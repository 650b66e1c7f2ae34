package io.ringloop.loop;

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

    private final List<EventLoop> loops;
    private final long thresholdNs;
    private final Thread thread;
    private final AtomicLong episodes = new AtomicLong();
    private volatile boolean closed;

    public LoopWatchdog(List<EventLoop> loops, Duration threshold) {
        this.loops = List.copyOf(loops);
        this.thresholdNs = threshold.toNanos();
        this.thread = Thread.ofPlatform().daemon(true).name("ringloop-watchdog").unstarted(this::run);
        thread.start();
    }

    /** How many times some loop was seen blocked so far. */
    public long blockedEpisodes() {
        return episodes.get();
    }

    private void run() {
        int n = loops.size();
        long[] lastTurns = new long[n];
        long[] sinceNs = new long[n];
        boolean[] reported = new boolean[n];
        long periodMs = Math.max(1, thresholdNs / 4 / 1_000_000);
        // A loop not yet seen is measured from now, not from 0: a loop still starting up (turn 0, not
        // sleeping yet) was reported as blocked for the machine's uptime.
        java.util.Arrays.fill(sinceNs, System.nanoTime());
        while (!closed) {
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                EventLoop loop = loops.get(i);
                long t = loop.turns();
                if (t != lastTurns[i] || loop.isSleeping() || loop.isTerminated()) {
                    lastTurns[i] = t;
                    sinceNs[i] = now;
                    reported[i] = false;
                } else if (!reported[i] && now - sinceNs[i] > thresholdNs) {
                    reported[i] = true;
                    episodes.incrementAndGet();
                    report(loop, now - sinceNs[i]);
                }
            }
            try {
                Thread.sleep(periodMs); // the watchdog's own sampling period, not a test's hope
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void report(EventLoop loop, long blockedNs) {
        StringBuilder sb = new StringBuilder();
        sb.append(loop.name()).append(" has been inside one turn for ").append(blockedNs / 1_000_000)
                .append(" ms: something on it blocks (use spawnBlocking for blocking work). Loop thread:");
        for (StackTraceElement e : loop.thread().getStackTrace()) {
            sb.append("\n\tat ").append(e);
        }
        LOG.log(System.Logger.Level.WARNING, sb.toString());
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
