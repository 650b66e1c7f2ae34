package io.ringloop.net;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits every server needs, whatever its protocol: how many connections it holds at once, and how long a
 * connection may sit idle, take to send a request, or leave its output unread. Immutable; start from
 * {@link #DEFAULTS} and change one value at a time with the {@code with*} methods.
 *
 * <p>Durations follow {@link java.net.Socket#setSoTimeout}: {@link Duration#ZERO} means no limit; a negative
 * duration is refused with an {@link IllegalArgumentException}.
 *
 * <ul>
 *   <li>{@code maxConnections}: at this many open connections the server stops accepting until one closes
 *       (the kernel's backlog holds the rest); default 10,000.</li>
 *   <li>{@code idleTimeout}: a connection with no partial request read and nothing queued to send is closed
 *       after this long without input; default none.</li>
 *   <li>{@code readTimeout}: a request (from its first byte to its last, headers included) must arrive within
 *       this long (the slow-loris guard); default none. The framing server closes the connection; under
 *       {@link TcpServer} the handler's waiting read throws {@link java.net.SocketTimeoutException} and the
 *       handler decides (an HTTP server answers 408, then closes).</li>
 *   <li>{@code writeTimeout}: output the peer has not accepted for this long aborts the connection (a peer that
 *       never reads); default none.</li>
 *   <li>{@code drainTimeout}: how long a graceful close of the server waits for connections to finish before
 *       aborting the rest; default 30 seconds.</li>
 * </ul>
 *
 * @param maxConnections at least 1
 * @param idleTimeout    zero for none
 * @param readTimeout    zero for none
 * @param writeTimeout   zero for none
 * @param drainTimeout   zero to abort at once
 */
public record ServerLimits(int maxConnections, Duration idleTimeout, Duration readTimeout, Duration writeTimeout,
                           Duration drainTimeout) {
    /** 10,000 connections, no idle, read or write limit, a 30-second drain. */
    public static final ServerLimits DEFAULTS =
        new ServerLimits(10_000, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30));

    /** Checks every value; see the class comment. */
    public ServerLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("ServerLimits.maxConnections must be >= 1: " + maxConnections);
        }
        check("idleTimeout", idleTimeout);
        check("readTimeout", readTimeout);
        check("writeTimeout", writeTimeout);
        check("drainTimeout", drainTimeout);
    }

    private static void check(String name, Duration d) {
        Objects.requireNonNull(d, () -> "ServerLimits." + name);
        if (d.isNegative()) {
            throw new IllegalArgumentException("ServerLimits." + name + " must not be negative: " + d);
        }
    }

    /** These limits with {@code maxConnections} changed. */
    public ServerLimits withMaxConnections(int max) {
        return new ServerLimits(max, idleTimeout, readTimeout, writeTimeout, drainTimeout);
    }

    /** These limits with {@code idleTimeout} changed. */
    public ServerLimits withIdleTimeout(Duration d) {
        return new ServerLimits(maxConnections, d, readTimeout, writeTimeout, drainTimeout);
    }

    /** These limits with {@code readTimeout} changed. */
    public ServerLimits withReadTimeout(Duration d) {
        return new ServerLimits(maxConnections, idleTimeout, d, writeTimeout, drainTimeout);
    }

    /** These limits with {@code writeTimeout} changed. */
    public ServerLimits withWriteTimeout(Duration d) {
        return new ServerLimits(maxConnections, idleTimeout, readTimeout, d, drainTimeout);
    }

    /** These limits with {@code drainTimeout} changed. */
    public ServerLimits withDrainTimeout(Duration d) {
        return new ServerLimits(maxConnections, idleTimeout, readTimeout, writeTimeout, d);
    }
}
