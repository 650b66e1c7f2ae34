package io.ringloop.time;

import io.ringloop.loop.internal.Timeouts;
import java.time.Duration;

/**
 * A periodic tick for a task: {@code while (running) { interval.tick(); work(); }}. The first tick is
 * immediate; then one every period. When the task falls behind, {@link MissedTicks} decides what happens.
 * Not thread-safe: one task ticks it.
 */
public final class Interval {
    private final long periodNs;
    private final MissedTicks policy;
    private long nextNs;

    Interval(Duration period, MissedTicks policy) {
        if (period != null && period.isZero()) {
            throw new IllegalArgumentException("interval: the period must be positive: " + period);
        }
        this.periodNs = Timeouts.toNanosSaturated(period, "interval");
        this.policy = policy;
        this.nextNs = System.nanoTime();
    }

    /**
     * Waits for the next tick and returns its scheduled time ({@link System#nanoTime()} scale), which may be
     * in the past after a missed tick under {@link MissedTicks#BURST}.
     */
    public long tick() throws InterruptedException {
        long scheduled = nextNs;
        Time.sleepUntilNanos(scheduled);
        nextNs = next(policy, scheduled, System.nanoTime(), periodNs);
        return scheduled;
    }

    /** The tick after one scheduled at {@code scheduledNs} that actually happened at {@code nowNs}. */
    static long next(MissedTicks policy, long scheduledNs, long nowNs, long periodNs) {
        return switch (policy) {
            case BURST -> scheduledNs + periodNs;
            case DELAY -> nowNs - scheduledNs >= periodNs ? nowNs + periodNs : scheduledNs + periodNs;
            case SKIP -> {
                long next = scheduledNs + periodNs;
                if (nowNs - next >= 0) {
                    next += ((nowNs - next) / periodNs + 1) * periodNs; // the first schedule tick after now
                }
                yield next;
            }
        };
    }

    public Duration period() {
        return Duration.ofNanos(periodNs);
    }

    public MissedTicks missedTicks() {
        return policy;
    }
}
