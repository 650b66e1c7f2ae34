package io.ringloop.cli.http;

import io.ringloop.net.ServerLimits;
import java.time.Duration;

/**
 * Size limits of the HTTP server; its timeouts and connection limit are the server's {@link ServerLimits}
 * ({@link #LIMITS} by default).
 *
 * @param maxRequestLine longest request line, bytes (414 past it; Netty's default 4096)
 * @param maxHeaderBytes largest header block, bytes (431 past it; Netty's default 8192)
 * @param maxBodyBytes   largest request body, Content-Length or chunked (413 past it); under 2 GiB
 */
public record HttpConfig(int maxRequestLine, int maxHeaderBytes, long maxBodyBytes) {
    public static final HttpConfig DEFAULTS = new HttpConfig(4096, 8192, 1 << 20);

    /**
     * The HTTP server's default limits: a request (head and body) must arrive within 10 s of its first byte
     * (408 past it: the slow-loris guard), a connection waiting 60 s for its next request closes, and so does
     * one whose client takes no byte of the answer for 60 s.
     */
    public static final ServerLimits LIMITS = ServerLimits.DEFAULTS.withReadTimeout(Duration.ofSeconds(10))
            .withIdleTimeout(Duration.ofSeconds(60)).withWriteTimeout(Duration.ofSeconds(60));

    public HttpConfig {
        if (maxRequestLine < 16 || maxHeaderBytes < 16 || maxBodyBytes < 0 || maxBodyBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("HttpConfig: limits too small or negative: " + maxRequestLine
                    + ", " + maxHeaderBytes + ", " + maxBodyBytes);
        }
    }

    public HttpConfig withMaxBodyBytes(long bytes) {
        return new HttpConfig(maxRequestLine, maxHeaderBytes, bytes);
    }
}
