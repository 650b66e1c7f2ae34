package io.ringloop.loop.internal;

import io.ringloop.driver.Driver;
import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.LoopMetrics;
import io.ringloop.loop.LoopOptions;
import io.ringloop.sys.Affinity;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One event loop: one platform thread that owns a {@link Driver}, a local run queue, an MPSC inbox for other
 * threads, and timers. Everything the loop owns is touched only by its thread (and by code running on it,
 * such as virtual threads whose carrier it is); other threads reach it through {@link #execute}.
 *
 * <p><b>A turn</b>: run queued runnables (bounded), move the inbox to the run queue, fire due timers; then,
 * if nothing is runnable, sleep in {@link Driver#poll} until I/O, the next timer deadline or a wake-up;
 * otherwise poll without waiting. One poll per turn: with io_uring that is one {@code io_uring_enter}.
 *
 * <p><b>Wake state</b> ({@link LoopWake}): a wake while running costs one CAS and no syscall; a sleeping loop is
 * woken once through the driver.
 *
 * <p><b>Shutdown</b> is requested here from any thread and runs on the loop in phases (stop accepting, drain,
 * cancel), kept by {@link LoopShutdown}; when it says stop, {@code terminate()} closes the driver under what is
 * left.
 */
public final class Loop implements EventLoop {
    private static final System.Logger LOG = System.getLogger(Loop.class.getName());
    private static final ThreadLocal<Loop> CURRENT = new ThreadLocal<>();


    /** Runnables run per turn before the loop polls I/O again: bounds the latency a busy queue adds. */
    private static final int RUN_BUDGET = 1024;
    private static final int TIMER_BUDGET = 1024;
    /** {@link #turns}: opaque stores by the loop thread, opaque loads by anyone. */
    private static final VarHandle TURNS;

    static {
        try {
            TURNS = MethodHandles.lookup().findVarHandle(Loop.class, "turns", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final Thread thread;
    private final LoopWake wake = new LoopWake();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** Ready runnables, what waits for the next poll, and the fairness budget (see {@link LocalRunQueue}). */
    private final LocalRunQueue local = new LocalRunQueue();
    private final TimerWheel timers = new TimerWheel(System.nanoTime());
    /** What the loop counts above its driver; written on the loop thread only (see LoopCounters). */
    private final LoopCounters counters = new LoopCounters();
    /** Fires a timer: a Thread payload is unparked (sleep, allocation-free), a Runnable is run. */
    private final TimerWheel.Handler fireTimer = (id, payload) -> {
        counters.timerFired();
        if (payload instanceof Thread t) {
            LockSupport.unpark(t);
        } else {
            runSafely((Runnable) payload);
        }
    };
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** The phases of a graceful shutdown and what they wait for. Loop thread only. */
    private final LoopShutdown phases = new LoopShutdown(this);
    private final Backend requested;

    private Driver driver;
    private Throwable startFailure;
    private String backendReason;
    private volatile boolean shutdownRequested;
    /** Written by the loop thread with opaque stores, read by the watchdog with opaque loads. */
    private long turns;
    /** {@link #nanoTime()} at the start of the current turn; loop thread (and the tasks it carries) only. */
    private long turnStartNs;
    /** CPU to pin the loop thread to, or -1. */
    private final int pinCpu;
    private volatile int pinnedCpu = -1;
    private final LoopOptions options;
    private final LoopReports reports = new LoopReports(this);

    private Loop(String name, Backend backend, int pinCpu, LoopOptions options) {
        this.options = options;
        this.name = name;
        this.requested = backend;
        this.pinCpu = pinCpu;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
    }

    /** Starts a loop thread on {@code backend}; throws if that backend cannot be opened. */
    public static Loop start(Backend backend, String name) throws IOException {
        return start(backend, name, -1);
    }

    /**
     * Starts a loop thread on {@code backend}, pinned to CPU {@code pinCpu} (sched_setaffinity) unless it is
     * negative. A pin the kernel refuses is logged and the loop runs unpinned.
     */
    public static Loop start(Backend backend, String name, int pinCpu) throws IOException {
        return start(backend, name, pinCpu, LoopOptions.DEFAULTS);
    }

    /** {@link #start(Backend, String, int)} with ring and buffer sizes. */
    public static Loop start(Backend backend, String name, int pinCpu, LoopOptions options) throws IOException {
        Loop loop = new Loop(name, backend, pinCpu, options);
        loop.thread.start();
        try {
            loop.started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + name, e);
        }
        if (loop.startFailure != null) {
            if (loop.startFailure instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start " + name + ": " + loop.startFailure, loop.startFailure);
        }
        return loop;
    }

    /** The runtime's loop behind a user's {@link EventLoop} (the only implementation), never null. */
    public static Loop of(EventLoop loop) {
        return (Loop) Objects.requireNonNull(loop, "loop");
    }

    /** The loop whose thread calls this (callback code on the loop thread), else null. */
    public static Loop current() {
        return CURRENT.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String backendName() {
        return driver.name();
    }

    @Override
    public String backendReason() {
        return backendReason;
    }

    @Override
    public Thread thread() {
        return thread;
    }

    @Override
    public boolean inLoopThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * The driver. Only code running on the loop's OS thread may use it: the loop thread itself or a virtual
     * thread it carries.
     */
    public Driver driver() {
        return driver;
    }

    @Override
    public long wakeupCount() {
        return driver.wakeupCount();
    }

    @Override
    public long waitCalls() {
        return driver.waitCalls();
    }

    @Override
    public long turns() {
        return (long) TURNS.getOpaque(this);
    }

    /** The loop's own counters: the task layer writes tasks, resumptions and budget yields (loop thread only). */
    public LoopCounters counters() {
        return counters;
    }

    /** Any thread: what this loop and its driver have counted so far. */
    @Override
    public LoopMetrics metrics() {
        return counters.metrics(name, driver, backendReason, turns());
    }

    /** Any thread: the uncaught-failure handler and the mounted-task probe of this loop. */
    public LoopReports reports() {
        return reports;
    }

    /** Any thread: {@code reports().uncaught(source, failure)}. */
    public void reportUncaught(String source, Throwable failure) {
        reports.uncaught(source, failure);
    }

    // ---- submitting work ----

    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == thread) {
            local.add(task);
            return;
        }
        executeRemote(task);
    }

    /**
     * Queues {@code task} without any check: the caller guarantees it runs on this loop's OS thread (the loop
     * thread, or a virtual thread this loop carries). The cheap path for local wake-ups.
     */
    public void executeLocal(Runnable task) {
        local.add(task);
    }

    /** The run queue's fairness side: the budget of immediate completions and what waits for the next poll. */
    public LocalRunQueue runQueue() {
        return local;
    }

    /** Any thread: queues through the inbox and wakes the loop if it sleeps. */
    public void executeRemote(Runnable task) {
        if (wake.isTerminated()) {
            throw new RejectedExecutionException(name + " is shut down");
        }
        inbox.add(task);
        wake.wake(driver);
    }

    // ---- timers (loop thread only) ----

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /**
     * The clock ({@link #nanoTime()}) as it was when the current turn began: a field read instead of a clock
     * read, for stamps on hot paths that can be late by one turn (per-connection deadlines). Loop thread and
     * the tasks it carries only.
     */
    public long cachedNanoTime() {
        return turnStartNs;
    }

    @Override
    public long schedule(long delayNs, Runnable task) {
        counters.timerArmed();
        return timers.schedule(nanoTime() + Math.max(0, delayNs), task);
    }

    /**
     * Loop thread only: at {@code deadlineNs} (of {@link #nanoTime()}) unparks {@code thread}, or runs
     * {@code payload} if it is a Runnable. Never before the deadline; under no load within one tick (1 ms).
     */
    public long scheduleAt(long deadlineNs, Object payload) {
        counters.timerArmed();
        return timers.schedule(deadlineNs, payload);
    }

    @Override
    public boolean cancelTimer(long timerId) {
        if (!timers.cancel(timerId)) {
            return false;
        }
        counters.timerCancelled();
        return true;
    }

    // ---- lifetime ----

    /** Loop thread only: one more thing a graceful shutdown waits for. */
    public void retain() {
        phases.retain();
    }

    /** Loop thread only: that thing is done. */
    public void release() {
        phases.release();
    }

    /** Loop thread only: runs when a shutdown cancels what is still alive (the task layer cancels tasks). */
    public void onCancel(Runnable hook) {
        phases.onCancel(hook);
    }

    /** Loop thread only: closed as soon as shutdown begins (listeners: stop accepting). */
    public void closeOnShutdown(AutoCloseable resource) {
        phases.closeOnShutdown(resource);
    }

    /** Loop thread only: {@code resource} was closed by its owner. */
    public void forgetOnShutdown(AutoCloseable resource) {
        phases.forgetOnShutdown(resource);
    }

    /** Loop thread only: false once a shutdown has started cancelling tasks. */
    public boolean acceptsTasks() {
        return phases.acceptsTasks();
    }

    @Override
    public boolean isShutdown() {
        return shutdownRequested;
    }

    @Override
    public boolean isSleeping() {
        return wake.isSleeping();
    }

    @Override
    public boolean isTerminated() {
        return wake.isTerminated();
    }

    @Override
    public void shutdown(Duration drain) {
        requestShutdown(drain);
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void requestShutdown(Duration drain) {
        long drainNs = Timeouts.toNanosSaturated(drain, "shutdown(drain)");
        if (shutdownRequested) {
            return;
        }
        shutdownRequested = true;
        try {
            executeRemote(() -> phases.begin(drainNs));
        } catch (RejectedExecutionException ignore) {
            // already terminated: nothing to stop
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long timeoutNs = Timeouts.limitNanos(timeout, "awaitTermination"); // 0: no limit
        return terminated.await(timeoutNs == 0 ? Long.MAX_VALUE : timeoutNs, TimeUnit.NANOSECONDS);
    }

    // ---- the loop ----

    @Override
    public int pinnedCpu() {
        return pinnedCpu;
    }

    private void pin() {
        try (Arena arena = Arena.ofConfined()) {
            int r = Affinity.pinCurrentThread(Libc.allocateCallState(arena), pinCpu);
            if (r == 0) {
                pinnedCpu = pinCpu;
            } else {
                LOG.log(System.Logger.Level.WARNING, name + ": sched_setaffinity(cpu=" + pinCpu + "): "
                        + Errno.describe(r) + "; running unpinned");
            }
        }
    }

    private void run() {
        CURRENT.set(this);
        if (pinCpu >= 0) {
            pin();
        }
        try {
            Drivers.Opened opened = Drivers.open(requested, options);
            driver = opened.driver();
            backendReason = opened.reason();
        } catch (Throwable t) {
            startFailure = t;
            wake.terminated();
            started.countDown();
            terminated.countDown();
            return;
        }
        counters.started(System.nanoTime());
        LoopEvents.backendChosen(name, driver.name(), backendReason);
        started.countDown();
        try {
            do {
                turn();
            } while (!phases.stopNow());
        } catch (Throwable t) {
            SafeLog.log(LOG, System.Logger.Level.ERROR, name + ": loop invariant broken, stopping the loop", t);
        } finally {
            terminate();
        }
    }

    private void turn() {
        TURNS.setOpaque(this, turns + 1);
        turnStartNs = nanoTime();
        local.promote(); // the previous turn ended with a poll: what waited for it may run now
        counters.turnStarted(local.size(), timers.size());
        local.run(this, RUN_BUDGET);
        drainInbox();
        if (timers.size() > 0) {
            timers.poll(nanoTime(), fireTimer, TIMER_BUDGET);
        }
        if (!local.isEmpty()) {
            driver.poll(0);
            return;
        }
        if (!wake.announceSleep()) {
            driver.poll(0); // a wake came in while we ran: look again without sleeping
            return;
        }
        // Announced: from here a waker writes the eventfd. Re-check what may have arrived meanwhile.
        if (!inbox.isEmpty()) {
            if (wake.cancelSleep()) {
                driver.poll(0);
                return;
            }
            // WAKING: the eventfd write is on its way; poll returns as soon as it lands.
        }
        long next = phases.wakeBy(timers.nextDeadlineNs()); // the end of a stop phase wakes the loop too
        long timeoutNs = next == Long.MAX_VALUE ? -1 : Math.max(0, next - nanoTime());
        driver.poll(timeoutNs);
        wake.awake();
    }

    private void drainInbox() {
        Runnable r;
        int n = 0;
        while (n < RUN_BUDGET && (r = inbox.poll()) != null) {
            local.add(r);
            n++;
        }
        counters.inboxTaken(n);
    }

    /** Runs {@code r} on the loop thread; what it throws is reported, never allowed to stop the loop. */
    void runSafely(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            // Callback code given to execute/schedule: the loop goes on. Tasks capture their own failures.
            reportUncaught("callback code on the loop thread", t);
        }
    }

    private void terminate() {
        try {
            // Completes every pending operation (-ECANCELED): parked tasks are unparked and run once more.
            driver.close();
            for (int round = 0; round < 4 && (!local.isEmpty() || !inbox.isEmpty()); round++) {
                local.promote();
                drainInbox();
                local.run(this, RUN_BUDGET);
            }
        } catch (Throwable t) {
            SafeLog.log(LOG, System.Logger.Level.ERROR, name + ": error while closing", t);
        } finally {
            wake.terminated();
            CURRENT.remove();
            terminated.countDown();
        }
    }

    @Override
    public String toString() {
        return name + "[" + (driver == null ? requested : driver.name()) + "]";
    }

}
