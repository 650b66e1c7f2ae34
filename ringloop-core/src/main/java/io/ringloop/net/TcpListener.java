package io.ringloop.net;

import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.internal.AcceptBackoff;
import io.ringloop.net.internal.BlockingAccept;
import io.ringloop.net.internal.Directions;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import io.ringloop.task.internal.IoWaiter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A listening TCP socket on one loop. Accepted streams live on the same loop. With
 * {@link Builder#reusePort(boolean)} several loops can each bind the same port and the kernel spreads
 * connections between them.
 */
public final class TcpListener implements AutoCloseable {
    private final Loop loop;
    private final int handle;
    private final InetSocketAddress localAddress;
    private final IoWaiter acceptWaiter;
    /** One accept at a time, in either style (the "read" direction); held through a back-off too. */
    private final Directions directions = Directions.ofListener(this);
    /** Waits between accepts refused for want of descriptors (both styles). */
    private final AcceptBackoff backoff;
    /** The callback style's accept, made at its first use (loop thread). */
    private ListenerCallbacks callbackAccept;
    private volatile boolean closed;

    private TcpListener(Loop loop, int handle, InetSocketAddress localAddress) {
        this.loop = loop;
        this.handle = handle;
        this.localAddress = localAddress;
        this.acceptWaiter = new IoWaiter(loop);
        this.backoff = new AcceptBackoff(SockAddr.text(localAddress));
    }

    /** Binds on the caller's loop with the defaults of {@link #builder()}. */
    public static TcpListener bind(InetSocketAddress address) throws IOException {
        return builder().bind(address);
    }

    /**
     * Binds {@code 0.0.0.0:port} (port 0: any free port) on the caller's loop; a port outside 0..65535 throws
     * {@link IllegalArgumentException} naming the call.
     */
    public static TcpListener bind(int port) throws IOException {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("bind(port=" + port + "): port out of range 0..65535");
        }
        return builder().bind(new InetSocketAddress(port));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Listener options. Defaults: backlog 1024, SO_REUSEADDR on, SO_REUSEPORT off. */
    public static final class Builder {
        private int backlog = 1024;
        private boolean reuseAddress = true;
        private boolean reusePort;
        private Loop loop;

        private Builder() {
        }

        /**
         * Connections the kernel queues before {@link #accept()} takes them (capped by {@code net.core.somaxconn});
         * at least 1, else {@link IllegalArgumentException} (Linux would take a negative one as the maximum, the
         * JDK's channel as its default of 50: two answers for one input).
         */
        public Builder backlog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog(" + backlog + "): must be at least 1");
            }
            this.backlog = backlog;
            return this;
        }

        public Builder reuseAddress(boolean on) {
            this.reuseAddress = on;
            return this;
        }

        public Builder reusePort(boolean on) {
            this.reusePort = on;
            return this;
        }

        /** The loop to listen on; default: the caller's. */
        public Builder loop(EventLoop loop) {
            this.loop = Loop.of(loop);
            return this;
        }

        public TcpListener bind(InetSocketAddress address) throws IOException {
            Objects.requireNonNull(address, "bind: the address is null");
            if (address.isUnresolved()) {
                throw new UnknownHostException("bind(" + SockAddr.text(address) + "): unresolved address");
            }
            Loop l = loop != null ? loop : LoopCall.requireLoop("bind");
            String where = SockAddr.text(address);
            return LoopCall.call(l, d -> open(l, d, address, where));
        }

        private TcpListener open(Loop l, Driver d, InetSocketAddress address, String where) throws IOException {
            int family = SockAddr.family(address) == SockAddr.AF_INET6 ? Driver.AF_INET6 : Driver.AF_INET;
            int fd = d.socket(family, Driver.SOCK_STREAM);
            if (fd < 0) {
                throw Errno.exception("socket(" + where + ")", fd);
            }
            int r = d.setOption(fd, SocketOpt.SO_REUSEADDR, reuseAddress ? 1 : 0);
            String call = "setsockopt(SO_REUSEADDR, " + where + ")";
            if (r >= 0 && reusePort) {
                r = d.setOption(fd, SocketOpt.SO_REUSEPORT, 1);
                call = "setsockopt(SO_REUSEPORT, " + where + ")";
            }
            if (r >= 0) {
                r = d.bind(fd, address);
                call = "bind(" + where + ")";
            }
            if (r >= 0) {
                r = d.listen(fd, backlog);
                // EADDRINUSE from listen is still "the address is taken" (NIO binds at listen; Linux's listen
                // finds a listener that bound the port too): one message on every backend.
                call = (r == -Errno.EADDRINUSE ? "bind(" : "listen(") + where + ")";
            }
            if (r < 0) {
                d.close(fd);
                throw Errno.exception(call, r);
            }
            try {
                TcpListener listener = new TcpListener(l, fd, d.localAddress(fd));
                l.closeOnShutdown(listener); // shutdown stops accepting first
                return listener;
            } catch (IOException e) {
                d.close(fd);
                throw e;
            }
        }
    }

    /** The bound address (with the real port when bound to port 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public EventLoop loop() {
        return loop;
    }

    /**
     * Waits for a connection. From a task the task parks; the loop serves others.
     *
     * <p>When accepting is refused for want of resources (EMFILE, ENFILE, ENOBUFS, ENOMEM), this does not
     * fail: the connection waits in the backlog while accept backs off (1 ms, doubling up to 100 ms) and tries
     * again, until descriptors are freed. A WARNING says so once per episode ({@link AcceptBackoff}).
     *
     * <p>One accept at a time, in either style: a second one while another is in progress (from another task or
     * thread) throws {@link IllegalStateException} naming the call and the listener, and the first goes on.
     */
    public TcpStream accept() throws IOException {
        directions.enter(true, "accept");
        try {
            return new TcpStream(loop, BlockingAccept.accept(loop, handle, acceptWaiter, backoff, () -> closed, this,
                    SockAddr.text(localAddress)));
        } finally {
            directions.exit(true);
        }
    }

    /**
     * Callback style, loop thread only: accepts one connection and calls {@code callback}. Refusals for want
     * of resources back off and retry as {@link #accept()} does; the callback hears only of a connection or
     * of a failure of another kind.
     */
    public void accept(AcceptCallback callback) {
        if (!loop.inLoopThread()) {
            throw new IllegalStateException("accept(" + this + "): callback-style accept runs on the loop thread; "
                    + "from a task or another thread use accept()");
        }
        if (callbackAccept == null) {
            callbackAccept = new ListenerCallbacks(loop, handle, directions, backoff, () -> closed, this,
                    SockAddr.text(localAddress));
        }
        callbackAccept.accept(new IoCallback() {
            @Override
            public void completed(int fd) {
                callback.accepted(new TcpStream(loop, fd));
            }

            @Override
            public void failed(Throwable error) {
                callback.failed(error);
            }
        });
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Stops listening; a pending accept fails with AsynchronousCloseException. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (loop.isTerminated()) {
            return;
        }
        backoff.wakePaused();
        LoopCall.call(loop, d -> {
            loop.forgetOnShutdown(this);
            if (callbackAccept != null) {
                callbackAccept.closed(); // a callback accept waiting out a back-off fails now
            }
            return d.close(handle);
        });
    }

    @Override
    public String toString() {
        return "TcpListener[" + SockAddr.text(localAddress) + ", " + loop.name() + "]";
    }
}
