package io.ringloop.task.internal;

import io.ringloop.task.JoinHandle;
import java.lang.invoke.MethodHandles;

/**
 * The completing side of {@link JoinHandle} for the runtime's code outside {@code io.ringloop.task} (the
 * {@link BlockingPool}): a {@code JoinHandle} is made, bound and completed through package-private methods that
 * users cannot call. {@code JoinHandle} hands its {@link Access} over when its class is initialised, as the
 * JDK's {@code jdk.internal.access.SharedSecrets} does for {@code java.lang}.
 */
public final class JoinHandles {
    private static volatile Access access;

    private JoinHandles() {
    }

    /** What {@link JoinHandle} lets the runtime do to it. */
    public interface Access {
        <T> JoinHandle<T> create();

        /** The thread that {@link JoinHandle#cancel()} interrupts; null once the task left it. */
        void bind(JoinHandle<?> handle, Thread thread);

        <T> void succeed(JoinHandle<T> handle, T value);

        void fail(JoinHandle<?> handle, Throwable failure);
    }

    /** Called once, by {@link JoinHandle}'s static initialiser. */
    public static void setAccess(Access a) {
        if (access != null) {
            throw new IllegalStateException("JoinHandle access is set already");
        }
        access = a;
    }

    /** The access; initialises {@link JoinHandle} first if no handle has been made yet. */
    public static Access access() {
        Access a = access;
        if (a == null) {
            try {
                MethodHandles.lookup().ensureInitialized(JoinHandle.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot initialise JoinHandle", e);
            }
            a = access;
        }
        return a;
    }
}
