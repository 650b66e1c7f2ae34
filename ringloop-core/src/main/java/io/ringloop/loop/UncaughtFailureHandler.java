package io.ringloop.loop;

/**
 * Receives a failure that nobody else will see, as a Java thread's uncaught-exception handler does: a task that
 * failed while nobody was joining it, a TCP server's connection handler that threw, callback code (an
 * {@code IoCallback}, an {@code AcceptCallback}, a runnable given to {@link EventLoop#execute} or
 * {@link EventLoop#schedule}) that threw. The loop that ran the code goes on serving either way.
 *
 * <p>Called on the thread where the failure happened: usually the loop's thread (or a task it carries), so a
 * handler must be quick and must not block. What a handler throws is logged and otherwise ignored. A task that
 * ends by cancellation is not a failure and never comes here.
 *
 * <p>The default, {@link #logging()}, logs through {@link System.Logger} (logger {@code io.ringloop}) at
 * {@code WARNING} with the stack; {@code Ringloop.builder().uncaughtFailureHandler(...)} replaces it.
 */
@FunctionalInterface
public interface UncaughtFailureHandler {

    /**
     * @param loop    the loop the failing code belonged to
     * @param source  what failed, e.g. {@code task ringloop-task-7} or
     *                {@code connection handler (peer 127.0.0.1:40312)}
     * @param failure what it threw
     */
    void uncaught(EventLoop loop, String source, Throwable failure);

    /** The default: a {@code WARNING} with the stack through the {@code io.ringloop} System.Logger. */
    static UncaughtFailureHandler logging() {
        return (loop, source, failure) -> System.getLogger("io.ringloop").log(System.Logger.Level.WARNING,
                loop.name() + ": " + source + " failed and nobody observed it", failure);
    }
}
