package io.ringloop.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.cli.Styles;
import io.ringloop.net.ServerLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP server over raw sockets, every backend: framing, limits, timeouts, and isolation between clients. */
class HttpServerTest {
    private static final HttpConfig CONFIG = HttpConfig.DEFAULTS.withMaxBodyBytes(1000);
    private static final ServerLimits LIMITS = HttpConfig.LIMITS.withReadTimeout(Duration.ofMillis(300));
    private static final String GET = "GET /plaintext HTTP/1.1|Host: t||";

    interface Body {
        void run(InetSocketAddress server, HttpServer http) throws Exception;
    }

    private static void withServer(Styles.Setup setup, Body body) throws Exception {
        try (Ringloop rt = setup.start()) {
            HttpServer http = HttpServer.start(rt, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    CONFIG, LIMITS, setup.style());
            body.run(http.localAddress(), http);
        }
    }

    /** A healthy exchange on a second connection: the failure of one client does not touch another. */
    private static void assertOtherClientServed(InetSocketAddress server, RawHttp other) throws Exception {
        RawHttp.Response r = other.send(GET).read();
        assertEquals(200, r.status());
        assertEquals("Hello, World!", r.body());
    }

    /** Every backend in both styles: {@link Styles#all}. */
    static Stream<Arguments> styles() {
        return Styles.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldAnswerPipelinedRequestsInOrderOnOneConnection(Styles.Setup setup) throws Exception {
        withServer(setup, (server, http) -> {
            try (RawHttp c = new RawHttp(server)) {
                c.send((GET + "GET /json HTTP/1.1|Host: t||HEAD /plaintext HTTP/1.1|Host: t||").repeat(16));
                for (int i = 0; i < 16; i++) {
                    RawHttp.Response plain = c.read();
                    assertEquals("Hello, World!", plain.body());
                    assertTrue(plain.hasHeader("Content-Type: text/plain"), plain.head());
                    assertTrue(plain.head().contains("\r\nDate: ") && plain.hasHeader("Server: ringloop"));
                    RawHttp.Response json = c.read();
                    assertEquals("{\"message\":\"Hello, World!\"}", json.body());
                    assertTrue(json.hasHeader("Content-Length: 27"), json.head());
                    RawHttp.Response head = c.read(false);
                    assertTrue(head.hasHeader("Content-Length: 13"), "HEAD: the GET's length, no body");
                }
                assertOtherClientServed(server, c); // still open: keep-alive
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldReadContentLengthAndChunkedBodies(Styles.Setup setup) throws Exception {
        withServer(setup, (server, http) -> {
            try (RawHttp c = new RawHttp(server)) {
                c.send("POST /echo HTTP/1.1|Host: t|Content-Length: 5||hello");
                assertEquals("hello", c.read().body());
                c.send("POST /echo HTTP/1.1|Host: t|Transfer-Encoding: chunked||5;ext=1|hello|1|,|6| world|0|"
                        + "Trailer: x||");
                assertEquals("hello, world", c.read().body());
                c.send("POST /plaintext HTTP/1.1|Host: t|Content-Length: 3||abc" + GET);
                assertEquals(405, c.read().status(), "the body is skipped, the next request still parses");
                assertEquals(200, c.read().status());
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldCloseAfterConnectionCloseAndKeepHttp10AliveOnlyWhenAsked(Styles.Setup setup) throws Exception {
        withServer(setup, (server, http) -> {
            try (RawHttp c = new RawHttp(server)) {
                RawHttp.Response r = c.send("GET /plaintext HTTP/1.1|Host: t|Connection: close||").read();
                assertTrue(r.hasHeader("Connection: close"), r.head());
                assertEquals("", c.readToEnd(), "the server closed after the answer");
            }
            try (RawHttp c = new RawHttp(server)) {
                RawHttp.Response r = c.send("GET /plaintext HTTP/1.0|Connection: keep-alive||").read();
                assertTrue(r.hasHeader("Connection: keep-alive"), r.head());
                c.send("GET /plaintext HTTP/1.0||").read();
                assertEquals("", c.readToEnd(), "HTTP/1.0 without keep-alive closes");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldRefuseMalformedAndOversizedRequestsAndServeOthers(Styles.Setup setup) throws Exception {
        String[][] cases = {
            {"GET /plaintext HTTP/1.1|Host: t|Bad Header: x||", "400"},
            {"GARBAGE||", "400"},
            {"POST /echo HTTP/1.1|Host: t|Content-Length: 1001||", "413"},
            {"POST /echo HTTP/1.1|Host: t|Transfer-Encoding: chunked||3e9|", "413"},
            {"POST /echo HTTP/1.1|Host: t|Transfer-Encoding: chunked||zz|", "400"},
            {"GET /plaintext HTTP/1.1|Host: t|X: " + "y".repeat(9000) + "||", "431"},
            {"GET /" + "p".repeat(5000) + " HTTP/1.1|Host: t||", "414"},
            {"BREW /plaintext HTTP/1.1|Host: t||", "501"},
        };
        withServer(setup, (server, http) -> {
            try (RawHttp other = new RawHttp(server)) {
                for (String[] c : cases) {
                    try (RawHttp bad = new RawHttp(server)) {
                        RawHttp.Response r = bad.send(c[0]).read();
                        assertEquals(Integer.parseInt(c[1]), r.status(), c[0]);
                        assertTrue(r.hasHeader("Connection: close"), r.head());
                        assertEquals("", bad.readToEnd());
                    }
                    assertOtherClientServed(server, other);
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldAnswer408ToSlowHeadAndServeOthersMeanwhile(Styles.Setup setup) throws Exception {
        withServer(setup, (server, http) -> {
            try (RawHttp slow = new RawHttp(server); RawHttp other = new RawHttp(server)) {
                slow.send("GET /plaintext HTTP/1.1|Host: t|"); // never finishes its head
                assertOtherClientServed(server, other);
                RawHttp.Response r = slow.read();
                assertEquals(408, r.status());
                assertEquals("", slow.readToEnd());
                assertOtherClientServed(server, other);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldDrainGracefully(Styles.Setup setup) throws Exception {
        withServer(setup, (server, http) -> {
            try (RawHttp idle = new RawHttp(server); RawHttp partial = new RawHttp(server)) {
                assertOtherClientServed(server, idle);
                partial.send("GET /plaintext HTTP/1.1|Host: t|"); // mid-request when the drain starts
                while (http.connections() < 2) {
                    Thread.onSpinWait(); // both accepted
                }
                Thread drainer = Thread.ofPlatform().start(() -> {
                    try {
                        http.drain(Duration.ofSeconds(5));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                assertEquals("", idle.readToEnd(), "an idle connection is closed at once");
                RawHttp.Response r = partial.send("|").read();
                assertEquals(200, r.status(), "a request in progress is answered");
                assertTrue(r.hasHeader("Connection: close"), r.head());
                drainer.join();
                assertEquals(0, http.connections());
            }
        });
    }
}
