package io.ringloop.net;

import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.SockAddr;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>A handler that throws is reported to its loop's uncaught-failure handler with the peer's address (nobody
 * joins a connection's task); the server and every other connection go on. A handler stopped by a cancel
 * (a shutdown) is not a failure.
 */
public final class TcpServer implements AutoCloseable {
    /** How connections are spread over the loops (see the class comment). */
    public enum Spread {
        /** One listener per loop with SO_REUSEPORT: no hand-off, but the port is open to other processes. */
        REUSE_PORT,
        /** One exclusive listening socket; accepted connections are handed to the loops round-robin. */
        ACCEPTOR
    }

    /** Serves one connection, in its own task. The stream is closed when this returns or throws. */
    @FunctionalInterface
    public interface Handler {
        void handle(TcpStream stream) throws Exception;
    }

    private final List<Loop> loops;
    private final List<TcpListener> listeners;
    private final AtomicIntegerArray accepted;
    private final InetSocketAddress localAddress;

    private TcpServer(List<Loop> loops, List<TcpListener> listeners, AtomicIntegerArray accepted) {
        this.loops = loops;
        this.listeners = listeners;
        this.accepted = accepted;
        this.localAddress = listeners.get(0).localAddress();
    }

    /** Binds and starts accepting on {@code loops}; any thread. */
    public static TcpServer start(List<? extends EventLoop> loops, InetSocketAddress address, Spread spread,
                                  Handler handler) throws IOException {
        List<Loop> all = loops.stream().map(Loop::of).toList();
        AtomicIntegerArray accepted = new AtomicIntegerArray(all.size());
        List<TcpListener> listeners = new ArrayList<>();
        try {
            if (spread == Spread.REUSE_PORT) {
                InetSocketAddress at = address;
                for (int i = 0; i < all.size(); i++) {
                    TcpListener l = TcpListener.builder().loop(all.get(i)).reusePort(true).bind(at);
                    listeners.add(l);
                    at = l.localAddress(); // port 0: every loop joins the port the first one got
                    int index = i;
                    Tasks.spawn(all.get(i), () -> acceptLoop(l, handler, accepted, index));
                }
            } else {
                TcpListener l = TcpListener.builder().loop(all.get(0)).bind(address);
                listeners.add(l);
                Tasks.spawn(all.get(0), () -> acceptAndHandOff(l, all, handler, accepted));
            }
        } catch (IOException | RuntimeException e) {
            for (TcpListener l : listeners) {
                l.close();
            }
            throw e;
        }
        return new TcpServer(all, listeners, accepted);
    }

    private static Void acceptLoop(TcpListener l, Handler handler, AtomicIntegerArray accepted, int index) {
        while (true) {
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
            accepted.incrementAndGet(index);
            Tasks.spawn(() -> serve(s, handler));
        }
    }

    private static Void acceptAndHandOff(TcpListener l, List<Loop> loops, Handler handler,
                                         AtomicIntegerArray accepted) {
        AtomicInteger next = new AtomicInteger();
        Loop here = Loop.of(l.loop());
        while (true) {
            TcpStream s;
            try {
                s = l.accept();
            } catch (ClosedChannelException e) {
                return null;
            } catch (IOException e) {
                if (failedAccept()) {
                    return null;
                }
                continue;
            }
            int index = Math.floorMod(next.getAndIncrement(), loops.size());
            Loop target = loops.get(index);
            accepted.incrementAndGet(index);
            if (target == here) {
                Tasks.spawn(() -> serve(s, handler));
                continue;
            }
            Object detached = s.detach();
            if (detached == null) {
                closeQuietly(s);
                continue;
            }
            Tasks.spawn(target, () -> serve(TcpStream.adopt(target, detached), handler));
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

    private static Void serve(TcpStream s, Handler handler) throws Exception {
        s.rememberPeer(true);
        try {
            handler.handle(s);
        } catch (Throwable t) {
            if (cancelled(t)) {
                throw t; // the task ends by cancellation: not a failure
            }
            InetSocketAddress peer = s.rememberedPeer(); // before the close below
            Loop.of(Tasks.currentLoop()).reportUncaught("connection handler (peer "
                    + (peer == null ? "unknown, fd " + s.handle() : SockAddr.text(peer)) + ")", t);
        } finally {
            s.rememberPeer(false); // the server's own close needs no address
            s.close();
        }
        return null;
    }

    /** A cancel (shutdown) interrupts the handler's task: what it throws then is how it stopped. */
    private static boolean cancelled(Throwable t) {
        return t instanceof java.util.concurrent.CancellationException || t instanceof InterruptedException
                || t instanceof java.io.InterruptedIOException
                || t instanceof java.nio.channels.ClosedByInterruptException
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

    /** Stops accepting; connections already accepted keep being served. */
    @Override
    public void close() throws IOException {
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
