package io.ringloop.loop;

import io.ringloop.loop.internal.Loop;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * One event loop: one platform thread that owns an I/O backend, a run queue and timers. Tasks spawned on it run
 * as virtual threads whose carrier is this thread; callback code runs on it directly. Other threads reach it
 * through {@link #execute}.
 *
 * <p>This is the loop's public face. The runtime's own plumbing (the driver, shutdown bookkeeping, local
 * queues) lives in a non-exported package; the only implementation is the runtime's.
 */
public sealed interface EventLoop extends Executor, AutoCloseable permits Loop {

    /** Starts a loop thread on {@code backend}; throws if that backend cannot be opened. */
    static EventLoop start(Backend backend, String name) throws IOException {
        return Loop.start(backend, name);
    }

    /**
     * Starts a loop thread on {@code backend}, pinned to CPU {@code pinCpu} (sched_setaffinity) unless it is
     * negative. A pin the kernel refuses is logged and the loop runs unpinned.
     */
    static EventLoop start(Backend backend, String name, int pinCpu) throws IOException {
        return Loop.start(backend, name, pinCpu);
    }

    /** {@link #start(Backend, String, int)} with ring and buffer sizes. */
    static EventLoop start(Backend backend, String name, int pinCpu, LoopOptions options) throws IOException {
        return Loop.start(backend, name, pinCpu, options);
    }

    /** The loop whose thread calls this (callback code on the loop thread, or a task it carries), else null. */
    static EventLoop current() {
        return Loop.current();
    }

    String name();

    /** {@code "io_uring"}, {@code "epoll"} or {@code "nio"}. */
    String backendName();

    /** Why the backend was chosen, e.g. {@code "AUTO: io_uring unusable (EPERM), epoll"}. */
    String backendReason();

    /** The loop's platform thread (the carrier of its tasks). */
    Thread thread();

    /** True on the loop's own platform thread (not on a virtual thread it carries). */
    boolean inLoopThread();

    /** Any thread: runs {@code task} on the loop thread soon. */
    @Override
    void execute(Runnable task);

    /** Monotonic time the loop's timers use (nanoseconds, as {@link System#nanoTime()}). */
    long nanoTime();

    /** Loop thread only: runs {@code task} on the loop after {@code delayNs}; returns an id for cancel. */
    long schedule(long delayNs, Runnable task);

    /** Loop thread only: false if the timer already fired or was cancelled. */
    boolean cancelTimer(long timerId);

    /** Eventfd writes (or selector wake-ups) this loop has cost so far. */
    long wakeupCount();

    /** The backend's kernel waits so far (io_uring_enter, epoll_wait); loop thread, or approximate elsewhere. */
    long waitCalls();

    /** Loop turns so far; any thread (an opaque read: recent, not ordered). */
    long turns();

    /**
     * Any thread: a snapshot of what this loop has counted since it started (tasks, operations by kind, system
     * calls, wakes, queues, timers, busy and asleep time). The counting is always on and costs the loop no
     * atomic operation and no allocation; the snapshot allocates.
     */
    LoopMetrics metrics();

    /** The CPU this loop's thread is pinned to, or -1. */
    int pinnedCpu();

    boolean isShutdown();

    /** True while the loop has announced that it sleeps (or is about to) in its kernel wait. */
    boolean isSleeping();

    boolean isTerminated();

    /**
     * Graceful shutdown, from any thread: stop accepting (listeners close), let live tasks finish for up to
     * {@code drain}, then cancel what is left and give it a moment to unwind, then complete every pending
     * operation with ECANCELED, close every handle and the backend, and wait for the thread to end.
     * Idempotent; from the loop's own thread it only begins the shutdown. A zero {@code drain} cancels at once; a
     * negative one throws {@link IllegalArgumentException}; one over about 146 years is taken as that.
     */
    void shutdown(Duration drain);

    /** Any thread: begins {@link #shutdown(Duration)} without waiting for it. Idempotent. */
    void requestShutdown(Duration drain);

    /** Shutdown without a drain: live tasks are cancelled at once. */
    @Override
    void close();

    /**
     * Waits for the loop's thread to end: false if {@code timeout} passed first. Zero or null: no limit (as for
     * every timeout in ringloop); negative: {@link IllegalArgumentException}; over about 146 years: that long.
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;
}
