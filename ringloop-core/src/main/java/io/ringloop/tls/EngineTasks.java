package io.ringloop.tls;

import io.ringloop.loop.internal.Loop;
import io.ringloop.task.internal.LoopContext;
import io.ringloop.time.Time;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * What a TLS connection waits for besides its transport: the engine's delegated tasks (run off the loop while
 * the task parks) and the handshake deadline.
 */
final class EngineTasks {
    /** Work that may fail with an {@code IOException}. */
    @FunctionalInterface
    interface IoWork {
        void run() throws IOException;
    }

    private EngineTasks() {
    }

    /** Made at the first TLS handshake that needs it; its threads are daemons and retire when idle. */
    private static final class SharedPool {
        static final ThreadPoolExecutor POOL = TlsConfig.newTaskPool();
    }

    /** Interrupts plain threads whose handshake is late; tasks on a loop use the loop's timer wheel instead. */
    private static final class PlainTimer {
        static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ringloop-tls-deadline");
            t.setDaemon(true);
            return t;
        });
    }

    static Executor shared() {
        return SharedPool.POOL;
    }

    /**
     * Runs the engine's delegated tasks. Whoever holds {@code taskLock} takes and runs them all; a caller that
     * finds them taken by the other direction waits on the lock until they are done, then sees the new status.
     */
    static void runAll(SSLEngine engine, ReentrantLock taskLock, Executor executor) throws IOException {
        taskLock.lock();
        try {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                run(task, executor);
            }
        } finally {
            taskLock.unlock();
        }
    }

    /**
     * Runs one delegated task of the engine (key exchange, signature, certificate checks: milliseconds of CPU).
     * On a loop's carrier it goes to {@code executor} and the calling task parks, so the loop serves other
     * connections meanwhile; elsewhere (a plain thread, a work-stealing task) it runs in the caller.
     */
    static void run(Runnable task, Executor executor) throws IOException {
        Loop loop = LoopContext.current();
        if (loop == null || !LoopContext.onCarrier(loop)) {
            task.run();
            return;
        }
        try {
            CompletableFuture.runAsync(task, executor).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException("TLS engine task: interrupted");
            ie.initCause(e);
            throw ie;
        } catch (ExecutionException e) {
            throw new SSLException("TLS engine task failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Runs {@code work} (a handshake) within {@code limit}: past it the caller is interrupted, which cancels
     * its pending read without losing data, and this throws {@link SocketTimeoutException} naming
     * {@code what}. In a task on a loop the loop's timer wheel keeps the deadline ({@link Time#timeout});
     * on a plain thread a shared timer thread does.
     */
    static void within(Duration limit, String what, IoWork work) throws IOException {
        if (limit.isZero()) {
            work.run();
        } else if (LoopContext.current() != null) {
            onLoop(limit, what, work);
        } else {
            onPlainThread(limit, what, work);
        }
    }

    private static void onLoop(Duration limit, String what, IoWork work) throws IOException {
        try {
            Time.timeout(limit, () -> {
                work.run();
                return null;
            });
        } catch (TimeoutException e) {
            throw timedOut(limit, what, e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) { // InterruptedException: Time.timeout's contract; work itself throws none
            throw new InterruptedIOException(what + ": " + e);
        }
    }

    private static void onPlainThread(Duration limit, String what, IoWork work) throws IOException {
        Thread me = Thread.currentThread();
        Object lock = new Object();
        boolean[] state = new boolean[2]; // [0] work done, [1] expired; both under lock
        ScheduledFuture<?> timer = PlainTimer.TIMER.schedule(() -> {
            synchronized (lock) {
                if (!state[0]) {
                    state[1] = true;
                    me.interrupt();
                }
            }
        }, limit.toNanos(), TimeUnit.NANOSECONDS);
        try {
            work.run();
        } catch (CancellationException | InterruptedIOException e) {
            synchronized (lock) {
                if (state[1]) {
                    throw timedOut(limit, what, e);
                }
            }
            throw e;
        } finally {
            timer.cancel(false);
            synchronized (lock) {
                state[0] = true;
                if (state[1]) {
                    Thread.interrupted(); // ours, not the caller's
                }
            }
        }
    }

    private static SocketTimeoutException timedOut(Duration limit, String what, Exception cause) {
        SocketTimeoutException e = new SocketTimeoutException(what + ": not finished within "
                + limit.toMillis() + " ms");
        e.initCause(cause);
        return e;
    }
}
