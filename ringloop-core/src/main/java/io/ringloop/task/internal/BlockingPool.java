package io.ringloop.task.internal;

import io.ringloop.loop.internal.Timeouts;
import io.ringloop.task.JoinHandle;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of platform threads for work that would stall a loop: blocking file I/O on backends without
 * io_uring, CPU-heavy hashing, libraries that block in native code. A task that awaits the returned
 * {@link JoinHandle} parks (its loop keeps serving); the pool's threads are created on demand and retire
 * after {@code keepAlive} idle. Users reach it through {@code Ringloop.spawnBlocking}.
 */
public final class BlockingPool implements AutoCloseable {
    private final ThreadPoolExecutor executor;
    private final JoinHandles.Access handles = JoinHandles.access();

    public BlockingPool(String name, int maxThreads, Duration keepAlive) {
        AtomicInteger n = new AtomicInteger();
        long keepAliveNs = Timeouts.toNanosSaturated(keepAlive, "BlockingPool(keepAlive)");
        executor = new ThreadPoolExecutor(maxThreads, maxThreads, keepAliveNs, TimeUnit.NANOSECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + "-blocking-" + n.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code body} on a pool thread; cancel interrupts it. */
    public <T> JoinHandle<T> spawn(Callable<T> body) {
        JoinHandle<T> handle = handles.create();
        executor.execute(() -> {
            handles.bind(handle, Thread.currentThread());
            try {
                if (handle.isDone()) {
                    return; // cancelled before it started
                }
                handles.succeed(handle, body.call());
            } catch (Throwable t) {
                handles.fail(handle, t);
            } finally {
                handles.bind(handle, null);
                Thread.interrupted(); // a late cancel must not leak into the next job on this thread
            }
        });
        return handle;
    }

    /** Threads currently alive in the pool. */
    public int threads() {
        return executor.getPoolSize();
    }

    /** Interrupts running jobs and stops the threads. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
