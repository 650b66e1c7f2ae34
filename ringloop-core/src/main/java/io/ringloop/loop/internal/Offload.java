package io.ringloop.loop.internal;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Work that must not run on a loop thread (a TLS engine's key exchange, a signature), run on an executor, its end
 * heard back on the loop thread: the callback machines' way to wait without blocking their loop.
 */
public final class Offload {
    private Offload() {
    }

    /**
     * Runs {@code work} in order on {@code executor}, then {@code done} on {@code loop}'s thread with what the
     * work threw (the first failure stops it), or null. An executor that refuses is heard the same way, from the
     * loop's queue; a loop shut down meanwhile hears nothing (what waited on it is closed).
     */
    public static void run(Loop loop, Executor executor, List<Runnable> work, Consumer<Throwable> done) {
        try {
            executor.execute(() -> {
                Throwable failure = null;
                try {
                    for (Runnable r : work) {
                        r.run();
                    }
                } catch (Throwable t) {
                    failure = t;
                }
                Throwable f = failure;
                try {
                    loop.execute(() -> done.accept(f));
                } catch (RejectedExecutionException ignore) {
                    // the loop is shut down: what waited for this work is closed with it
                }
            });
        } catch (RejectedExecutionException e) {
            loop.executeLocal(() -> done.accept(e));
        }
    }
}
