package io.ringloop.cli.http;

import java.time.Duration;

/**
 * Limits and timeouts of the HTTP server.
 *
 * @param maxRequestLine longest request line, bytes (414 past it; Netty's default 4096)
 * @param maxHeaderBytes largest header block, bytes (431 past it; Netty's default 8192)
 * @param maxBodyBytes   largest request body, Content-Length or chunked (413 past it); under 2 GiB
 * @param headerTimeout  from the first byte of a request until its head is complete (408 past it); slow clients
 * @param idleTimeout    longest wait for the next request, or for any byte of a body; zero: none
 */
public record HttpConfig(int maxRequestLine, int maxHeaderBytes, long maxBodyBytes, Duration headerTimeout,
                         Duration idleTimeout) {
    public static final HttpConfig DEFAULTS =
            new HttpConfig(4096, 8192, 1 << 20, Duration.ofSeconds(10), Duration.ofSeconds(60));

    public HttpConfig {
        if (maxRequestLine < 16 || maxHeaderBytes < 16 || maxBodyBytes < 0 || maxBodyBytes > Integer.MAX_VALUE - 8
                || headerTimeout.isNegative()
                || headerTimeout.isZero() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("HttpConfig: limits too small or negative: " + maxRequestLine
                    + ", " + maxHeaderBytes + ", " + maxBodyBytes + ", " + headerTimeout + ", " + idleTimeout);
        }
    }

    public HttpConfig withHeaderTimeout(Duration timeout) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, maxBodyBytes, timeout, idleTimeout);
    }

    public HttpConfig withIdleTimeout(Duration timeout) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, maxBodyBytes, headerTimeout, timeout);
    }

    public HttpConfig withMaxBodyBytes(long bytes) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, bytes, headerTimeout, idleTimeout);
    }
}
