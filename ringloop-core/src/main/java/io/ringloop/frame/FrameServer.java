package io.ringloop.frame;

import io.ringloop.Ringloop;
import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.ServerLimits;
import io.ringloop.net.internal.AcceptBackoff;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
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
 * A TCP server whose connections are served in callback style by {@link FrameHandler}s: no task and no virtual
 * thread per connection, and no receive buffer held by a connection that has nothing to read.
 *
 * <p>One listening socket (exclusive, no SO_REUSEPORT) on the first loop accepts, and hands connections to the
 * loops round-robin. The {@link ServerLimits} are honoured: at {@code maxConnections} open connections it stops
 * accepting until one closes (the kernel's backlog holds the rest); {@code idleTimeout} closes a connection with
 * no partial frame and nothing queued after that long without input; {@code readTimeout} aborts one whose
 * partial frame has been incomplete that long (the slow-loris guard); {@code writeTimeout} aborts one whose
 * queued output the peer has not taken for that long; {@link #close()} drains within {@code drainTimeout}.
 */
public final class FrameServer implements AutoCloseable {
    private static final int BACKLOG = 1024;
    /** Accepts per run of the accept loop before it lets the loop poll. */
    private static final int ACCEPTS_PER_RUN = 64;

    private final List<Loop> loops;
    private final FrameLoop[] frameLoops;
    private final ServerLimits limits;
    final ServerTimeouts timeouts;
    private final Supplier<? extends FrameHandler> factory;
    /** Task style: the body each connection's task runs; null in callback style. */
    private final FramedTask task;
    private final Acceptor acceptor;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();
    /** Per loop: its open connections, for a drain. Loop thread only. */
    private final List<List<FrameConnection>> perLoop = new ArrayList<>();
    private final InetSocketAddress localAddress;
    private volatile CompletableFuture<Void> allClosed;
    /** Set by {@link #drain}: a connection served from now on (accepted before the listener closed) drains too. */
    private volatile boolean draining;

    private FrameServer(List<Loop> loops, InetSocketAddress address, ServerLimits limits, FrameOptions options,
                        Supplier<? extends FrameHandler> factory, FramedTask task) throws IOException {
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
        this.acceptor = new Acceptor(loops.get(0));
        this.localAddress = onLoop(loops.get(0), () -> acceptor.open(address));
    }

    /** Serves on every loop of {@code runtime}, with {@link FrameOptions#DEFAULTS}. */
    public static FrameServer start(Ringloop runtime, InetSocketAddress address, ServerLimits limits,
                                    Supplier<? extends FrameHandler> handlerFactory) throws IOException {
        return start(runtime.loops(), address, limits, FrameOptions.DEFAULTS, handlerFactory);
    }

    /** Serves on {@code loops}: binds on the first, which accepts; {@code handlerFactory}: once per connection. */
    public static FrameServer start(List<? extends EventLoop> loops, InetSocketAddress address, ServerLimits limits,
                                    FrameOptions options, Supplier<? extends FrameHandler> handlerFactory)
            throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handlerFactory, "handlerFactory");
        if (loops.isEmpty()) {
            throw new IllegalArgumentException("FrameServer.start: no loops");
        }
        return begin(new FrameServer(loops.stream().map(Loop::of).toList(), address, limits, options,
                handlerFactory, null));
    }

    /**
     * Serves on every loop of {@code runtime} in task style: each connection gets a task running {@code task}
     * over a {@link FramedStream}, with {@link FrameOptions#DEFAULTS}.
     */
    public static FrameServer startTasks(Ringloop runtime, InetSocketAddress address, ServerLimits limits,
                                         FramedTask task) throws IOException {
        return startTasks(runtime.loops(), address, limits, FrameOptions.DEFAULTS, task);
    }

    /** {@link #startTasks(Ringloop, InetSocketAddress, ServerLimits, FramedTask)} on {@code loops}, with options. */
    public static FrameServer startTasks(List<? extends EventLoop> loops, InetSocketAddress address,
                                         ServerLimits limits, FrameOptions options, FramedTask task)
            throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(task, "task");
        if (loops.isEmpty()) {
            throw new IllegalArgumentException("FrameServer.startTasks: no loops");
        }
        return begin(new FrameServer(loops.stream().map(Loop::of).toList(), address, limits, options,
                TaskBridge::new, task));
    }

    private static FrameServer begin(FrameServer s) throws IOException {
        s.onLoop(s.loops.get(0), () -> {
            s.acceptor.acceptSome();
            return null;
        });
        return s;
    }

    /** The bound address (the real port when bound to port 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
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
    private void serve(int index, int fd) {
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
        fl.driver.setOption(fd, SocketOpt.TCP_NODELAY, 1);
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

    private void connectionGone() {
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

    /** Accepts on the first loop; pauses at maxConnections. Loop thread only, except {@link #resumeIfPaused}. */
    private final class Acceptor extends Completion implements Runnable, AutoCloseable {
        private final Loop loop;
        private final Driver driver;
        private int fd = -1;
        private boolean closed;
        private boolean paused;
        private volatile boolean pausedFlag;
        /** Waits between accepts refused for want of descriptors or memory; says so once per episode. */
        private AcceptBackoff backoff;

        Acceptor(Loop loop) {
            this.loop = loop;
            this.driver = loop.driver();
        }

        InetSocketAddress open(InetSocketAddress address) throws IOException {
            int family = address.getAddress() instanceof Inet6Address ? Driver.AF_INET6 : Driver.AF_INET;
            String where = address.toString();
            int s = driver.socket(family, Driver.SOCK_STREAM);
            if (s < 0) {
                throw Errno.exception("socket(" + where + ")", s);
            }
            int r = driver.setOption(s, SocketOpt.SO_REUSEADDR, 1);
            String call = "setsockopt(SO_REUSEADDR, " + where + ")";
            if (r >= 0) {
                r = driver.bind(s, address);
                call = "bind(" + where + ")";
            }
            if (r >= 0) {
                r = driver.listen(s, BACKLOG);
                call = (r == -Errno.EADDRINUSE ? "bind(" : "listen(") + where + ")";
            }
            if (r < 0) {
                driver.close(s);
                throw Errno.exception(call, r);
            }
            fd = s;
            try {
                InetSocketAddress bound = driver.localAddress(s);
                backoff = new AcceptBackoff("FrameServer " + SockAddr.text(bound));
                loop.closeOnShutdown(this);
                return bound;
            } catch (IOException e) {
                driver.close(s);
                fd = -1;
                throw e;
            }
        }

        /** Accepts what is there (up to a bound), leaving one accept pending, unless paused or closed. */
        void acceptSome() {
            for (int i = 0; i < ACCEPTS_PER_RUN; i++) {
                if (closed || isPending()) {
                    return;
                }
                if (open.get() >= limits.maxConnections()) {
                    paused = true;
                    pausedFlag = true;
                    if (open.get() < limits.maxConnections()) {
                        continue; // a close raced the pause: look again
                    }
                    return;
                }
                int r = driver.accept(fd, this);
                if (r == Driver.PENDING) {
                    return;
                }
                if (!accepted(r)) {
                    return;
                }
            }
            loop.runQueue().addAfterPoll(this);
        }

        @Override
        public void run() {
            acceptSome();
        }

        @Override
        public void complete(int r) {
            if (accepted(r)) {
                acceptSome();
            }
        }

        /** One accept's result: false to stop accepting for now (closed, or an error that backs off). */
        private boolean accepted(int r) {
            if (closed) {
                if (r >= 0) {
                    driver.close(r);
                }
                return false;
            }
            if (r < 0) {
                if (r == -Errno.ECANCELED || r == -Errno.EBADF) {
                    return false;
                }
                // Out of descriptors or memory: back off (1 ms doubling to 100 ms) and say so once per episode;
                // anything else (an aborted connection): try again shortly instead of spinning.
                long delayNs = AcceptBackoff.exhausted(r) ? backoff.refused(r, System.nanoTime())
                        : TimeUnit.MILLISECONDS.toNanos(10);
                loop.schedule(delayNs, this);
                return false;
            }
            backoff.accepted();
            open.incrementAndGet();
            int index = Math.floorMod(next.getAndIncrement(), loops.size());
            Loop target = loops.get(index);
            if (target == loop) {
                serve(index, r);
                return true;
            }
            Object detached = driver.detach(r);
            if (detached == null) {
                driver.close(r);
                connectionGone();
                return true;
            }
            target.execute(() -> serve(index, target.driver().adopt(detached)));
            return true;
        }

        /** Any thread: a connection closed below maxConnections; accepting resumes if it was paused. */
        void resumeIfPaused() {
            if (pausedFlag) {
                pausedFlag = false;
                loop.execute(() -> {
                    if (paused) {
                        paused = false;
                        acceptSome();
                    }
                });
            }
        }

        /** Loop thread: stops accepting and closes the listening socket. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            loop.forgetOnShutdown(this);
            if (fd >= 0) {
                driver.close(fd);
                fd = -1;
            }
        }
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
