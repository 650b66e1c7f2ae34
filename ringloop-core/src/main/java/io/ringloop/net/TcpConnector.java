package io.ringloop.net;

import io.ringloop.driver.Driver;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.Timeouts;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Connects by host name: resolves through a {@link Resolver} (off the loop, cached) and races the addresses with
 * Happy Eyeballs (RFC 8305): the resolver's order with IPv6 and IPv4 interleaved, the next attempt after the
 * {@link Builder#attemptDelay connection attempt delay} (default 250 ms) or as soon as the previous one fails,
 * the first connection wins and every other attempt is cancelled and closed.
 * {@link TcpStream#connect(String, int)} uses the default connector.
 *
 * <p>Failures name the call and the host: {@link UnknownHostException} when the name does not resolve (in time);
 * {@link java.net.ConnectException} listing every address tried and why, each reason also a suppressed
 * exception; {@link java.net.SocketTimeoutException} when the timeout ends first. The timeout covers the whole
 * connect, resolution included.
 *
 * <p>From a task, or from any thread but a loop's own (the caller parks until the connect is over).
 */
public final class TcpConnector {
    /** RFC 8305's recommended connection attempt delay. */
    public static final Duration DEFAULT_ATTEMPT_DELAY = Duration.ofMillis(250);

    private static final class DefaultHolder {
        static final TcpConnector DEFAULT = builder().build();
    }

    private final Resolver resolver;
    private final Duration attemptDelay;

    private TcpConnector(Builder b) {
        this.resolver = b.resolver != null ? b.resolver : Resolver.system();
        this.attemptDelay = b.attemptDelay;
    }

    /** The system resolver and a 250 ms attempt delay. */
    public static TcpConnector defaults() {
        return DefaultHolder.DEFAULT;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Resolver resolver() {
        return resolver;
    }

    public Duration attemptDelay() {
        return attemptDelay;
    }

    /** Connects from the caller's loop, without a time limit (each attempt has the kernel's own). */
    public TcpStream connect(String host, int port) throws IOException {
        return connect(host, port, null);
    }

    /**
     * Connects from the caller's loop within {@code timeout}, resolution included. Null or zero: no limit (as for
     * every timeout in ringloop); negative: {@link IllegalArgumentException}; over about 146 years: that long.
     */
    public TcpStream connect(String host, int port, Duration timeout) throws IOException {
        return connect(LoopCall.requireLoop("connect(" + host + ":" + port + ")"), host, port, timeout);
    }

    /** Connects on {@code loop} (the stream lives there) within {@code timeout} (null or zero: no limit). */
    public TcpStream connect(EventLoop loop, String host, int port, Duration timeout) throws IOException {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(host, "host");
        String what = "connect(" + host + ":" + port + ")";
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException(what + ": port out of range (0-65535)");
        }
        long timeoutNs = Timeouts.limitNanos(timeout, what); // 0: no limit
        EventLoop here = EventLoop.current();
        if (here != null && here.inLoopThread()) {
            throw new IllegalStateException(what + ": would block the loop thread " + here.name()
                    + "; call it from a task");
        }
        boolean hasDeadline = timeoutNs > 0;
        long deadlineNs = System.nanoTime() + timeoutNs;
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host, hasDeadline ? Duration.ofNanos(timeoutNs) : null);
        } catch (UnknownHostException e) {
            UnknownHostException named = new UnknownHostException(what + ": " + e.getMessage());
            named.initCause(e);
            throw named;
        }
        return HappyEyeballs.connect(loop, host, port, addresses, Resolver.nanos(attemptDelay, "attemptDelay"),
                deadlineNs, hasDeadline);
    }

    /** {@link TcpStream#connect(EventLoop, InetSocketAddress, Duration)}: one address, no resolution. */
    static TcpStream connectAddress(Loop loop, InetSocketAddress address, Duration timeout) throws IOException {
        Objects.requireNonNull(address, "connect: the address is null");
        if (address.isUnresolved()) {
            throw new UnknownHostException("connect(" + SockAddr.text(address) + "): unresolved address");
        }
        String what = "connect(" + SockAddr.text(address) + ")";
        long timeoutNs = Timeouts.limitNanos(timeout, what);
        int family = SockAddr.family(address) == SockAddr.AF_INET6 ? Driver.AF_INET6 : Driver.AF_INET;
        int fd = LoopCall.check(loop, "socket(" + what + ")", d -> d.socket(family, Driver.SOCK_STREAM));
        TcpStream s = new TcpStream(loop, fd);
        int r;
        try {
            r = s.writeWaiter.run(() -> s.driver.connect(fd, address, s.writeWaiter), what, timeoutNs);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        if (r < 0) {
            s.close();
            throw Errno.exception(what, r);
        }
        return s;
    }

    @Override
    public String toString() {
        return "TcpConnector[attemptDelay=" + attemptDelay.toMillis() + " ms]";
    }

    /** Connector settings. */
    public static final class Builder {
        private Resolver resolver;
        private Duration attemptDelay = DEFAULT_ATTEMPT_DELAY;

        private Builder() {
        }

        /** Where names are resolved; default {@link Resolver#system()}. */
        public Builder resolver(Resolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * How long an attempt has before the next address is tried too (RFC 8305 section 5: 250 ms recommended,
         * at least 100 ms; zero starts every attempt at once).
         */
        public Builder attemptDelay(Duration delay) {
            if (delay == null || delay.isNegative()) {
                throw new IllegalArgumentException("attemptDelay must not be negative: " + delay);
            }
            this.attemptDelay = delay;
            return this;
        }

        public TcpConnector build() {
            return new TcpConnector(this);
        }
    }
}
