package io.ringloop.cli.http;

import io.ringloop.Ringloop;
import io.ringloop.cli.server.ConnectionTracker;
import io.ringloop.net.TcpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The HTTP/1.1 server of {@code ringloop http}: one listener per loop (SO_REUSEPORT), a task per connection
 * ({@link HttpConnection}). Routes: {@code GET|HEAD /plaintext} and {@code /json} as in the TechEmpower rules,
 * and {@code POST|PUT /echo}, which answers the request body (to test body framing).
 */
public final class HttpServer {
    private final TcpServer server;
    private final ConnectionTracker tracker;

    private HttpServer(TcpServer server, ConnectionTracker tracker) {
        this.server = server;
        this.tracker = tracker;
    }

    /** Binds {@code address} on every loop of {@code rt} and serves until {@link #drain}. */
    public static HttpServer start(Ringloop rt, InetSocketAddress address, HttpConfig config) throws IOException {
        ConnectionTracker tracker = new ConnectionTracker();
        TcpServer server = rt.serve(address, TcpServer.Spread.REUSE_PORT,
                s -> HttpConnection.serve(s, config, tracker));
        return new HttpServer(server, tracker);
    }

    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    /** Connections open now. */
    public int connections() {
        return tracker.size();
    }

    /**
     * Graceful shutdown: stops accepting, closes idle connections, lets busy ones answer their request (with
     * {@code Connection: close}), and waits up to {@code timeout}: true when every connection closed in time.
     */
    public boolean drain(Duration timeout) throws IOException, InterruptedException {
        server.close();
        return tracker.drain(timeout);
    }
}
