package io.ringloop.frame;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.SafeLog;
import io.ringloop.net.internal.AcceptBackoff;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import io.ringloop.unix.UnixAddress;
import io.ringloop.unix.internal.SocketFile;
import io.ringloop.unix.internal.UnixBind;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FrameServer}'s listening socket on its first loop: accepts, hands each connection to a loop round-robin,
 * pauses at {@code maxConnections}, and backs off when the system refuses for want of descriptors. Loop thread
 * only, except {@link #resumeIfPaused}.
 */
final class FrameAcceptor extends Completion implements Runnable, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FrameServer.class.getName());
    private static final int BACKLOG = 1024;
    /** Accepts per run of the accept loop before it lets the loop poll. */
    private static final int ACCEPTS_PER_RUN = 64;

    private final FrameServer server;
    private final Loop loop;
    private final Driver driver;
    private int fd = -1;
    private boolean closed;
    private boolean paused;
    private volatile boolean pausedFlag;
    /** Waits between accepts refused for want of descriptors or memory; says so once per episode. */
    private AcceptBackoff backoff;

    FrameAcceptor(FrameServer server, Loop loop) {
        this.server = server;
        this.loop = loop;
        this.driver = loop.driver();
    }

    /** The socket file of a Unix address and its identity, removed at close; null for TCP. */
    private UnixAddress unix;
    private Object unixFile;

    /**
     * Listens on {@code address} (an {@code InetSocketAddress} or a {@code UnixAddress}, whose stale socket file is
     * removed first when {@code removeStale}): the bound TCP address.
     */
    InetSocketAddress open(Object address, boolean removeStale) throws IOException {
        return address instanceof UnixAddress u ? openUnix(u, removeStale) : openTcp((InetSocketAddress) address);
    }

    private InetSocketAddress openUnix(UnixAddress address, boolean removeStale) throws IOException {
        int s = UnixBind.listen(driver, address, BACKLOG, removeStale);
        try {
            unixFile = SocketFile.identity(address);
        } catch (IOException e) {
            driver.close(s);
            throw e;
        }
        unix = address;
        fd = s;
        backoff = new AcceptBackoff("FrameServer " + address);
        loop.closeOnShutdown(this);
        return null;
    }

    private InetSocketAddress openTcp(InetSocketAddress address) throws IOException {
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
            if (server.open.get() >= server.limits.maxConnections()) {
                paused = true;
                pausedFlag = true;
                if (server.open.get() < server.limits.maxConnections()) {
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
        server.open.incrementAndGet();
        int index = Math.floorMod(server.next.getAndIncrement(), server.loops.size());
        Loop target = server.loops.get(index);
        if (target == loop) {
            server.serve(index, r);
            return true;
        }
        Object detached = driver.detach(r);
        if (detached == null) {
            driver.close(r);
            server.connectionGone();
            return true;
        }
        target.execute(() -> server.serve(index, target.driver().adopt(detached)));
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
        if (unix != null) {
            try {
                SocketFile.removeIfSame(unix, unixFile);
            } catch (IOException e) {
                SafeLog.log(LOG, System.Logger.Level.WARNING, "FrameServer " + unix + ": socket file not removed", e);
            }
        }
    }
}
