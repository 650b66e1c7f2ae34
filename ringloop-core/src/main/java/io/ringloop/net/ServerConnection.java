package io.ringloop.net;

import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.TimerWheel;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import io.ringloop.task.internal.IoWaiter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Objects;

/**
 * A {@link TcpServer}'s connection as its handler sees it: the {@link ServerLimits} that apply to it, request
 * boundaries for the read (request) timeout, and whether the server is draining. Get it with
 * {@link #of(TcpStream)} from the handler's task.
 *
 * <p><b>Timeouts.</b> Each applies to a blocking read or write of the stream that has to wait:
 * <ul>
 *   <li>idle: a read outside a request (see {@link #requestStarted()}) that gets no byte for
 *       {@code idleTimeout} throws {@link SocketTimeoutException} naming the call and the peer, and the stream
 *       is closed. A handler that never marks requests has every wait for input limited so; inside a request
 *       without a read timeout each wait is limited so too.</li>
 *   <li>read: from {@link #requestStarted()} to {@link #requestDone()}, every read must end by the request's
 *       start plus {@code readTimeout}; one that waits past it throws {@link SocketTimeoutException} and the
 *       stream stays open, so the protocol can answer (HTTP's 408) before it closes.</li>
 *   <li>write: a write the peer takes no byte of for {@code writeTimeout} throws
 *       {@link SocketTimeoutException} and the stream is closed.</li>
 * </ul>
 * A timeout cancels the operation, so no byte is lost: a read whose data raced the timeout returns it.
 *
 * <p><b>Cost.</b> Nothing per operation that completes at once. An operation that must wait stamps the loop's
 * clock of the turn ({@code Loop.cachedNanoTime}) and, when the connection has no timer armed early enough,
 * arms one: each connection has at most one entry in its loop's {@code TimerWheel}, re-armed when it fires
 * (Netty's IdleStateHandler; the wheel allocates nothing), and cancelled when the connection closes. Since the
 * stamp is the turn's start, a timeout may fire up to one loop turn early.
 *
 * <p><b>Drain.</b> When the server drains ({@link TcpServer#drain}), a read waiting outside a request is
 * cancelled at once (or as soon as it starts waiting): it throws {@link SocketException} and the stream is
 * closed. Inside a request the handler goes on; {@link #draining()} tells it to close after this request.
 *
 * <p>Thread contract: the handler's task (on the connection's loop) calls {@link #requestStarted()} and
 * {@link #requestDone()}; the timer, the drain and the stream's operations run on the same loop thread.
 */
public final class ServerConnection {
    private static final long NO_DEADLINE = Long.MIN_VALUE;
    /** Why the pending read or write was cancelled: not, or by which limit. */
    private static final int NONE = 0;
    private static final int IDLE = 1;
    private static final int READ = 2;
    private static final int WRITE = 3;
    private static final int DRAIN = 4;

    private final TcpStream stream;
    private final ServerConnections group;
    private final int loopIndex;
    private final Loop loop;
    private final Driver driver;
    private final IoWaiter readWaiter;
    private final IoWaiter writeWaiter;
    private final long idleNs;
    private final long readNs;
    private final long writeNs;
    /** The task that runs the handler: the drain's deadline interrupts it. */
    final Thread task;
    /** Captured once: the payload of this connection's one timer. */
    private final Runnable onTimer = this::onTimer;
    private final Runnable armRead = () -> pending(true);
    private final Runnable armWrite = () -> pending(false);

    // Loop-thread state (the handler's task runs on the same carrier).
    private boolean inRequest;
    private long requestStartNs;
    /** When the pending read (write) began to wait. */
    private long readSinceNs;
    private long writeSinceNs;
    private int readExpired;
    private int writeExpired;
    /** The connection's one timer, {@link TimerWheel#NULL_TIMER} when none, and its deadline. */
    private long timerId = TimerWheel.NULL_TIMER;
    private long timerDeadlineNs;
    /** The last exception a limit made an operation throw: if the handler lets it out, it is no failure. */
    private IOException limitFailure;
    /** Links in its loop's list of the server's connections ({@link ServerConnections}). */
    ServerConnection prev;
    ServerConnection next;

    ServerConnection(TcpStream stream, ServerConnections group, int loopIndex, ServerLimits limits) {
        this.stream = stream;
        this.group = group;
        this.loopIndex = loopIndex;
        this.loop = Loop.of(stream.loop());
        this.driver = loop.driver();
        this.readWaiter = stream.waiter(true);
        this.writeWaiter = stream.waiter(false);
        this.idleNs = limits.idleTimeout().toNanos();
        this.readNs = limits.readTimeout().toNanos();
        this.writeNs = limits.writeTimeout().toNanos();
        this.task = Thread.currentThread();
    }

    /**
     * The server connection of {@code stream}, which a {@link TcpServer} handler was given.
     *
     * @throws IllegalArgumentException if {@code stream} is not a server's connection (or its handler returned)
     */
    public static ServerConnection of(TcpStream stream) {
        ServerConnection c = Objects.requireNonNull(stream, "stream").serverConnection();
        if (c == null) {
            throw new IllegalArgumentException("ServerConnection.of(" + stream + "): not a TcpServer connection "
                    + "being served");
        }
        return c;
    }

    /** The connection's stream. */
    public TcpStream stream() {
        return stream;
    }

    /** The limits of the server (and so of this connection). */
    public ServerLimits limits() {
        return group.limits();
    }

    /**
     * Marks the start of a request (call it when its first byte is in hand): from now until
     * {@link #requestDone()}, reads are limited by {@code readTimeout} from this moment, no longer by the idle
     * timeout, and a drain lets the request finish. Does nothing inside a request.
     */
    public void requestStarted() {
        if (!inRequest) {
            inRequest = true;
            requestStartNs = loop.cachedNanoTime();
        }
    }

