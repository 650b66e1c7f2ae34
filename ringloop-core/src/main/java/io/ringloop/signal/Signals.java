package io.ringloop.signal;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * SIGINT / SIGTERM / SIGHUP as something a task waits on. The first wait for a signal installs ringloop's
 * handler for it through the JDK's signal hook ({@code sun.misc.Signal}, see {@code SignalHook}); from then on
 * that signal no longer runs the JVM's default action (exit) — the application decides, typically by shutting its
 * runtime down.
 *
 * <p>A waiting task parks (its loop serves others); the JDK's signal thread unparks it. Each signal is
 * counted, so one delivered between two waits is not lost: {@link #await} returns for any signal delivered
 * after the {@link Listener} was created.
 */
public final class Signals {
    private static final AtomicLongArray COUNTS = new AtomicLongArray(Signal.values().length);
    private static final CopyOnWriteArrayList<Thread> WAITERS = new CopyOnWriteArrayList<>();
    private static final boolean[] INSTALLED = new boolean[Signal.values().length];

    private Signals() {
    }

    /** Starts listening for {@code signals}; a signal counts for this listener from now on. */
    public static Listener listen(Signal first, Signal... more) {
        EnumSet<Signal> set = EnumSet.of(first, more);
        for (Signal s : set) {
            install(s);
        }
        return new Listener(set);
    }

    /** Waits for one of {@code signals} and returns it. */
    public static Signal await(Signal first, Signal... more) throws InterruptedException {
        return listen(first, more).await();
    }

    /** Delivers {@code signal} as if the kernel had: for tests and for programmatic shutdown. */
    public static void raise(Signal signal) {
        install(signal);
        deliver(signal);
    }

    private static synchronized void install(Signal s) {
        if (INSTALLED[s.ordinal()]) {
            return;
        }
        SignalHook.install(s.name(), () -> deliver(s));
        INSTALLED[s.ordinal()] = true;
    }

    private static void deliver(Signal s) {
        COUNTS.incrementAndGet(s.ordinal());
        for (Thread t : WAITERS) {
            LockSupport.unpark(t);
        }
    }

    /** Signals counted from the moment of {@link #listen}. */
    public static final class Listener {
        private final Set<Signal> signals;
        private final long[] seen = new long[Signal.values().length];

        private Listener(Set<Signal> signals) {
            this.signals = signals;
            for (Signal s : signals) {
                seen[s.ordinal()] = COUNTS.get(s.ordinal());
            }
        }

        /** Waits for the next signal of this listener's set; interruptible (task cancel). */
        public Signal await() throws InterruptedException {
            Thread me = Thread.currentThread();
            WAITERS.add(me);
            try {
                while (true) {
                    for (Signal s : signals) {
                        long now = COUNTS.get(s.ordinal());
                        if (now != seen[s.ordinal()]) {
                            seen[s.ordinal()]++;
                            return s;
                        }
                    }
                    LockSupport.park(this);
                    if (Thread.interrupted()) {
                        throw new InterruptedException("signal wait cancelled");
                    }
                }
            } finally {
                WAITERS.remove(me);
            }
        }
    }
}
