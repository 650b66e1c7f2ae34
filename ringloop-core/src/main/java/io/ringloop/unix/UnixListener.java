package io.ringloop.unix;

import io.ringloop.driver.Driver;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.IoCallback;
import io.ringloop.net.internal.AcceptBackoff;
import io.ringloop.net.internal.BlockingAccept;
import io.ringloop.net.internal.CallbackAccept;
import io.ringloop.net.internal.Directions;
import io.ringloop.net.internal.StreamSockets;
import io.ringloop.unix.internal.SocketFile;
import io.ringloop.unix.internal.UnixBind;
import io.ringloop.task.internal.IoWaiter;
import java.io.IOException;
import java.net.BindException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * A listening Unix domain stream socket on one loop; accepted streams live on the same loop.
 *
 * <p><b>The socket file.</b> Binding a path creates a socket file, which outlives the socket unless removed. A
 * bind that finds the path taken fails with a {@link BindException} that names the path and says what is there: a
 * stale file (nobody listens: a crashed server's), a live listener, or a file that is not a socket. With
 * {@link Builder#removeStale(boolean) removeStale(true)} a stale socket file is removed and the bind retried;
 * nothing else is ever removed. {@link #close()} removes the file this listener created, if it is still the same
 * file (a later server may have replaced it). Abstract names have no file.
 *
 * <p>Accepting works as {@code TcpListener}'s does, in task style ({@link #accept()}) and callback style
 * ({@link #accept(UnixAcceptCallback)}, on the loop thread): when the system refuses for want of descriptors
 * or socket memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) the connection waits in the backlog while accept backs off
 * and retries (a WARNING once per episode); one accept at a time (a second, from another task or thread, throws
 * {@link IllegalStateException} naming the call and the listener); after {@link #close()} accept throws a
 * {@link ClosedChannelException} naming the listener, and one that was waiting an
 * {@link java.nio.channels.AsynchronousCloseException}.
 */
public final class UnixListener implements AutoCloseable {
    private static final StreamSockets.Access NET = StreamSockets.access();

    private final Loop loop;
    private final int handle;
    private final UnixAddress address;
    /** The identity of the socket file bind created ({@link BasicFileAttributes#fileKey()}), or null: none. */
    private final Object createdFile;
    private final IoWaiter acceptWaiter;
    private final AcceptBackoff backoff;
    /** One accept at a time, in either style. */
    private final Directions directions = Directions.ofListener(this);
    /** The callback style's accept, made at its first use (loop thread). */
    private CallbackAccept callbackAccept;
    private volatile boolean closed;

    private UnixListener(Loop loop, int handle, UnixAddress address, Object createdFile) {
        this.loop = loop;
        this.handle = handle;
        this.address = address;
        this.createdFile = createdFile;
        this.acceptWaiter = new IoWaiter(loop);
        this.backoff = new AcceptBackoff(address.toString());
    }

    /** Binds on the caller's loop with the defaults of {@link #builder()}. */
    public static UnixListener bind(UnixAddress address) throws IOException {
        return builder().bind(address);
    }

    /** Binds the socket file {@code path} on the caller's loop with the defaults of {@link #builder()}. */
    public static UnixListener bind(Path path) throws IOException {
        return builder().bind(UnixAddress.of(path));
    }

    /** Binds the JDK's address (a path) on the caller's loop with the defaults of {@link #builder()}. */
    public static UnixListener bind(UnixDomainSocketAddress address) throws IOException {
        return builder().bind(UnixAddress.of(address));
    }

    /** Listener options: backlog 1024, stale files kept (reported). */
    public static Builder builder() {
        return new Builder();
    }

    /** Listener options. */
    public static final class Builder {
        private int backlog = 1024;
        private boolean removeStale;
        private Loop loop;

        private Builder() {
        }

        /**
         * The kernel's queue of connections not yet accepted (capped by {@code net.core.somaxconn}); at least 1,
         * else {@link IllegalArgumentException}, as {@code TcpListener}'s.
         */
        public Builder backlog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog(" + backlog + "): must be at least 1");
            }
            this.backlog = backlog;
            return this;
        }

        /**
         * Whether a bind that finds a stale socket file at its path (a socket file nobody listens on) removes it
         * and binds again. Default false: the bind fails and says so. A live listener's file, and a file that is
         * not a socket, are never removed.
         */
        public Builder removeStale(boolean on) {
            this.removeStale = on;
            return this;
        }

        /** The loop to listen on; default: the caller's. */
        public Builder loop(EventLoop eventLoop) {
            this.loop = Loop.of(eventLoop);
            return this;
        }

        /** Binds and listens on {@code path}. */
        public UnixListener bind(Path path) throws IOException {
            return bind(UnixAddress.of(path));
        }

        /**
         * Binds and listens.
         *
         * @throws BindException when the address is taken, naming it and what holds it
         * @throws UnsupportedOperationException for an abstract address on the NIO backend
         */
        public UnixListener bind(UnixAddress address) throws IOException {
            Objects.requireNonNull(address, "address");
            if (address.isUnnamed()) {
                throw new IllegalArgumentException("bind: an unnamed address; a listener needs a path or a name");
            }
            Loop l = loop != null ? loop : NET.requireLoop("bind");
            Unsupported.abstractAddress(l, address, "bind(" + address + ")");
            return NET.call(l, d -> open(l, d, address));
        }

        private UnixListener open(Loop l, Driver d, UnixAddress address) throws IOException {
            int fd = UnixBind.listen(d, address, backlog, removeStale);
            Object file;
            try {
                file = SocketFile.identity(address);
            } catch (IOException e) {
                d.close(fd);
                throw e;
            }
            UnixListener listener = new UnixListener(l, fd, address, file);
            l.closeOnShutdown(listener); // shutdown stops accepting first
            return listener;
        }
    }

    /** The bound address. */
    public UnixAddress address() {
        return address;
    }

    /** The loop this listener lives on. */
    public EventLoop loop() {
        return loop;
    }

    /** Waits for a connection. From a task the task parks; the loop serves others. */
    public UnixStream accept() throws IOException {
        directions.enter(true, "accept");
        try {
            int fd = BlockingAccept.accept(loop, handle, acceptWaiter, backoff, () -> closed, this, address.toString());
            return new UnixStream(loop, fd, UnixAddress.unnamed(), address);
        } finally {
            directions.exit(true);
        }
    }

    /**
     * Callback style, loop thread only: accepts one connection and calls {@code callback} on the loop thread, with
     * {@link #accept()}'s rules: refusals for want of descriptors or socket memory back off on the loop's timer and
     * retry (the callback hears only of a connection or of a failure of another kind); one accept at a time in
     * either style, so the callback may start the next one; after {@link #close()} the callback hears a
     * {@link ClosedChannelException} naming the listener, and an accept that was waiting an
     * {@link java.nio.channels.AsynchronousCloseException}.
     *
     * @throws IllegalStateException off the loop thread, or while another accept is in progress
     */
    public void accept(UnixAcceptCallback callback) {
        Objects.requireNonNull(callback, "callback");
        if (!loop.inLoopThread()) {
            throw new IllegalStateException("accept(" + this + "): callback-style accept runs on the loop thread; "
                    + "from a task or another thread use accept()");
        }
        if (callbackAccept == null) {
            callbackAccept = NET.callbackAccept(loop, handle, directions, backoff, () -> closed, this,
                    address.toString());
        }
        callbackAccept.accept(new IoCallback() {
            @Override
            public void completed(int fd) {
                callback.accepted(new UnixStream(loop, fd, UnixAddress.unnamed(), address));
            }

            @Override
            public void failed(Throwable error) {
                callback.failed(error);
            }
        });
    }

    /** False once {@link #close()} has been called. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Stops listening (a pending accept fails with AsynchronousCloseException) and removes the socket file this
     * listener created, if it is still that file. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        backoff.wakePaused();
        try {
            if (!loop.isTerminated()) {
                NET.call(loop, d -> {
                    loop.forgetOnShutdown(this);
                    if (callbackAccept != null) {
                        callbackAccept.closed(); // a callback accept waiting out a back-off fails now
                    }
                    return d.close(handle);
                });
            }
        } finally {
            SocketFile.removeIfSame(address, createdFile);
        }
    }

    @Override
    public String toString() {
        return "UnixListener[" + address + ", " + loop.name() + "]";
    }
}
