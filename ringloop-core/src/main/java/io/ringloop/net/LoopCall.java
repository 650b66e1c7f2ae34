package io.ringloop.net;

import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.Errno;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.ToIntFunction;

/**
 * Synchronous driver calls (bind, options, close...) from wherever the caller is: directly when on the loop's
 * carrier, else posted to the loop while the caller waits. Not a hot path.
 */
final class LoopCall {
    @FunctionalInterface
    interface DriverCall<T> {
        T call(Driver driver) throws IOException;
    }

    private LoopCall() {
    }

    static <T> T call(Loop loop, DriverCall<T> c) throws IOException {
        if (LoopContext.onCarrier(loop)) {
            return c.call(loop.driver());
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    f.complete(c.call(loop.driver()));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            throw (IOException) Errno.closedException(loop.name() + " has stopped: its sockets are closed")
                    .initCause(e);
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + loop.name());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        }
    }

    /** A call that returns a result or -errno; throws for -errno with {@code what} in the message. */
    static int check(Loop loop, String what, ToIntFunction<Driver> c) throws IOException {
        int r = call(loop, c::applyAsInt);
        if (r < 0) {
            throw Errno.exception(what, r);
        }
        return r;
    }

    /** The caller's loop, or a clear error naming the call. */
    static Loop requireLoop(String call) {
        Loop loop = LoopContext.current();
        if (loop == null) {
            throw new IllegalStateException(call + ": not on a ringloop loop (run it in a task, e.g. "
                    + "Ringloop.blockOn, or on a loop thread)");
        }
        return loop;
    }
}
