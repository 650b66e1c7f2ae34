package io.ringloop.loop.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The runtime's JDK Flight Recorder events, in category "ringloop" (JDK Mission Control shows them under that
 * name in its event browser). Each costs nothing unless a recording enables it: the commit helpers below build
 * an event's strings only then.
 *
 * <ul>
 *   <li>{@code io.ringloop.BackendChosen}: a loop started on a backend, and why (at every loop start).</li>
 *   <li>{@code io.ringloop.LoopStall}: the blocked-loop detector found a loop inside one turn for longer than its
 *       threshold; with the stack of what holds the loop.</li>
 *   <li>{@code io.ringloop.TaskFailure}: a task ended with an exception other than a cancellation (or other user
 *       code on a loop failed), with the exception's stack.</li>
 *   <li>{@code io.ringloop.SlowOperation}: a task waited longer than a threshold for one I/O operation; off unless
 *       the threshold is set (system property {@code ringloop.slowOperationMs}, or
 *       {@link #slowOperationThreshold(Duration)}), then committed with the waiting task's stack.</li>
 * </ul>
 *
 * <p>To record: {@code -XX:StartFlightRecording:filename=run.jfr} (all four are enabled by default), then
 * {@code jfr print --events io.ringloop.LoopStall run.jfr} or JMC.
 */
public final class LoopEvents {
    /** Pending operations waited for longer than this (ns) are committed as SlowOperation; 0: not measured. */
    private static volatile long slowOperationNs =
            Timeouts.toNanosSaturated(Duration.ofMillis(Math.max(0, Long.getLong("ringloop.slowOperationMs", 0))),
                    "-Dringloop.slowOperationMs");

    private LoopEvents() {
    }

    @Name("io.ringloop.BackendChosen")
    @Label("Backend Chosen")
    @Category("ringloop")
    @Description("A loop started on this backend (io_uring, epoll or nio), for this reason")
    @StackTrace(false)
    static final class BackendChosen extends Event {
        @Label("Loop")
        String loop;
        @Label("Backend")
        String backend;
        @Label("Reason")
        String reason;
    }

    @Name("io.ringloop.LoopStall")
    @Label("Loop Stall")
    @Category("ringloop")
    @Description("A loop stayed inside one turn longer than the blocked-loop threshold: every other task on it waited")
    @StackTrace(false)
    static final class LoopStall extends Event {
        @Label("Loop")
        String loop;
        @Label("Stalled For")
        @Timespan(Timespan.NANOSECONDS)
        long stalledFor;
        @Label("Stack")
        @Description("The stack of what holds the loop")
        String stack;
    }

    @Name("io.ringloop.TaskFailure")
    @Label("Task Failure")
    @Category("ringloop")
    @Description("A task (or other user code on a loop) ended with an exception other than a cancellation")
    @StackTrace(false)
    static final class TaskFailure extends Event {
        @Label("Loop")
        String loop;
        @Label("Source")
        @Description("What failed: a task's thread name, or the kind of callback")
        String source;
        @Label("Exception")
        String exception;
        @Label("Message")
        String message;
        @Label("Stack")
        String stack;
    }

    @Name("io.ringloop.SlowOperation")
    @Label("Slow Operation")
    @Category("ringloop")
    @Description("A task waited longer than the slow-operation threshold for one I/O operation")
    static final class SlowOperation extends Event {
        @Label("Loop")
        String loop;
        @Label("Operation")
        String operation;
        @Label("Waited")
        @Timespan(Timespan.NANOSECONDS)
        long waited;
    }

    /** Loop thread, at start: the backend {@code loop} runs on and why. */
    static void backendChosen(String loop, String backend, String reason) {
        BackendChosen e = new BackendChosen();
        if (e.isEnabled()) {
            e.loop = loop;
            e.backend = backend;
            e.reason = reason;
            e.commit();
        }
    }

    /** The watchdog: {@code loop} has been inside one turn for {@code stalledNs}; {@code stack} holds it. */
    static void loopStall(String loop, long stalledNs, String stack) {
        LoopStall e = new LoopStall();
        if (e.isEnabled()) {
            e.loop = loop;
            e.stalledFor = stalledNs;
            e.stack = stack;
            e.commit();
        }
    }

    /**
     * Any thread: user code on {@code loop} failed with {@code failure}; {@code source} says what it was (a
     * task's thread name, "callback", ...). Cancellations are not failures: callers leave them out. The task layer
     * calls it for every task that fails; callers reporting other user code may call it too.
     */
    public static void taskFailure(String loop, String source, Throwable failure) {
        TaskFailure e = new TaskFailure();
        if (e.isEnabled()) {
            e.loop = loop;
            e.source = source;
            e.exception = failure.getClass().getName();
            e.message = failure.getMessage();
            StringWriter w = new StringWriter();
            failure.printStackTrace(new PrintWriter(w));
            e.stack = w.toString();
            e.commit();
        }
    }

    /** Any thread: the slow-operation threshold in nanoseconds, 0 when operations are not measured. */
    public static long slowOperationThresholdNs() {
        return slowOperationNs;
    }

    /**
     * Sets the slow-operation threshold for the whole process: a task that waits longer for one operation is
     * reported as {@code io.ringloop.SlowOperation} (while a recording enables it). {@link Duration#ZERO}: off.
     */
    public static void slowOperationThreshold(Duration threshold) {
        slowOperationNs = Timeouts.toNanosSaturated(threshold, "slowOperationThreshold");
    }

    /** The waiting task: {@code operation} on {@code loop} took {@code waitedNs}, over the threshold. */
    public static void slowOperation(String loop, String operation, long waitedNs) {
        SlowOperation e = new SlowOperation();
        if (e.isEnabled()) {
            e.loop = loop;
            e.operation = operation;
            e.waited = waitedNs;
            e.commit();
        }
    }
}
