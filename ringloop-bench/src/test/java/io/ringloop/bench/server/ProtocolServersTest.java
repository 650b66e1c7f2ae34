package io.ringloop.bench.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.cli.http.HttpConfig;
import io.ringloop.cli.http.HttpServer;
import io.ringloop.cli.kv.KvServer;
import io.ringloop.loop.Backend;
import io.ringloop.net.ServerLimits;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Netty competitors of the protocol scenarios answer as ringloop's servers do ("servers of equal
 * function"): the same HTTP status, headers and body (Server and Date values aside), and byte for byte the same
 * RESP replies to the commands redis-benchmark's GET/SET tests and clients send. Both sides run in this JVM
 * (ringloop on epoll, Netty on NIO: the transport does not change an answer).
 */
final class ProtocolServersTest {
    private static Ringloop rt;
    private static HttpServer ringloopHttp;
    private static KvServer ringloopKv;
    private static NettyHttpServer nettyHttp;
    private static NettyRedisServer nettyRedis;

    @BeforeAll
    static void start() throws Exception {
        rt = Ringloop.builder().backend(Backend.EPOLL).threads(1).name("proto-test").start();
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        ringloopHttp = HttpServer.start(rt, any, HttpConfig.DEFAULTS);
        ringloopKv = KvServer.start(rt, any, KvServer.DEFAULT_MAX_BULK_BYTES, ServerLimits.DEFAULTS);
        nettyHttp = NettyHttpServer.start(0, "nio");
        nettyRedis = NettyRedisServer.start(0, "nio");
    }

    @AfterAll
    static void stop() throws Exception {
        nettyRedis.close();
        nettyHttp.close();
        ringloopKv.drain(Duration.ofSeconds(5));
        ringloopHttp.drain(Duration.ofSeconds(5));
        rt.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET /plaintext HTTP/1.1", "HEAD /plaintext HTTP/1.1", "GET /json HTTP/1.1",
        "GET /plaintext HTTP/1.0"})
    void shouldAnswerHttpAsRingloopDoes(String requestLine) throws IOException {
        String request = requestLine + "\r\nHost: bench\r\nConnection: close\r\n\r\n";
        Response ringloop = Response.parse(exchange(ringloopHttp.localAddress().getPort(), request));
        Response netty = Response.parse(exchange(nettyHttp.port(), request));

        assertEquals(ringloop.statusLine(), netty.statusLine());
        assertEquals(ringloop.headers().keySet(), netty.headers().keySet());
        for (String name : ringloop.headers().keySet()) {
            if (!name.equals("server") && !name.equals("date")) {
                assertEquals(ringloop.headers().get(name), netty.headers().get(name), name);
            }
        }
        assertEquals(ringloop.body(), netty.body());
        assertTrue(netty.headers().get("date").endsWith(" GMT"), netty.headers().toString());
    }

    @Test
    void shouldAnswerAnUnknownPathWith404AsRingloopDoes() throws IOException {
        String request = "GET /nope HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
        assertEquals("HTTP/1.1 404 Not Found",
                Response.parse(exchange(ringloopHttp.localAddress().getPort(), request)).statusLine());
        assertEquals("HTTP/1.1 404 Not Found", Response.parse(exchange(nettyHttp.port(), request)).statusLine());
    }

    @Test
    void shouldAnswerRespCommandsByteForByteAsRingloopDoes() throws IOException {
        String commands = resp("PING") + resp("ECHO", "hi") + resp("SET", "key:__rand_int__", "xxx")
                + resp("GET", "key:__rand_int__") + resp("GET", "nope") + resp("SET", "k", "v1", "NX")
                + resp("SET", "k", "v2", "NX") + resp("SET", "k", "v3", "XX") + resp("SET", "absent", "v", "XX")
                + resp("GET", "k") + resp("EXISTS", "k", "nope", "k") + resp("DEL", "k", "nope") + resp("GET", "k")
                + resp("SET", "t", "v", "EX", "100") + resp("GET", "t") + resp("CONFIG", "GET", "save")
                + resp("CONFIG", "GET", "appendonly") + "PING\r\n" + resp("QUIT");
        String ringloop = exchange(ringloopKv.localAddress().getPort(), commands);
        String netty = exchange(nettyRedis.port(), commands);

        assertEquals(ringloop, netty);
        assertTrue(netty.startsWith("+PONG\r\n$2\r\nhi\r\n+OK\r\n$3\r\nxxx\r\n$-1\r\n"), netty);
        assertTrue(netty.endsWith("+PONG\r\n+OK\r\n"), netty);
    }

    private static String resp(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return b.toString();
    }

    /** Sends {@code request} and reads until the server closes (every exchange here ends with a close). */
    private static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** An HTTP response: its status line, headers by lower-case name, body. */
    private record Response(String statusLine, Map<String, String> headers, String body) {
        static Response parse(String raw) {
            int end = raw.indexOf("\r\n\r\n");
            assertTrue(end > 0, "no end of head in: " + raw);
            String[] lines = raw.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).toLowerCase(java.util.Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            return new Response(lines[0], headers, raw.substring(end + 4));
        }
    }
}
