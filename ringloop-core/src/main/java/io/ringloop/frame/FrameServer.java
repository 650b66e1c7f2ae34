package io.ringloop.frame;

import io.ringloop.Ringloop;
import io.ringloop.driver.SocketOpt;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.ServerLimits;
import io.ringloop.task.Tasks;
import io.ringloop.tls.TlsConfig;
import io.ringloop.unix.UnixAddress;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A TCP or Unix domain server whose connections are served in callback style by {@link FrameHandler}s (or in
 * task style over a {@link FramedStream}): no task and no virtual thread per connection in callback style, and
 * no receive buffer held by a connection that has nothing to read. With {@link FrameOptions#withTls} it speaks
 * TLS, the handler seeing plaintext in place all the same.
 *
 * <p>One listening socket (exclusive, no SO_REUSEPORT) on the first loop accepts, and hands connections to the
 * loops round-robin. The {@link ServerLimits} are honoured: at {@code maxConnections} open connections it stops
 * accepting until one closes (the kernel's backlog holds the rest); {@code idleTimeout} closes a connection with
 * no partial frame and nothing queued after that long without input; {@code readTimeout} aborts one whose
 * partial frame has been incomplete that long (the slow-loris guard); {@code writeTimeout} aborts one whose
 * queued output the peer has not taken for that long; {@link #close()} drains within {@code drainTimeout}.
 */
public final class FrameServer implements AutoCloseable {
    final List<Loop> loops;
    private final FrameLoop[] frameLoops;
    final ServerLimits limits;
    final ServerTimeouts timeouts;
    private final Supplier<? extends FrameHandler> factory;
    /** Task style: the body each connection's task runs; null in callback style. */
    private final FramedTask task;
    private final FrameAcceptor acceptor;
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger next = new AtomicInteger();
    /** Per loop: its open connections, for a drain. Loop thread only. */
    private final List<List<FrameConnection>> perLoop = new ArrayList<>();
    /** The bound TCP address; null when serving a Unix address. */
    private final InetSocketAddress localAddress;
    private final UnixAddress unixAddress;
    private volatile CompletableFuture<Void> allClosed;
    /** Set by {@link #drain}: a connection served from now on (accepted before the listener closed) drains too. */
    private volatile boolean draining;

    private FrameServer(List<Loop> loops, Object address, ServerLimits limits, FrameOptions options,
                        Supplier<? extends FrameHandler> factory, FramedTask task, boolean removeStale)
            throws IOException {
        this.task = task;
        this.loops = loops;
        this.limits = limits;
        this.timeouts = ServerTimeouts.of(limits);
        this.factory = factory;
        this.frameLoops = new FrameLoop[loops.size()];
        for (int i = 0; i < loops.size(); i++) {
            frameLoops[i] = new FrameLoop(loops.get(i), options);
            perLoop.add(new ArrayList<>());
        }
        this.acceptor = new FrameAcceptor(this, loops.get(0));
        this.unixAddress = address instanceof UnixAddress u ? u : null;
        this.localAddress = onLoop(loops.get(0), () -> acceptor.open(address, removeStale));
    }

    /**
     * A server's settings, then {@code start} or {@code startTasks} on a TCP or Unix address: the one way in
     * that has them all (the static methods below are its shortcuts).
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Serves on every loop of {@code runtime}, with {@link FrameOptions#DEFAULTS}. */
    public static FrameServer start(Ringloop runtime, InetSocketAddress address, ServerLimits limits,
                                    Supplier<? extends FrameHandler> handlerFactory) throws IOException {
        return builder().loops(runtime).limits(limits).start(address, handlerFactory);
    }

    /** Serves on {@code loops}: binds on the first, which accepts; {@code handlerFactory}: once per connection. */
    public static FrameServer start(List<? extends EventLoop> loops, InetSocketAddress address, ServerLimits limits,
                                    FrameOptions options, Supplier<? extends FrameHandler> handlerFactory)
            throws IOException {
        return builder().loops(loops).limits(limits).options(options).start(address, handlerFactory);
    }

    /**
     * Serves on every loop of {@code runtime} in task style: each connection gets a task running {@code task}
     * over a {@link FramedStream}, with {@link FrameOptions#DEFAULTS}.
     */
    public static FrameServer startTasks(Ringloop runtime, InetSocketAddress address, ServerLimits limits,
                                         FramedTask task) throws IOException {
        return builder().loops(runtime).limits(limits).startTasks(address, task);
    }

    /** {@link #startTasks(Ringloop, InetSocketAddress, ServerLimits, FramedTask)} on {@code loops}, with options. */
    public static FrameServer startTasks(List<? extends EventLoop> loops, InetSocketAddress address,
                                         ServerLimits limits, FrameOptions options, FramedTask task)
            throws IOException {
        return builder().loops(loops).limits(limits).options(options).startTasks(address, task);
    }

    /**
     * Serves a Unix domain stream address (a path, or on io_uring and epoll an abstract name) on every loop of
     * {@code runtime}: everything as over TCP. A path found taken fails with a {@code BindException} naming what
     * holds it (see {@link Builder#removeStale} for a crashed server's file); the socket file is removed at close
     * if it is still the one bind made.
     */
    public static FrameServer start(Ringloop runtime, UnixAddress address, ServerLimits limits,
                                    Supplier<? extends FrameHandler> handlerFactory) throws IOException {
        return builder().loops(runtime).limits(limits).start(address, handlerFactory);
    }

    /** {@link #start(Ringloop, UnixAddress, ServerLimits, Supplier)} on {@code loops}, with options (TLS too). */
    public static FrameServer start(List<? extends EventLoop> loops, UnixAddress address, ServerLimits limits,
                                    FrameOptions options, Supplier<? extends FrameHandler> handlerFactory)
            throws IOException {
        return builder().loops(loops).limits(limits).options(options).start(address, handlerFactory);
    }

    /** {@link #startTasks(Ringloop, InetSocketAddress, ServerLimits, FramedTask)} on a Unix address. */
    public static FrameServer startTasks(Ringloop runtime, UnixAddress address, ServerLimits limits,
                                         FramedTask task) throws IOException {
        return builder().loops(runtime).limits(limits).startTasks(address, task);
    }

    /** {@link #startTasks(Ringloop, UnixAddress, ServerLimits, FramedTask)} on {@code loops}, with options. */
    public static FrameServer startTasks(List<? extends EventLoop> loops, UnixAddress address, ServerLimits limits,
                                         FrameOptions options, FramedTask task) throws IOException {
        return builder().loops(loops).limits(limits).options(options).startTasks(address, task);
    }

    /** What a {@link FrameServer} is made with; {@link #loops} is required, the rest has defaults. Not thread-safe. */
    public static final class Builder {
        private List<? extends EventLoop> loops;
        private ServerLimits limits = ServerLimits.DEFAULTS;
        private FrameOptions options = FrameOptions.DEFAULTS;
        private boolean removeStale;

        private Builder() {
        }

        /** Serve on every loop of {@code runtime}. */
        public Builder loops(Ringloop runtime) {
            return loops(runtime.loops());
        }

        /** Serve on {@code loops}: the first binds and accepts, connections go to each in turn. */
        public Builder loops(List<? extends EventLoop> loops) {
            if (loops.isEmpty()) {
                throw new IllegalArgumentException("FrameServer.Builder.loops: no loops");
            }
            this.loops = List.copyOf(loops);
            return this;
        }

        /** The connection limits and timeouts (default {@link ServerLimits#DEFAULTS}). */
        public Builder limits(ServerLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Frame and output bounds, and TLS (default {@link FrameOptions#DEFAULTS}). */
        public Builder options(FrameOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Serve TLS with {@code serverConfig}: {@code options(options.withTls(serverConfig))}. */
        public Builder tls(TlsConfig serverConfig) {
            this.options = options.withTls(Objects.requireNonNull(serverConfig, "serverConfig"));
            return this;
        }

        /**
         * On a Unix path: a socket file no listener serves any more (a crashed server's) is removed before the
         * bind, as {@code UnixListener}'s builder does; a live server's is still refused, and so is any other
         * file. Default false: the bind fails and says the file is stale.
         */
        public Builder removeStale(boolean on) {
            this.removeStale = on;
            return this;
        }

        /** Binds {@code address} and serves each connection with a handler from {@code handlerFactory}. */
        public FrameServer start(InetSocketAddress address, Supplier<? extends FrameHandler> handlerFactory)
                throws IOException {
            return begin(make(Objects.requireNonNull(address, "address"),
                    Objects.requireNonNull(handlerFactory, "handlerFactory"), null));
        }

        /** Binds the Unix {@code address} (a path or an abstract name) and serves it as over TCP. */
        public FrameServer start(UnixAddress address, Supplier<? extends FrameHandler> handlerFactory)
                throws IOException {
            return begin(make(named(address), Objects.requireNonNull(handlerFactory, "handlerFactory"), null));
        }

        /** Binds {@code address}; each connection gets a task running {@code task} over a {@link FramedStream}. */
        public FrameServer startTasks(InetSocketAddress address, FramedTask task) throws IOException {
            return begin(make(Objects.requireNonNull(address, "address"), TaskBridge::new,
                    Objects.requireNonNull(task, "task")));
        }

        /** {@link #startTasks(InetSocketAddress, FramedTask)} on a Unix address. */
        public FrameServer startTasks(UnixAddress address, FramedTask task) throws IOException {
            return begin(make(named(address), TaskBridge::new, Objects.requireNonNull(task, "task")));
        }

        private FrameServer make(Object address, Supplier<? extends FrameHandler> factory, FramedTask task)
                throws IOException {
            if (loops == null) {
                throw new IllegalStateException("FrameServer.Builder: no loops; call loops(runtime) first");
            }
            return new FrameServer(loops.stream().map(Loop::of).toList(), address, limits, options, factory, task,
                    removeStale);
        }
    }

    private static UnixAddress named(UnixAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnnamed()) {
            throw new IllegalArgumentException("FrameServer.start: an unnamed address; a server needs a path or a "
                    + "name");
        }
        return address;
    }

    private static FrameServer begin(FrameServer s) throws IOException {
        s.onLoop(s.loops.get(0), () -> {
            s.acceptor.acceptSome();
            return null;
        });
        return s;
    }

    /** The bound address (the real port when bound to port 0); null for a server on a Unix address. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The Unix address served ({@link #start(Ringloop, UnixAddress, ServerLimits, Supplier)}), or null. */
    public UnixAddress unixAddress() {
        return unixAddress;
    }

    /** Connections open now, on every loop. */
    public int openConnections() {
        return open.get();
    }

    /** The limits this server honours. */
    public ServerLimits limits() {
        return limits;
    }

    /**
     * Drains this server alone (other servers on the same loops go on): stops accepting, closes idle connections
     * at once and the others at their next frame boundary once their output is sent, and after {@code timeout}
     * aborts what is left. Any thread but a loop's; returns true when every connection closed gracefully.
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long deadlineNs = System.nanoTime() + Math.max(0, timeout.toNanos());
        draining = true;
        allClosed = done;
        // Wait until the listener is closed and every loop has marked its connections: a connection accepted
        // before the close is counted open by then, and one served later sees `draining` (serve).
        List<CompletableFuture<Void>> passes = new ArrayList<>();
        passes.add(onLoopQuietly(loops.get(0), acceptor::close));
        for (int i = 0; i < loops.size(); i++) {
            List<FrameConnection> conns = perLoop.get(i);
            passes.add(onLoopQuietly(loops.get(i), () -> {
                for (FrameConnection c : List.copyOf(conns)) {
                    c.drain();
                }
            }));
        }
        try {
            CompletableFuture.allOf(passes.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // a loop that does not run its queue in time: the wait below reports the drain as not graceful
        }
        checkAllClosed();
        try {
            done.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            for (int i = 0; i < loops.size(); i++) {
                List<FrameConnection> conns = perLoop.get(i);
                onLoopQuietly(loops.get(i), () -> {
                    for (FrameConnection c : List.copyOf(conns)) {
                        c.abort(new IOException("server drain: not finished within " + timeout.toMillis() + " ms"));
                    }
                });
            }
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** {@link #drain} within the limits' {@code drainTimeout}. */
    @Override
    public void close() throws IOException {
        try {
            drain(limits.drainTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("FrameServer.close interrupted");
        }
    }

    // ---- connections ----

    /** On loop {@code index}'s thread: a new connection on socket {@code fd} of that loop's driver. */
    void serve(int index, int fd) {
        FrameLoop fl = frameLoops[index];
        FrameHandler h;
        try {
            h = Objects.requireNonNull(factory.get(), "handlerFactory returned null");
        } catch (Throwable t) {
            fl.driver.close(fd);
            fl.loop.reportUncaught("FrameServer handler factory", t);
            connectionGone();
            return;
        }
        if (unixAddress == null) {
            fl.driver.setOption(fd, SocketOpt.TCP_NODELAY, 1);
        }
        FrameConnection c = new FrameConnection(fl, fd, h, this, task != null);
        List<FrameConnection> conns = perLoop.get(index);
        c.index = conns.size();
        conns.add(c);
        fl.open++;
        if (task != null) {
            c.pauseInput(); // until the task's first parse
            spawnTask(fl.loop, c, (TaskBridge) h);
        }
        c.start();
        if (draining) {
            c.drain(); // handed over by the acceptor before the drain closed it
        }
    }

    private void spawnTask(Loop loop, FrameConnection c, TaskBridge bridge) {
        Tasks.spawn(loop, () -> {
            bridge.task = Thread.currentThread();
            FramedStream stream = new FramedStream(c, bridge, loop);
            try {
                task.serve(stream);
            } catch (Throwable t) {
                boolean cancelled = t instanceof InterruptedIOException || t instanceof InterruptedException
                        || t instanceof CancellationException;
                if (!cancelled) {
                    loop.reportUncaught("FramedTask (" + c + ")", t);
                }
                c.abort(t);
            } finally {
                stream.close();
            }
            return null;
        });
    }

    /** Loop thread: {@code c} has closed. */
    void closed(FrameConnection c) {
        int index = frameLoopIndex(c.loop());
        List<FrameConnection> conns = perLoop.get(index);
        int i = c.index;
        FrameConnection last = conns.remove(conns.size() - 1);
        if (last != c) {
            conns.set(i, last);
            last.index = i;
        }
        c.index = -1;
        frameLoops[index].open--;
        connectionGone();
    }

    void connectionGone() {
        int now = open.decrementAndGet();
        if (now < limits.maxConnections()) {
            acceptor.resumeIfPaused();
        }
        checkAllClosed();
    }

    private void checkAllClosed() {
        CompletableFuture<Void> f = allClosed;
        if (f != null && open.get() == 0) {
            f.complete(null);
        }
    }

    private int frameLoopIndex(EventLoop loop) {
        for (int i = 0; i < frameLoops.length; i++) {
            if (frameLoops[i].loop == loop) {
                return i;
            }
        }
        throw new IllegalStateException("not a loop of this server: " + loop);
    }

    // ---- running on a loop ----

    private interface LoopWork<T> {
        T run() throws IOException;
    }

    private <T> T onLoop(Loop loop, LoopWork<T> work) throws IOException {
        if (loop.inLoopThread()) {
            return work.run();
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(work.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("FrameServer: interrupted waiting for " + loop.name());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new UncheckedIOException(new IOException(e.getCause()));
        }
    }

    /** Runs {@code r} on {@code loop} (unless it has terminated): done when it has run (or was skipped). */
    private CompletableFuture<Void> onLoopQuietly(Loop loop, Runnable r) {
        if (loop.inLoopThread()) {
            r.run();
            return CompletableFuture.completedFuture(null);
        }
        if (loop.isTerminated()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> ran = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                r.run();
            } finally {
                ran.complete(null);
            }
        });
        return ran;
    }
}