    /** Marks the end of the request (all of it read): the connection is idle again while it waits for input. */
    public void requestDone() {
        inRequest = false;
    }

    /** True between {@link #requestStarted()} and {@link #requestDone()}. */
    public boolean inRequest() {
        return inRequest;
    }

    /** True once the server drains: finish the request in hand, then close (HTTP: {@code Connection: close}). */
    public boolean draining() {
        return group.draining();
    }

    // ---- hooks of TcpStream ----

    /**
     * On the loop's carrier: a read (write) of the stream just went pending. Stamps the wait and makes sure the
     * timer fires by its deadline; a read outside a request while the server drains is cancelled at once.
     */
    void pending(boolean read) {
        long nowNs = loop.cachedNanoTime();
        if (read) {
            readExpired = NONE;
            readSinceNs = nowNs;
            if (!inRequest && group.draining() && readWaiter.isPending()) { // not when posted from afar
                expire(true, DRAIN);
                return;
            }
            long d = readDeadline();
            if (d != NO_DEADLINE) {
                armBy(d);
            }
        } else {
            writeExpired = NONE;
            writeSinceNs = nowNs;
            if (writeNs > 0) {
                armBy(nowNs + writeNs);
            }
        }
    }

    /** Off the loop's carrier: the operation is about to be posted to the loop; stamp and arm there first. */
    void pendingFromAfar(boolean read) {
        loop.execute(read ? armRead : armWrite);
    }

    /**
     * After a failed operation: when a limit cancelled it, throws that limit's exception (the stream closed,
     * unless it was the read timeout); else returns.
     */
    void throwIfExpired(boolean read, String call, int r) throws IOException {
        int kind = read ? readExpired : writeExpired;
        if (kind == NONE || (r != -Errno.ECANCELED && r != -Errno.ETIMEDOUT)) {
            return;
        }
        if (read) {
            readExpired = NONE;
        } else {
            writeExpired = NONE;
        }
        InetSocketAddress peer = stream.rememberedPeer();
        String where = call + "(fd=" + stream.handle() + ", peer " + (peer == null ? "unknown" : SockAddr.text(peer))
                + ")";
        IOException e = switch (kind) {
            case IDLE -> new SocketTimeoutException(where + ": no input for " + idleNs / 1_000_000
                    + " ms (ServerLimits.idleTimeout); connection closed");
            case READ -> new SocketTimeoutException(where + ": request not complete within " + readNs / 1_000_000
                    + " ms (ServerLimits.readTimeout)");
            case WRITE -> new SocketTimeoutException(where + ": the peer took no byte for " + writeNs / 1_000_000
                    + " ms (ServerLimits.writeTimeout); connection closed");
            default -> new SocketException(where + ": the server is draining; closed while waiting for a request");
        };
        limitFailure = e;
        if (kind != READ) {
            stream.close();
        }
        throw e;
    }

    /** True when {@code t} is what a limit (a timeout, the drain) made an operation throw. */
    boolean isLimitFailure(Throwable t) {
        return t != null && t == limitFailure;
    }

    /** On the loop's carrier, when the handler's task ends: the timer goes. */
    void closed() {
        if (timerId != TimerWheel.NULL_TIMER) {
            loop.cancelTimer(timerId);
            timerId = TimerWheel.NULL_TIMER;
        }
    }

    /** Loop thread, from a drain: cancels a read waiting outside a request. */
    void drainIfIdle() {
        if (!inRequest && readWaiter.isPending() && readExpired == NONE) {
            expire(true, DRAIN);
        }
    }

    int loopIndex() {
        return loopIndex;
    }

    // ---- the timer ----

    private long readDeadline() {
        if (inRequest && readNs > 0) {
            return requestStartNs + readNs;
        }
        return idleNs > 0 ? readSinceNs + idleNs : NO_DEADLINE;
    }

    /** Makes sure the timer fires by {@code deadlineNs}: a timer armed later is moved, one armed earlier kept. */
    private void armBy(long deadlineNs) {
        if (timerId != TimerWheel.NULL_TIMER) {
            if (deadlineNs - timerDeadlineNs >= 0) {
                return; // fires earlier and re-arms for this one then
            }
            loop.cancelTimer(timerId);
        }
        timerDeadlineNs = deadlineNs;
        timerId = loop.scheduleAt(deadlineNs, onTimer);
    }

    /** Loop thread: cancels what waited past its deadline, re-arms for what still waits. */
    private void onTimer() {
        timerId = TimerWheel.NULL_TIMER;
        if (!stream.isOpen()) {
            return;
        }
        long nowNs = loop.nanoTime();
        long nextNs = NO_DEADLINE;
        if (readWaiter.isPending() && readExpired == NONE) {
            long d = readDeadline();
            if (d != NO_DEADLINE && nowNs - d >= 0) {
                expire(true, inRequest && readNs > 0 ? READ : IDLE);
            } else if (d != NO_DEADLINE) {
                nextNs = d;
            }
        }
        if (writeWaiter.isPending() && writeExpired == NONE && writeNs > 0) {
            long d = writeSinceNs + writeNs;
            if (nowNs - d >= 0) {
                expire(false, WRITE);
            } else if (nextNs == NO_DEADLINE || d - nextNs < 0) {
                nextNs = d;
            }
        }
        if (nextNs != NO_DEADLINE) {
            armBy(nextNs);
        }
    }

    /** Cancels the pending read (write); its completion, -ECANCELED or a raced result, comes exactly once. */
    private void expire(boolean read, int kind) {
        if (read) {
            readExpired = kind;
            driver.cancel(readWaiter);
        } else {
            writeExpired = kind;
            driver.cancel(writeWaiter);
        }
    }
}
