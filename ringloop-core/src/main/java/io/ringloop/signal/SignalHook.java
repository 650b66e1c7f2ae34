package io.ringloop.signal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JDK's signal hook, {@code sun.misc.Signal.handle(new Signal(name), handler)} (module jdk.unsupported),
 * called through method handles. A direct call does the same, but javac reports every use of a jdk.unsupported
 * class with a mandatory warning that no {@code @SuppressWarnings} silences, and the build treats warnings as
 * errors; this class is the one place that knows the hook's names.
 */
final class SignalHook {
    private static final Class<?> SIGNAL;
    private static final Class<?> HANDLER;
    /** {@code new sun.misc.Signal(String)}. */
    private static final MethodHandle NEW_SIGNAL;
    /** {@code sun.misc.Signal.handle(Signal, SignalHandler)}: installs a handler, returns the previous one. */
    private static final MethodHandle HANDLE;
    private static final MethodHandle RUN;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            SIGNAL = Class.forName("sun.misc.Signal");
            HANDLER = Class.forName("sun.misc.SignalHandler");
            NEW_SIGNAL = lookup.findConstructor(SIGNAL, MethodType.methodType(void.class, String.class));
            HANDLE = lookup.findStatic(SIGNAL, "handle", MethodType.methodType(HANDLER, SIGNAL, HANDLER));
            RUN = lookup.findVirtual(Runnable.class, "run", MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private SignalHook() {
    }

    /**
     * Runs {@code onSignal} on the JDK's signal thread whenever the process receives signal {@code name}
     * ({@code INT}, {@code TERM}, {@code HUP}), instead of the signal's default action.
     *
     * @throws IllegalArgumentException the JVM does not let us handle that signal (unknown, or the JVM's own)
     */
    static void install(String name, Runnable onSignal) {
        MethodHandle handle = MethodHandles.dropArguments(RUN.bindTo(onSignal), 0, SIGNAL);
        Object handler = MethodHandleProxies.asInterfaceInstance(HANDLER, handle);
        try {
            HANDLE.invoke(NEW_SIGNAL.invoke(name), handler); // the previous handler (the JVM's default) is dropped
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sun.misc.Signal.handle(" + name + ") threw " + t, t);
        }
    }
}
