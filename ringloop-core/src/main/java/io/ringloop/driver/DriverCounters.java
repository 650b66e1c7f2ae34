package io.ringloop.driver;

import io.ringloop.sys.Errno;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one driver counts, cheap enough to leave on: the operations it started, completed and was asked to cancel,
 * by kind, its calls into the kernel's wait, and the time it spent asleep there. The loop turns them into its
 * {@code LoopMetrics}.
 *
 * <p><b>Threads and memory order.</b> Written by the loop's OS thread only (code running on it included: the
 * driver's callers are virtual threads it carries): a plain read of the slot, plus one, stored with an
 * <i>opaque</i> store ({@code VarHandle.setOpaque}). No atomic read-modify-write, no fence, no allocation.
 * Read from any thread with opaque loads ({@link #snapshot}, {@link #asleepNs}): each value is one the loop wrote
 * recently, whole (never torn), and never goes backwards; values are not ordered with each other, so a snapshot
 * may show a completion whose submission it does not show yet (the difference is transient).
 *
 * <p><b>Kinds</b>: {@link #READ} (reads, scatter reads, datagram receives), {@link #WRITE} (writes, gather
 * writes, datagram sends), {@link #ACCEPT}, {@link #CONNECT}, {@link #OTHER} (file operations, waits for
 * foreign fds). {@link #UNCOUNTED} marks a driver's own operations (an armed multishot): not counted.
 *
 * <p><b>What counts.</b> Every asynchronous operation started is <i>submitted</i> once and, when it ends,
 * <i>completed</i> once, whatever its result (errors and -ECANCELED included), whether it
 * completed at once or later: once every operation is over, submitted equals completed, and in between their
 * difference is what is in flight. <i>Cancelled</i> counts, among the completed, those that ended with
 * {@code -ECANCELED}, whatever the cause: a cancel (an interrupt), a deadline (a timeout), the close of their
 * handle or of the driver; one whose real result raced its cancel is not cancelled. An
 * operation refused because its handle is not open (or the driver is closing), or that throws before it starts
 * (a bad argument), counts nothing.
 */
public final class DriverCounters {
    /** The kinds an operation is counted under; one slot each in every family. */
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int ACCEPT = 2;
    public static final int CONNECT = 3;
    public static final int OTHER = 4;
    /** How many kinds there are. */
    public static final int KINDS = 5;
    /** A driver's own operation, not counted. */
    public static final int UNCOUNTED = -1;

    // Slots of {@link #counts}: the families of per-kind counters, then the single counters.
    /** First slot of the submitted counters ({@code SUBMITTED + kind}). */
    public static final int SUBMITTED = 0;
    /** First slot of the completed counters. */
    public static final int COMPLETED = KINDS;
    /** First slot of the cancelled counters (completed with -ECANCELED). */
    public static final int CANCELLED = 2 * KINDS;
    /** Calls into the kernel's wait: io_uring_enter, epoll_wait, select. */
    public static final int KERNEL_WAITS = 3 * KINDS;
    /** Nanoseconds spent blocked in the kernel's wait, sleeps that ended. */
    public static final int ASLEEP_NS = KERNEL_WAITS + 1;
    /** {@link System#nanoTime()} when the sleep in progress began, 0 when awake. */
    private static final int SLEEP_START_NS = ASLEEP_NS + 1;
    /** Slots in a {@link #snapshot}. */
    public static final int SIZE = SLEEP_START_NS + 1;

    /** Every element: plain loads and opaque stores on the loop thread, opaque loads elsewhere. */
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    /** A driver that counts nothing returns this ({@link Driver#counters()}): all zeros, never written. */
    public static final DriverCounters NONE = new DriverCounters();

    private final long[] counts = new long[SIZE];

    /** Loop thread: adds one to {@code slot}. */
    private void bump(int slot) {
        SLOT.setOpaque(counts, slot, counts[slot] + 1);
    }

    /**
     * Loop thread: an operation of {@code kind} returned {@code result} at once. Unless it is
     * {@link Driver#PENDING} (whose submission is counted by {@link #pending}), it is submitted and completed.
     * Returns {@code result}, so a call site can wrap its return value.
     */
    public int immediate(int kind, int result) {
        if (result != Driver.PENDING && kind >= 0) {
            bump(SUBMITTED + kind);
            completed(kind, result);
        }
        return result;
    }

    /** Loop thread: an operation of {@code kind} was submitted and will complete later. */
    public void pending(int kind) {
        if (kind >= 0) {
            bump(SUBMITTED + kind);
        }
    }

    /** Loop thread: a pending operation of {@code kind} completed with {@code result}. */
    public void completed(int kind, int result) {
        if (kind >= 0) {
            bump(COMPLETED + kind);
            if (result == -Errno.ECANCELED) {
                bump(CANCELLED + kind);
            }
        }
    }

    /** Loop thread: one call into the kernel's wait. */
    public void kernelWait() {
        bump(KERNEL_WAITS);
    }

    /** Loop thread: the kernel's waits so far, for a driver that counts them elsewhere (io_uring's ring). */
    public void kernelWaits(long total) {
        SLOT.setOpaque(counts, KERNEL_WAITS, total);
    }

    /** Loop thread: the loop is about to block in the kernel's wait. */
    public void sleeping() {
        SLOT.setOpaque(counts, SLEEP_START_NS, System.nanoTime());
    }

    /** Loop thread: the wait returned (or the first event of it arrived); a second call does nothing. */
    public void awake() {
        long start = counts[SLEEP_START_NS];
        if (start != 0) {
            SLOT.setOpaque(counts, ASLEEP_NS, counts[ASLEEP_NS] + (System.nanoTime() - start));
            SLOT.setOpaque(counts, SLEEP_START_NS, 0L);
        }
    }

    /** Any thread: the kernel's waits so far. */
    public long kernelWaits() {
        return (long) SLOT.getOpaque(counts, KERNEL_WAITS);
    }

    /** Any thread: nanoseconds asleep in the kernel's wait up to {@code nowNs}, the sleep in progress included. */
    public long asleepNs(long nowNs) {
        long start = (long) SLOT.getOpaque(counts, SLEEP_START_NS);
        long done = (long) SLOT.getOpaque(counts, ASLEEP_NS);
        return start == 0 ? done : done + Math.max(0, nowNs - start);
    }

    /** Any thread: every counter, indexed by the slot constants above (opaque loads, see the class comment). */
    public long[] snapshot() {
        long[] copy = new long[SIZE];
        for (int i = 0; i < SIZE; i++) {
            copy[i] = (long) SLOT.getOpaque(counts, i);
        }
        return copy;
    }

    @Override
    public String toString() {
        long[] c = snapshot();
        StringBuilder b = new StringBuilder("DriverCounters[");
        String[] names = {"read", "write", "accept", "connect", "other"};
        for (int k = 0; k < KINDS; k++) {
            b.append(k == 0 ? "" : ", ").append(names[k]).append(' ').append(c[SUBMITTED + k]).append('/')
                    .append(c[COMPLETED + k]).append('/').append(c[CANCELLED + k]);
        }
        return b.append(" (submitted/completed/cancelled), waits ").append(c[KERNEL_WAITS]).append(", asleep ")
                .append(c[ASLEEP_NS] / 1_000_000).append(" ms]").toString();
    }
}
