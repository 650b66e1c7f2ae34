package io.ringloop.time;

import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.Timeouts;
import io.ringloop.task.internal.LoopContext;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Time for tasks, on the loop's timer wheel: {@link #sleep}, {@link #sleepUntil}, {@link #timeout} and
 * {@link #interval}. A timer never fires before its deadline; with an idle loop it fires within one tick
 * (1 ms) plus scheduling noise.
 *
 * <p>On a loop-scheduled task a sleep costs one wheel insert and nothing else: the timer's payload is the
 * sleeping thread itself, unparked when it fires (no allocation). Off a loop (a plain thread, or a
 * work-stealing task) the same calls work: work-stealing tasks use their loop's wheel through its inbox, plain
 * threads park with the JDK's timed park.
 */
public final class Time {
    private Time() {
    }

    /**
     * Parks the calling task for {@code duration}; interruptible (a cancelled task stops sleeping). Zero or
     * negative: no sleep, as {@link Thread#sleep(Duration)}; over about 146 years: that long.
     */
    public static void sleep(Duration duration) throws InterruptedException {
        sleepUntilNanos(System.nanoTime() + Timeouts.sleepNanos(duration, "sleep"));
    }

    /** Parks until the wall-clock {@code instant} (converted once to the monotonic clock); a past one: no sleep. */
    public static void sleepUntil(Instant instant) throws InterruptedException {
        Objects.requireNonNull(instant, "sleepUntil: the instant is null");
        long delayNs = Timeouts.sleepNanos(Duration.between(Instant.now(), instant), "sleepUntil");
        sleepUntilNanos(System.nanoTime() + delayNs);
    }

    /** Parks until {@link System#nanoTime()} reaches {@code deadlineNs}. */
    public static void sleepUntilNanos(long deadlineNs) throws InterruptedException {
        if (deadlineNs - System.nanoTime() <= 0) {
            if (Thread.interrupted()) {
                throw new InterruptedException("sleep interrupted");
            }
            return;
        }
        Loop loop = LoopContext.current();
        Thread me = Thread.currentThread();
        long timer;
        if (loop == null) {
            parkPlain(deadlineNs);
            return;
        }
        boolean local = LoopContext.onCarrier(loop);
        if (local) {
            timer = loop.scheduleAt(deadlineNs, me);
        } else {
            timer = 0;
            loop.execute(() -> loop.scheduleAt(deadlineNs, me));
        }
        // The wheel never fires early, so "now >= deadline" is the wake condition; other unparks just loop.
        while (deadlineNs - System.nanoTime() > 0) {
            LockSupport.park(Time.class);
            if (Thread.interrupted()) {
                if (local) {
                    loop.cancelTimer(timer);
                } // off the carrier the timer just fires later and unparks nobody who cares
                throw new InterruptedException("sleep interrupted");
            }
        }
    }

    private static void parkPlain(long deadlineNs) throws InterruptedException {
        long left;
        while ((left = deadlineNs - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Time.class, left);
            if (Thread.interrupted()) {
                throw new InterruptedException("sleep interrupted");
            }
        }
    }

    /**
     * Runs {@code operation} in the calling task and cancels it if it takes longer than {@code limit}: the
     * task is interrupted, so a pending I/O operation is cancelled (data that arrived is kept for the next
     * read) and {@link TimeoutException} is thrown. The operation's own exceptions pass through. Null or zero:
     * no limit (as for every timeout in ringloop); negative: {@link IllegalArgumentException}; over about 146
     * years: that long.
     */
    public static <T> T timeout(Duration limit, Callable<T> operation) throws Exception {
        long limitNs = Timeouts.limitNanos(limit, "timeout");
        Loop loop = LoopContext.current();
        if (loop == null) {
            throw new IllegalStateException("timeout: not in a task on a loop");
        }
        if (limitNs == 0) {
            return operation.call();
        }
        Thread me = Thread.currentThread();
        TimeoutTimer fired = new TimeoutTimer(me);
        long deadlineNs = System.nanoTime() + limitNs;
        boolean local = LoopContext.onCarrier(loop);
        long timer = local ? loop.scheduleAt(deadlineNs, fired) : 0;
        if (!local) {
            loop.execute(() -> fired.timer = loop.scheduleAt(deadlineNs, fired));
        }
        try {
            T result = operation.call();
            if (fired.expired) {
                Thread.interrupted(); // our interrupt arrived after the operation finished: drop it
            }
            return result;
        } catch (CancellationException | InterruptedException | InterruptedIOException e) {
            if (fired.expired) {
                Thread.interrupted();
                TimeoutException t = new TimeoutException("timed out after " + limit);
                t.initCause(e);
                throw t;
            }
            throw e;
        } finally {
            fired.done = true;
            if (local) {
                loop.cancelTimer(timer);
            }
        }
    }

    /** The payload of a timeout: interrupts its task unless the operation already finished. */
    private static final class TimeoutTimer implements Runnable {
        private final Thread task;
        volatile boolean expired;
        volatile boolean done;
        volatile long timer;

        TimeoutTimer(Thread task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (!done) {
                expired = true;
                task.interrupt();
            }
        }
    }

    /** Ticks every {@code period}, first tick immediately, with {@link MissedTicks#BURST} for late ticks. */
    public static Interval interval(Duration period) {
        return new Interval(period, MissedTicks.BURST);
    }

    public static Interval interval(Duration period, MissedTicks policy) {
        return new Interval(period, policy);
    }
}
