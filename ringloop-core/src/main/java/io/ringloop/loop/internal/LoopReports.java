package io.ringloop.loop.internal;

import io.ringloop.loop.UncaughtFailureHandler;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a loop tells about the user code it runs: failures nobody else observes go to its
 * {@link UncaughtFailureHandler}, and the watchdog asks which task is mounted on its thread. Any thread.
 */
public final class LoopReports {
    private static final System.Logger LOG = System.getLogger(Loop.class.getName());

    private final Loop loop;
    /** The task layer's answer to "which task is mounted on this loop's thread now?", for the watchdog. */
    private volatile Supplier<Thread> mountedTask = () -> null;
    /** Where failures nobody observes go (user code that threw on this loop). */
    private volatile UncaughtFailureHandler uncaught = UncaughtFailureHandler.logging();

    LoopReports(Loop loop) {
        this.loop = loop;
    }

    /**
     * Set once by the task layer: finds the task (virtual thread) mounted on this loop's thread, or null when the
     * loop thread runs its own or callback code. Any thread may ask ({@link #mountedTask()}); it is not cheap.
     */
    public void mountedTaskProbe(Supplier<Thread> probe) {
        this.mountedTask = probe;
    }

    /** The task mounted on this loop's thread now, or null (see {@link #mountedTaskProbe}). */
    public Thread mountedTask() {
        return mountedTask.get();
    }

    /** Replaces the handler of failures nobody observes ({@link UncaughtFailureHandler#logging()}). */
    public void uncaughtFailureHandler(UncaughtFailureHandler handler) {
        this.uncaught = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Reports a failure of user code that nobody else will see ({@code source} says what failed) to the loop's
     * {@link UncaughtFailureHandler}. A handler that throws is logged; the caller goes on.
     */
    public void uncaught(String source, Throwable failure) {
        try {
            uncaught.uncaught(loop, source, failure);
        } catch (Throwable t) {
            t.addSuppressed(failure);
            SafeLog.log(LOG, System.Logger.Level.ERROR,
                    loop.name() + ": the uncaught-failure handler threw on " + source, t);
        }
    }
}
