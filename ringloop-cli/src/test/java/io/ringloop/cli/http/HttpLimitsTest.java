package io.ringloop.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.cli.Styles;
import io.ringloop.net.ServerLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP server under its {@link ServerLimits}, every backend: a slow-loris client gets 408, a client that
 * never reads is closed by the write timeout, the connection past the limit waits until one closes; the other
 * clients are served throughout.
 */
class HttpLimitsTest {
    private static final String GET = "GET /plaintext HTTP/1.1|Host: t||";
    private static final Duration SHORT = Duration.ofMillis(300);

    interface Body {
        void run(InetSocketAddress server, HttpServer http) throws Exception;
    }

    private static void withServer(Styles.Setup setup, ServerLimits limits, Body body) throws Exception {
        try (Ringloop rt = setup.start()) {
            HttpServer http = HttpServer.start(rt, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    HttpConfig.DEFAULTS.withMaxBodyBytes(1000), limits, setup.style());
            body.run(http.localAddress(), http);
        }
    }

    private static void assertServed(RawHttp client) throws IOException {
        RawHttp.Response r = client.send(GET).read();
        assertEquals(200, r.status());
        assertEquals("Hello, World!", r.body());
    }

    /** Every backend in both styles: {@link Styles#all}. */
    static Stream<Arguments> styles() {
        return Styles.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldAnswer408ToAHeadTrickledOneByteAtATime(Styles.Setup setup) throws Exception {
        withServer(setup, HttpConfig.LIMITS.withReadTimeout(SHORT), (server, http) -> {
            try (RawHttp loris = new RawHttp(server); RawHttp other = new RawHttp(server)) {
                String head = "GET /plaintext HTTP/1.1|Host: t|X-Slow: " + "s".repeat(1000) + "||";
                Thread trickle = Thread.ofPlatform().start(() -> {
                    try {
                        for (char ch : head.toCharArray()) { // each byte well within the idle timeout
                            loris.send(String.valueOf(ch));
                            Thread.sleep(SHORT.toMillis() / 6);
                        }
                    } catch (IOException | InterruptedException e) {
                        // answered and closed: the point
                    }
                });
                assertServed(other);
                RawHttp.Response r = loris.read();
                assertEquals(408, r.status(), "the head did not arrive whole within the request timeout");
                assertTrue(r.hasHeader("Connection: close"), r.head());
                trickle.interrupt();
                trickle.join();
                assertServed(other);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldCloseAClientThatNeverReads(Styles.Setup setup) throws Exception {
        withServer(setup, HttpConfig.LIMITS.withWriteTimeout(SHORT), (server, http) -> {
            try (RawHttp other = new RawHttp(server); Socket sink = new Socket()) {
                assertServed(other);
                sink.setReceiveBufferSize(4096);
                sink.connect(server);
                byte[] request = ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + "e".repeat(1000))
                        .getBytes(StandardCharsets.ISO_8859_1);
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        while (true) { // pipelined echoes, never reading one: the server's writes stall, then fail
                            sink.getOutputStream().write(request);
                        }
                    } catch (IOException e) {
                        // the server closed the connection (reset: it had unread requests)
                    }
                });
                writer.join(20_000);
                assertFalse(writer.isAlive(), "the server closed the connection of the client that never reads");
                assertServed(other);
                while (http.connections() > 1) {
                    Thread.onSpinWait(); // the sink's handler ends right after its close
                }
                assertEquals(1, http.connections(), "only the reading client is left");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldServeTheConnectionPastTheLimitWhenOneCloses(Styles.Setup setup) throws Exception {
        withServer(setup, HttpConfig.LIMITS.withMaxConnections(1), (server, http) -> {
            RawHttp first = new RawHttp(server);
            assertServed(first);
            try (RawHttp waiting = new RawHttp(server)) {
                waiting.send(GET); // in the backlog while first is open
                assertServed(first);
                assertEquals(1, http.connections());
                first.close();
                RawHttp.Response r = waiting.read();
                assertEquals(200, r.status(), "served once the first closed");
            }
        });
    }
}
