package io.ringloop.cli.http;

import io.ringloop.Ringloop;
import io.ringloop.cli.ServerStyle;
import io.ringloop.frame.FrameOptions;
import io.ringloop.frame.FrameServer;
import io.ringloop.net.ServerLimits;
import io.ringloop.net.TcpServer;
import io.ringloop.tls.TlsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The HTTP/1.1 server of {@code ringloop http}, in one of two styles ({@link ServerStyle}): one listener per loop
 * (SO_REUSEPORT) and a task per connection ({@link HttpConnection}), or the framing API ({@link HttpFrameHandler}
 * on a {@link FrameServer}); both under the {@link ServerLimits} it was started with (connections at once, idle,
 * request and write timeouts). Routes: {@code GET|HEAD /plaintext} and {@code /json} as in the TechEmpower
 * rules, and {@code POST|PUT /echo}, which answers the request body (to test body framing).
 */
public final class HttpServer {
    /** One of the two, by style. */
    private final TcpServer server;
    private final FrameServer framing;

    private HttpServer(TcpServer server, FrameServer framing) {
        this.server = server;
        this.framing = framing;
    }

    /** Binds {@code address} on every loop of {@code rt} under {@link HttpConfig#LIMITS}. */
    public static HttpServer start(Ringloop rt, InetSocketAddress address, HttpConfig config) throws IOException {
        return start(rt, address, config, HttpConfig.LIMITS);
    }

    /** Binds {@code address} on every loop of {@code rt} and serves until {@link #drain}. */
    public static HttpServer start(Ringloop rt, InetSocketAddress address, HttpConfig config, ServerLimits limits)
            throws IOException {
        return start(rt, address, config, limits, ServerStyle.TASK);
    }

    /**
     * Binds {@code address} and serves in {@code style} until {@link #drain}: a task per connection, or a
     * {@link HttpFrameHandler} on a {@link FrameServer} (which answers 408 itself: the server's read timeout,
     * which would abort without an answer, is left off).
     */
    public static HttpServer start(Ringloop rt, InetSocketAddress address, HttpConfig config, ServerLimits limits,
                                   ServerStyle style) throws IOException {
        return start(rt, address, config, limits, style, null);
    }

    /**
     * {@link #start(Ringloop, InetSocketAddress, HttpConfig, ServerLimits, ServerStyle)}, serving HTTPS when
     * {@code tls} is not null: in the task style each connection's task does the handshake (within the config's
     * time limit, and the server's idle timeout) before its first request; in the framing style the framing
     * server does it, and the handler sees plaintext.
     */
    public static HttpServer start(Ringloop rt, InetSocketAddress address, HttpConfig config, ServerLimits limits,
                                   ServerStyle style, TlsConfig tls) throws IOException {
        if (style == ServerStyle.TASK) {
            return new HttpServer(rt.serve(address, TcpServer.Spread.REUSE_PORT, limits,
                    s -> HttpConnection.serve(s, config, tls)), null);
        }
        // An /echo answer carries the whole body: the hard limit (4 x high) must hold it on top of what may be
        // queued below the high watermark, so 3 x high >= the largest answer; the queue is then bounded by about
        // the largest body, as the body's own buffer is.
        int high = (int) Math.min(Integer.MAX_VALUE / 4, Math.max(64 * 1024, (config.maxBodyBytes() + 8192) / 3 + 1));
        FrameOptions options = FrameOptions.DEFAULTS.withMaxFrame(HttpFrameHandler.maxFrame(config))
                .withWaterMarks(high / 2, high).withTls(tls);
        Duration requestTimeout = limits.readTimeout();
        return new HttpServer(null, FrameServer.start(rt.loops(), address, limits.withReadTimeout(Duration.ZERO),
                options, () -> new HttpFrameHandler(config, requestTimeout)));
    }

    public InetSocketAddress localAddress() {
        return server != null ? server.localAddress() : framing.localAddress();
    }

    /** Connections open now. */
    public int connections() {
        return server != null ? server.connections() : framing.openConnections();
    }

    /**
     * Graceful shutdown: stops accepting, closes idle connections, lets busy ones answer their request (with
     * {@code Connection: close}), and waits up to {@code timeout}: true when every connection closed in time
     * (the rest are cancelled).
     */
    public boolean drain(Duration timeout) throws IOException, InterruptedException {
        return server != null ? server.drain(timeout) : framing.drain(timeout);
    }
}
