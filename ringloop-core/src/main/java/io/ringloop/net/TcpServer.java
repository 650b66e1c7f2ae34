package io.ringloop.net;

import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.SockAddr;
import io.ringloop.task.Tasks;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP server over several loops: each accepted connection gets a task running {@link Handler#handle} on
 * one loop, for the connection's whole life.
 *
 * <p>How connections are spread:
 * <ul>
 *   <li>{@link Spread#ACCEPTOR} (the default of {@code Ringloop.serve}): one listening socket, without
 *       SO_REUSEPORT, on the first loop accepts everything and hands connections to the loops round-robin. The
 *       port is the server's alone: a second bind of it, from this process or another, fails with EADDRINUSE
 *       ({@link java.net.BindException}). A hand-off detaches the socket from the acceptor's driver and adopts
 *       it into the target's; with one loop there is none.</li>
 *   <li>{@link Spread#REUSE_PORT} (explicit opt-in): one listener per loop, all bound to the same port with
 *       SO_REUSEPORT; the kernel hashes each new connection to one of them, with no hand-off. The price: any
 *       other socket of the same user that sets SO_REUSEPORT, in any process, may bind the port too and silently
 *       take a share of the connections (a leftover server, a second instance).</li>
 * </ul>
 *
 * <p><b>Limits</b> ({@link ServerLimits}, {@link ServerLimits#DEFAULTS} unless given): at
 * {@code maxConnections} connections being served, over all loops, the accepting tasks park with no accept
 * submitted and the kernel's backlog holds new connections until one closes (with REUSE_PORT, a connection an
 * accept already pending on another loop brings in waits accepted, unserved, in the same way). The idle, request
 * and write timeouts apply to the handler's blocking reads and writes; a handler marks its requests and sees a
 * drain through {@link ServerConnection#of(TcpStream)}.
 *
 * <p><b>Drain.</b> {@link #drain(Duration)} closes this server alone: it stops accepting, closes the connections
 * waiting for input outside a request, lets the other handlers finish, and cancels what still runs at the
 * deadline. Other servers on the same loops are not touched. {@link #close()} only stops accepting.
 *
 * <p>A handler that throws is reported to its loop's uncaught-failure handler with the peer's address (nobody
 * joins a connection's task); the server and every other connection go on. A handler stopped by a cancel
 * (a shutdown, or this server's drain at its deadline) is not a failure, nor one that lets out the exception a
 * limit made its read or write throw.
 */
public final class TcpServer implements AutoCloseable {
    /** How connections are spread over the loops (see the class comment). */
    public enum Spread {
        /** One listener per loop with SO_REUSEPORT: no hand-off, but the port is open to other processes. */
        REUSE_PORT,
        /** One exclusive listening socket; accepted connections are handed to the loops round-robin. */
        ACCEPTOR
    }

    /**
     * Serves one connection, in its own task. The stream is closed when this returns or throws;
     * {@link ServerConnection#of(TcpStream)} gives the connection's limits and request marks meanwhile.
     */
    @FunctionalInterface
    public interface Handler {
        /** Serves {@code stream} (on its loop, in a task of its own) until the connection is done. */
        void handle(TcpStream stream) throws Exception;
    }

    /** After a drain's deadline, how long cancelled handlers get to unwind. */
    private static final long CANCEL_GRACE_NS = 5_000_000_000L;

    private final List<Loop> loops;
    private final List<TcpListener> listeners;
    private final AtomicIntegerArray accepted;
    private final InetSocketAddress localAddress;
    private final ServerConnections connections;
    private final Handler handler;

    private TcpServer(List<Loop> loops, List<TcpListener> listeners, ServerLimits limits, Handler handler) {
        this.loops = loops;
        this.listeners = listeners;
        this.accepted = new AtomicIntegerArray(loops.size());
        this.connections = new ServerConnections(limits, loops);
        this.handler = handler;
        this.localAddress = listeners.get(0).localAddress();
    }

    /** Binds and starts accepting on {@code loops} with {@link ServerLimits#DEFAULTS}; any thread. */
    public static TcpServer start(List<? extends EventLoop> loops, InetSocketAddress address, Spread spread,
                                  Handler handler) throws IOException {
        return start(loops, address, spread, ServerLimits.DEFAULTS, handler);
    }

    /**
     * Binds and starts accepting on {@code loops}, under {@code limits} (see {@link ServerLimits} and
     * {@link ServerConnection}); any thread.
     */
    public static TcpServer start(List<? extends EventLoop> loops, InetSocketAddress address, Spread spread,
                                  ServerLimits limits, Handler handler) throws IOException {
        List<Loop> all = loops.stream().map(Loop::of).toList();
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(handler, "handler");
        List<TcpListener> listeners = new ArrayList<>();
        try {
            if (spread == Spread.REUSE_PORT) {
                InetSocketAddress at = address;
                for (int i = 0; i < all.size(); i++) {
                    TcpListener l = TcpListener.builder().loop(all.get(i)).reusePort(true).bind(at);
                    listeners.add(l);
                    at = l.localAddress(); // port 0: every loop joins the port the first one got
                }
            } else {
                listeners.add(TcpListener.builder().loop(all.get(0)).bind(address));
            }
            TcpServer server = new TcpServer(all, listeners, limits, handler);
            for (int i = 0; i < listeners.size(); i++) {
                TcpListener l = listeners.get(i);
                int index = i;
                Tasks.spawn(l.loop(), () -> server.acceptLoop(l, index, spread == Spread.REUSE_PORT));
            }
            return server;
        } catch (IOException | RuntimeException e) {
            for (TcpListener l : listeners) {
                l.close();
            }
            throw e;
        }
    }

    /**
     * One listener's accepting task: waits for room under the limit, accepts, takes a slot, and serves the
     * connection on this loop ({@code own}) or hands it to the next loop round-robin.
     */
    private Void acceptLoop(TcpListener l, int index, boolean own) {
        int next = 0;
        Loop here = Loop.of(l.loop());
        while (connections.awaitRoom(index)) {
            TcpStream s;
            try {
                s = l.accept();
            } catch (ClosedChannelException e) {
                return null; // closed: stop accepting
            } catch (IOException e) {
                if (failedAccept()) {
                    return null;
                }
                continue; // one failed accept (ECONNABORTED, EMFILE...) does not stop the server
            }
            if (!connections.acquire(index)) {
                closeQuietly(s); // stopped or cancelled while waiting for a slot
                return null;
            }
            int target = own ? index : Math.floorMod(next++, loops.size());
            accepted.incrementAndGet(target);
            handOff(s, here, target);
        }
        return null;
    }

    /** Spawns the connection's task on loop {@code target}, detaching the socket if that is another loop. */
    private void handOff(TcpStream s, Loop here, int target) {
        Loop to = loops.get(target);
        try {
            if (to == here) {
                Tasks.spawn(() -> serve(s, target));
                return;
            }
            Object detached = s.detach();
            if (detached == null) {
                closeQuietly(s);
                connections.release();
                return;
            }
            Tasks.spawn(to, () -> serve(TcpStream.adopt(to, detached), target));
        } catch (RuntimeException e) {
            closeQuietly(s); // the target loop no longer takes tasks (shut down)
            connections.release();
            throw e;
        }
    }

    /**
     * After a failed accept: true when the accepting task was cancelled (stop); else pauses a millisecond so a
     * persistent error (EMFILE: out of fds) does not turn the accept loop into a spin that starves the loop.
     */
    private static boolean failedAccept() {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        LockSupport.parkNanos(1_000_000);
        return Thread.currentThread().isInterrupted();
    }

    private Void serve(TcpStream s, int loopIndex) throws Exception {
        ServerConnection c = new ServerConnection(s, connections, loopIndex, connections.limits());
        s.rememberPeer(true);
        s.serverConnection(c);
        connections.add(c);
        try {
            handler.handle(s);
        } catch (Throwable t) {
            if (cancelled(t)) {
                if (connections.cancelling()) {
                    return null; // this server's drain ran out of time: not a failure
                }
                throw t; // the task ends by cancellation: not a failure
            }
            if (c.isLimitFailure(t)) {
                return null; // a timeout or the drain closed the connection, as the limits say: not a failure
            }
            InetSocketAddress peer = s.rememberedPeer(); // before the close below
            Loop.of(Tasks.currentLoop()).reportUncaught("connection handler (peer "
                    + (peer == null ? "unknown, fd " + s.handle() : SockAddr.text(peer)) + ")", t);
        } finally {
            c.closed();
            connections.remove(c);
            s.serverConnection(null);
            s.rememberPeer(false); // the server's own close needs no address
            try {
                s.close();
            } finally {
                connections.release();
            }
        }
        return null;
    }

    /** A cancel (shutdown) interrupts the handler's task: what it throws then is how it stopped. */
    private static boolean cancelled(Throwable t) {
        return t instanceof CancellationException || t instanceof InterruptedException
                || t instanceof InterruptedIOException
                || t instanceof ClosedByInterruptException
                || Thread.currentThread().isInterrupted();
    }

    private static void closeQuietly(TcpStream s) {
        try {
            s.close();
        } catch (IOException ignore) {
            // the connection is being dropped anyway
        }
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Connections accepted so far for each loop, in loop order. */
    public int[] acceptedPerLoop() {
        int[] out = new int[accepted.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = accepted.get(i);
        }
        return out;
    }

    public List<EventLoop> loops() {
        return List.copyOf(loops);
    }

    /** Connections being served now, over all loops. */
    public int connections() {
        return connections.open();
    }

    /** The limits this server was started with. */
    public ServerLimits limits() {
        return connections.limits();
    }

    /** {@link #drain(Duration)} with the limits' {@link ServerLimits#drainTimeout()}. */
    public boolean drain() throws IOException, InterruptedException {
        return drain(connections.limits().drainTimeout());
    }

    /**
     * Graceful close of this server alone (other servers on the same loops go on): stops accepting, closes the
     * connections waiting for input outside a request ({@link ServerConnection}), lets running handlers finish
     * (they see {@link ServerConnection#draining()}), and at {@code timeout} cancels (interrupts) the handlers
     * still running and waits a few seconds for them to end. Returns true when every connection closed within
     * {@code timeout}. Any thread but one of the server's loops (from a task, the task parks).
     *
     * @throws IllegalStateException called on one of the server's loop threads, which it would block
     */
    public boolean drain(Duration timeout) throws IOException, InterruptedException {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("drain: negative timeout " + timeout);
        }
        for (Loop l : loops) {
            if (l.inLoopThread() || LoopContext.onCarrier(l)) {
                throw new IllegalStateException("drain(" + timeout + ") on " + l.name()
                        + ", a loop of the server: it would wait for connections that loop serves");
            }
        }
        IOException closeFailure = null;
        try {
            close();
        } catch (IOException e) {
            closeFailure = e; // the connections drain all the same
        }
        boolean all = connections.drain(timeout.toNanos(), CANCEL_GRACE_NS);
        if (closeFailure != null) {
            throw closeFailure;
        }
        return all;
    }

    /** Stops accepting; connections already accepted keep being served. */
    @Override
    public void close() throws IOException {
        connections.stopAccepting();
        IOException first = null;
        for (TcpListener l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

}
