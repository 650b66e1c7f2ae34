package io.ringloop.loop.internal;

import java.time.Duration;

/**
 * Durations given by users, turned into nanoseconds once, at the API entry point, with one set of rules:
 *
 * <ul>
 *   <li><b>Zero means no limit</b> for every timeout (connect, read timeout, poll, {@code Time.timeout}, join,
 *       awaitTermination), as {@link java.net.Socket#setSoTimeout} and {@link java.net.Socket#connect} say it;
 *       {@code null} too where a timeout may be left out.</li>
 *   <li><b>Negative</b> is a caller's bug: {@link IllegalArgumentException} naming the call. (A sleep of a
 *       negative duration is not a timeout: it returns at once, as {@link Thread#sleep(Duration)} does.)</li>
 *   <li><b>Huge</b> saturates at {@link #MAX_NS} (about 146 years) instead of overflowing:
 *       {@link Duration#toNanos()} throws {@link ArithmeticException} past 292 years, and a deadline
 *       {@code nanoTime() + MAX_NS} still leaves a quarter of the {@code long} range for
 *       {@code (deadlineNs - nowNs)} comparisons, the timer wheel's arithmetic and the kernel's timespec.</li>
 * </ul>
 */
public final class Timeouts {
    /** The longest duration used as such: 2^62 ns, about 146 years. Longer ones are treated as this. */
    public static final long MAX_NS = 1L << 62;
    private static final Duration MAX = Duration.ofNanos(MAX_NS);

    private Timeouts() {
    }

    /**
     * {@code duration} in nanoseconds, at most {@link #MAX_NS}; never throws {@link ArithmeticException}.
     *
     * @throws NullPointerException     if {@code duration} is null, naming {@code call}
     * @throws IllegalArgumentException if {@code duration} is negative, naming {@code call}
     */
    public static long toNanosSaturated(Duration duration, String call) {
        if (duration == null) {
            throw new NullPointerException(call + ": the duration is null");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException(call + ": negative duration " + duration);
        }
        return duration.compareTo(MAX) >= 0 ? MAX_NS : duration.toNanos();
    }

    /**
     * A timeout in nanoseconds: 0 for no limit ({@code null} or zero), else at least 1 and at most
     * {@link #MAX_NS}.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative, naming {@code call}
     */
    public static long limitNanos(Duration timeout, String call) {
        if (timeout == null || timeout.isZero()) {
            return 0;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(call + ": negative timeout " + timeout + " (zero means no limit)");
        }
        return Math.max(1, toNanosSaturated(timeout, call));
    }

    /** A sleep's length: negative and zero are 0 (no sleep), huge ones {@link #MAX_NS}. */
    public static long sleepNanos(Duration duration, String call) {
        if (duration == null) {
            throw new NullPointerException(call + ": the duration is null");
        }
        return duration.isNegative() ? 0 : toNanosSaturated(duration, call);
    }
}
