package io.ringloop;

import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.LoopMetrics;
import io.ringloop.loop.LoopOptions;
import io.ringloop.loop.UncaughtFailureHandler;
import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.LoopWatchdog;
import io.ringloop.loop.internal.Timeouts;
import io.ringloop.net.ServerLimits;
import io.ringloop.net.TcpServer;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.task.internal.BlockingPool;
import io.ringloop.task.internal.LoopTasks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The way in: a set of event loops, one thread each, and tasks spawned on them.
 *
 * <pre>{@code
 * try (var rt = Ringloop.start()) {
 *     rt.blockOn(() -> {
 *         try (var listener = TcpListener.bind(7000)) { ... }
 *         return null;
 *     });
 * }
 * }</pre>
 */
public final class Ringloop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.ringloop");

    private final List<Loop> loops;
    private final boolean workStealing;
    private final BlockingPool blocking;
    private final LoopWatchdog watchdog;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    private Ringloop(List<Loop> loops, boolean workStealing, BlockingPool blocking, Duration blockedThreshold) {
        this.loops = List.copyOf(loops);
        this.workStealing = workStealing;
        this.blocking = blocking;
        this.watchdog = blockedThreshold.isZero() ? null : new LoopWatchdog(loops, blockedThreshold);
    }

    /** One loop per available processor on the AUTO backend. */
    public static Ringloop start() throws IOException {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Ringloop options. */
    public static final class Builder {
        private Backend backend = Backend.AUTO;
        private int threads = Runtime.getRuntime().availableProcessors();
        private String name = "ringloop";
        private boolean pinCpus;
        private boolean workStealing;
        private int blockingThreads = 64;
        private Duration blockedThreshold = Duration.ofSeconds(1);
        private LoopOptions loopOptions = LoopOptions.DEFAULTS;
        private UncaughtFailureHandler uncaughtFailureHandler = UncaughtFailureHandler.logging();
        private int budget = -1;

        private Builder() {
        }

        /** Which kernel interface the loops drive; default AUTO (see {@link Backend}). */
        public Builder backend(Backend backend) {
            this.backend = backend;
            return this;
        }

        /** Number of loops (threads); default: available processors. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1: " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Thread name prefix; loops are named {@code name-0}, {@code name-1}, ... */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Pin loop {@code i} to CPU {@code i % cpus} (sched_setaffinity); default off. */
        public Builder pinCpus(boolean on) {
            this.pinCpus = on;
            return this;
        }

        /**
         * Spawn tasks in work-stealing mode: virtual threads on the JDK's ForkJoinPool with their I/O still on
         * the loops. Pays a thread hop per I/O operation; buys spreading CPU-heavy tasks over all cores.
         */
        public Builder workStealing(boolean on) {
            this.workStealing = on;
            return this;
        }

        /** Size of the {@link #spawnBlocking} pool; default 64. */
        public Builder blockingThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("blockingThreads must be >= 1: " + n);
            }
            this.blockingThreads = n;
            return this;
        }

        /** io_uring ring entries per loop (power of two; default 1024). */
        public Builder ringEntries(int entries) {
            this.loopOptions = option("ringEntries", () -> loopOptions.withRingEntries(entries));
            return this;
        }

        /**
         * io_uring provided receive buffers (16 KiB each) per loop for {@link #multishotReceive} (power of two;
         * default 128); registered only when multishot receive is on.
         */
        public Builder receiveBuffers(int count) {
            this.loopOptions = option("receiveBuffers", () -> loopOptions.withProvidedBuffers(count));
            return this;
        }

        /** io_uring: sends of native buffers of at least {@code bytes} use zero-copy SEND_ZC (0: never, default). */
        public Builder zeroCopyWritesAbove(long bytes) {
            this.loopOptions = option("zeroCopyWritesAbove", () -> loopOptions.withZeroCopyMinBytes(bytes));
            return this;
        }

        /**
         * io_uring: a heap-memory read ({@code byte[]}, heap {@code ByteBuffer}) that has to wait arms one
         * multishot RECV for its connection, whose later reads take what it received without an SQE (default
         * off). Measured with a byte[] echo: 7% less CPU per 64 B message, but 21% more per 16 KiB message than
         * the default (a direct recv(2) into the array first, a RECV when it must wait). Reads into native
         * memory go straight into it either way; see {@code ringloop-bench/src/main/sh/kernel-waits.sh}.
         */
        public Builder multishotReceive(boolean on) {
            this.loopOptions = loopOptions.withMultishotReceive(on);
            return this;
        }

        /**
         * io_uring: a connection that has started {@code ops} transfers (receive or send SQEs) is registered as
         * a fixed file, so its later operations skip the kernel's fd lookup (0: never). Default 64.
         */
        public Builder fixedFilesAfter(int ops) {
            this.loopOptions = option("fixedFilesAfter", () -> loopOptions.withFixedFilesAfterOps(ops));
            return this;
        }

        /**
         * Warn when a loop spends longer than this in one turn (the blocked-loop detector); ZERO: off; negative:
         * {@link IllegalArgumentException}; over about 146 years: that long.
         */
        public Builder blockedLoopThreshold(Duration threshold) {
            Timeouts.toNanosSaturated(threshold, "blockedLoopThreshold");
            this.blockedThreshold = threshold;
            return this;
        }

        /**
         * Where failures nobody observes go: tasks that fail while nobody joins them, connection handlers and
         * callbacks that throw. Default: {@link UncaughtFailureHandler#logging()} (a WARNING with the stack).
         */
        public Builder uncaughtFailureHandler(UncaughtFailureHandler handler) {
            this.uncaughtFailureHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * The fairness budget: operations whose result is ready at once (a socket that always has data) that a
         * task may run before it yields to its loop, which then polls I/O and runs the other tasks; a
         * callback-style stream gets as many immediate completions per loop turn. Default 128 (tokio's coop
         * budget); 0 turns it off, so such a task keeps its loop until it has to wait (for comparisons only).
         */
        public Builder budget(int operations) {
            if (operations < 0) {
                throw new IllegalArgumentException("budget must be >= 0 (0: unlimited): " + operations);
            }
            this.budget = operations;
            return this;
        }

        /** Builds new options, or says which builder option refused its value. */
        private static LoopOptions option(String name, Supplier<LoopOptions> with) {
            try {
                return with.get();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }

        public Ringloop start() throws IOException {
            List<Loop> loops = new ArrayList<>(threads);
            int cpus = Runtime.getRuntime().availableProcessors();
            try {
                for (int i = 0; i < threads; i++) {
                    Loop loop = Loop.start(backend, name + "-" + i, pinCpus ? i % cpus : -1, loopOptions);
                    loop.reports().uncaughtFailureHandler(uncaughtFailureHandler);
                    if (budget >= 0) {
                        loop.runQueue().budget(budget);
                    }
                    loops.add(loop);
                }
            } catch (IOException | RuntimeException e) {
                for (Loop l : loops) {
                    l.close();
                }
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "ringloop: " + threads + " loop(s), " + Tasks.mode());
            return new Ringloop(loops, workStealing, new BlockingPool(name, blockingThreads, Duration.ofSeconds(10)),
                    blockedThreshold);
        }
    }

    public List<EventLoop> loops() {
        return List.copyOf(loops);
    }

    public EventLoop loop(int index) {
        return loops.get(index);
    }

    /** {@code "epoll"}, {@code "io_uring"} or {@code "nio"}. */
    public String backendName() {
        return loops.get(0).backendName();
    }

    /** Spawns a task on the next loop (round robin). */
    public <T> JoinHandle<T> spawn(Callable<T> task) {
        return spawnOn(nextLoop(), task);
    }

    /** Spawns a task on loop {@code index}. */
    public <T> JoinHandle<T> spawnOn(int index, Callable<T> task) {
        return spawnOn(loops.get(index), task);
    }

    /** Spawns a task on the loop with the fewest live tasks. */
    public <T> JoinHandle<T> spawnLeastLoaded(Callable<T> task) {
        Loop best = loops.get(0);
        int bestLoad = Integer.MAX_VALUE;
        for (Loop l : loops) {
            int load = LoopTasks.liveTasks(l);
            if (load < bestLoad) {
                best = l;
                bestLoad = load;
            }
        }
        return spawnOn(best, task);
    }

    private <T> JoinHandle<T> spawnOn(Loop loop, Callable<T> task) {
        ensureOpen();
        return workStealing ? Tasks.spawnStealing(loop, task) : Tasks.spawn(loop, task);
    }

    /**
     * Runs {@code work} on the bounded pool of platform threads, for what would stall a loop (blocking file
     * I/O, CPU-heavy hashing, blocking libraries). Join it from a task: the task parks, its loop serves on.
     */
    public <T> JoinHandle<T> spawnBlocking(Callable<T> work) {
        ensureOpen();
        return blocking.spawn(work);
    }

    /**
     * Serves TCP on every loop, each connection in its own task. The port is this server's alone: one listening
     * socket without SO_REUSEPORT ({@link TcpServer.Spread#ACCEPTOR}), so another socket or process binding it
     * fails with EADDRINUSE. {@link TcpServer.Spread#REUSE_PORT} is the explicit opt-in to share it.
     */
    public TcpServer serve(InetSocketAddress address, TcpServer.Handler handler) throws IOException {
        return serve(address, TcpServer.Spread.ACCEPTOR, handler);
    }

    /** {@link #serve(InetSocketAddress, TcpServer.Handler)} with the spread chosen explicitly. */
    public TcpServer serve(InetSocketAddress address, TcpServer.Spread spread, TcpServer.Handler handler)
            throws IOException {
        return serve(address, spread, ServerLimits.DEFAULTS, handler);
    }

    /**
     * Serves TCP on every loop under {@code limits}: at most {@code maxConnections} at once, idle, request and
     * write timeouts ({@link io.ringloop.net.ServerConnection}), and {@link TcpServer#drain()} after
     * {@code drainTimeout}.
     */
    public TcpServer serve(InetSocketAddress address, TcpServer.Spread spread, ServerLimits limits,
                           TcpServer.Handler handler) throws IOException {
        ensureOpen();
        return TcpServer.start(loops, address, spread, limits, handler);
    }

    /**
     * Runs {@code task} on a loop and waits for it: the bridge from ordinary code into the runtime. Its
     * exception is rethrown as is (and, being observed, never goes to the uncaught-failure handler).
     */
    public <T> T blockOn(Callable<T> task) throws Exception {
        JoinHandle<T> h = Tasks.spawnJoined(nextLoop(), workStealing, task);
        try {
            return h.join();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (InterruptedException e) {
            h.cancel();
            throw e;
        } catch (CancellationException e) {
            throw e;
        }
    }

    /** Runs {@code callbackCode} on a loop thread (not in a virtual thread): the entry for callback style. */
    public void execute(Runnable callbackCode) {
        nextLoop().execute(callbackCode);
    }

    private Loop nextLoop() {
        ensureOpen();
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("runtime is shut down");
        }
    }

    /** A handle that shuts this runtime down from any thread. */
    public ShutdownHandle shutdownHandle() {
        return new ShutdownHandle(this);
    }

    public boolean isShutdown() {
        return closed;
    }

    /**
     * Graceful shutdown: every listener stops accepting, live tasks get up to {@code drain} to finish, then
     * what is left is cancelled, every socket closed and every loop thread joined. Idempotent. A zero
     * {@code drain} cancels at once; a negative one throws {@link IllegalArgumentException} (and shuts nothing
     * down); over about 146 years: that long.
     */
    public void shutdown(Duration drain) {
        Timeouts.toNanosSaturated(drain, "shutdown(drain)");
        closed = true;
        for (Loop l : loops) {
            l.requestShutdown(drain);
        }
        for (Loop l : loops) {
            l.shutdown(drain);
        }
        blocking.close();
        if (watchdog != null) {
            watchdog.close();
        }
    }

    /**
     * A snapshot of every loop's counters and their sum: tasks, operations by kind, system calls, wakes, queues,
     * timers, busy and asleep time, and the backend each loop chose with its reason. Any thread, also after
     * shutdown (the counts as the loops left them).
     */
    public RingloopMetrics metrics() {
        List<LoopMetrics> each = new ArrayList<>(loops.size());
        for (Loop l : loops) {
            each.add(l.metrics());
        }
        return RingloopMetrics.of(each);
    }

    /** Times the blocked-loop detector fired (0 when it is off). */
    public long blockedLoopEpisodes() {
        return watchdog == null ? 0 : watchdog.blockedEpisodes();
    }

    /** Shutdown without a drain: live tasks are cancelled at once (as when a tokio runtime is dropped). */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
