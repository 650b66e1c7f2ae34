package io.ringloop.task.internal;

import io.ringloop.task.JoinHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Virtual threads with a custom scheduler. The JDK's virtual-thread builder takes a scheduler through a
 * package-private constructor ({@code java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)}); with
 * {@code --add-opens java.base/java.lang=io.ringloop} (or {@code =ALL-UNNAMED} when ringloop runs on the class
 * path) we can call it, and read a virtual thread's {@code scheduler} field to learn which loop carries the
 * current thread.
 *
 * <p>Without the flag {@link #AVAILABLE} is false and tasks run on the JDK's default scheduler: everything
 * works, but every I/O completion hops threads. {@link #MODE} says which, and the runtime logs it once.
 */
public final class VirtualThreads {
    /** True when tasks can be virtual threads scheduled by their loop. */
    public static final boolean AVAILABLE;
    /** Which mode tasks run in, and the flag that changes it: the start-up log line. */
    public static final String MODE;
    private static final Constructor<?> BUILDER;
    private static final VarHandle SCHEDULER;
    /** {@code VirtualThread.carrierThread}: the platform thread it is mounted on, null when unmounted. */
    private static final VarHandle CARRIER;
    private static final Class<?> VIRTUAL_THREAD;

    static {
        Constructor<?> ctor = null;
        VarHandle scheduler = null;
        VarHandle carrier = null;
        Class<?> vt = null;
        String mode;
        try {
            Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            ctor = builder.getDeclaredConstructor(Executor.class);
            ctor.setAccessible(true);
            vt = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
            scheduler = lookup.findVarHandle(vt, "scheduler", Executor.class);
            carrier = findCarrier(lookup, vt);
            mode = "tasks run as virtual threads on the loop thread";
        } catch (ReflectiveOperationException | RuntimeException e) {
            ctor = null;
            scheduler = null;
            mode = "tasks run on the JDK's default virtual-thread scheduler (add --add-opens java.base/java.lang="
                    + openTo() + " to run them on the loop thread): " + e;
        }
        BUILDER = ctor;
        SCHEDULER = scheduler;
        CARRIER = carrier;
        VIRTUAL_THREAD = vt;
        AVAILABLE = ctor != null;
        MODE = mode;
    }

    private VirtualThreads() {
    }

    /** Whom java.lang must be opened to: this module, or every unnamed module when we run on the class path. */
    private static String openTo() {
        Module self = VirtualThreads.class.getModule();
        return self.isNamed() ? self.getName() : "ALL-UNNAMED";
    }

    /** A factory of virtual threads scheduled by {@code scheduler}; null when not available. */
    public static ThreadFactory factory(Executor scheduler, String name) {
        if (!AVAILABLE) {
            return null;
        }
        try {
            Thread.Builder.OfVirtual b = (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
            return b.name(name, 0).factory();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a loop-scheduled virtual thread factory", e);
        }
    }

    /** The carrier field, or null if this JDK names it otherwise (the watchdog then cannot name the task). */
    private static VarHandle findCarrier(MethodHandles.Lookup lookup, Class<?> vt) {
        try {
            return lookup.findVarHandle(vt, "carrierThread", Thread.class);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** Which of {@code tasks}' threads is mounted on {@code carrier} now, or null. Any thread; a racy look. */
    static Thread mountedOn(Thread carrier, Iterable<JoinHandle<?>> tasks) {
        if (CARRIER == null) {
            return null;
        }
        for (JoinHandle<?> h : tasks) {
            Thread t = h.thread();
            if (t != null && t.getClass() == VIRTUAL_THREAD && CARRIER.getOpaque(t) == carrier) {
                return t;
            }
        }
        return null;
    }

    /** The scheduler of {@code thread} if it is a virtual thread and we can see it, else null. */
    static Executor schedulerOf(Thread thread) {
        if (SCHEDULER == null || thread.getClass() != VIRTUAL_THREAD) {
            return null;
        }
        return (Executor) SCHEDULER.get(thread);
    }
}
