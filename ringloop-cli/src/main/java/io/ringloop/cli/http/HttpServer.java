package io.ringloop.cli.http;

import io.ringloop.Ringloop;
import io.ringloop.net.ServerLimits;
import io.ringloop.net.TcpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The HTTP/1.1 server of {@code ringloop http}: one listener per loop (SO_REUSEPORT), a task per connection
 * ({@link HttpConnection}), under the {@link ServerLimits} it was started with (connections at once, idle,
 * request and write timeouts). Routes: {@code GET|HEAD /plaintext} and {@code /json} as in the TechEmpower
 * rules, and {@code POST|PUT /echo}, which answers the request body (to test body framing).
 */
public final class HttpServer {
    private final TcpServer server;

    private HttpServer(TcpServer server) {
        this.server = server;
    }

    /** Binds {@code address} on every loop of {@code rt} under {@link HttpConfig#LIMITS}. */
    public static HttpServer start(Ringloop rt, InetSocketAddress address, HttpConfig config) throws IOException {
        return start(rt, address, config, HttpConfig.LIMITS);
    }

    /** Binds {@code address} on every loop of {@code rt} and serves until {@link #drain}. */
    public static HttpServer start(Ringloop rt, InetSocketAddress address, HttpConfig config, ServerLimits limits)
            throws IOException {
        return new HttpServer(rt.serve(address, TcpServer.Spread.REUSE_PORT, limits,
                s -> HttpConnection.serve(s, config)));
    }

    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    /** Connections open now. */
    public int connections() {
        return server.connections();
    }

    /**
     * Graceful shutdown: stops accepting, closes idle connections, lets busy ones answer their request (with
     * {@code Connection: close}), and waits up to {@code timeout}: true when every connection closed in time
     * (the rest are cancelled).
     */
    public boolean drain(Duration timeout) throws IOException, InterruptedException {
        return server.drain(timeout);
    }
}
