package io.ringloop.cli.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.cli.Tools;
import io.ringloop.cli.Styles;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP server against clients nobody here wrote: wrk (load, with and without 16-deep pipelining; no
 * non-2xx answer and no socket error allowed), curl (HEAD, chunked upload, Connection: close) and the JDK's
 * HttpClient (keep-alive reuse, bodies of known and unknown length).
 */
class HttpClientsTest {
    interface Body {
        void run(String base) throws Exception;
    }

    private static void withServer(Styles.Setup setup, Body body) throws Exception {
        try (Ringloop rt = setup.start()) {
            HttpServer http = HttpServer.start(rt, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    HttpConfig.DEFAULTS, HttpConfig.LIMITS, setup.style());
            body.run("http://127.0.0.1:" + http.localAddress().getPort());
        }
    }

    /** Runs wrk for a second; asserts it completed requests with no error of any kind. */
    private static void wrk(String url, boolean pipelined) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t1", "-c16", "-d1s"));
        if (pipelined) {
            Path script = Path.of(HttpClientsTest.class.getResource("/wrk/pipeline.lua").toURI());
            cmd.addAll(List.of("-s", script.toString(), url, "--", "16"));
        } else {
            cmd.add(url);
        }
        Tools.Run run = Tools.run(cmd, null, 30);
        assertEquals(0, run.exitCode(), run.output());
        Matcher done = Pattern.compile("(\\d+) requests in").matcher(run.output());
        assertTrue(done.find() && Long.parseLong(done.group(1)) > 0, run.output());
        assertFalse(run.output().contains("Non-2xx or 3xx responses"), run.output());
        assertFalse(run.output().contains("Socket errors"), run.output());
    }

    /** Every backend in both styles: {@link Styles#all}. */
    static Stream<Arguments> styles() {
        return Styles.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldServeWrkWithAndWithoutPipeliningWithoutErrors(Styles.Setup setup) throws Exception {
        Tools.require("wrk", "wrk");
        withServer(setup, base -> {
            wrk(base + "/plaintext", false);
            wrk(base + "/plaintext", true);
            wrk(base + "/json", true);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldServeCurlHeadChunkedAndClose(Styles.Setup setup) throws Exception {
        Tools.require("curl", "curl");
        withServer(setup, base -> {
            Tools.Run head = Tools.run(List.of("curl", "-sS", "-I", base + "/json"), null, 30);
            assertTrue(head.output().startsWith("HTTP/1.1 200 OK"), head.output());
            assertTrue(head.output().contains("Content-Length: 27"), head.output());
            Tools.Run chunked = Tools.run(List.of("curl", "-sS", "-X", "POST", "-H", "Transfer-Encoding: chunked",
                    "--data-binary", "@-", base + "/echo"), "x".repeat(100_000), 30);
            assertEquals("x".repeat(100_000), chunked.output());
            Tools.Run close = Tools.run(List.of("curl", "-sS", "-v", "-H", "Connection: close", base + "/plaintext",
                    base + "/plaintext"), null, 30);
            assertEquals(2, close.output().split("Hello, World!", -1).length - 1, close.output());
            assertTrue(close.output().contains("< Connection: close"), close.output());
            assertTrue(close.output().contains("Connected to 127.0.0.1 (127.0.0.1) port " + base.substring(17)
                    + " (#1)"), "the server closed the first connection, so curl opened a second: " + close.output());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldServeJdkHttpClient(Styles.Setup setup) throws Exception {
        withServer(setup, base -> {
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                for (int i = 0; i < 20; i++) {
                    HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                            URI.create(base + "/plaintext")).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode());
                    assertEquals("Hello, World!", r.body());
                    assertEquals("text/plain", r.headers().firstValue("content-type").orElseThrow());
                }
                byte[] data = "y".repeat(50_000).getBytes();
                HttpResponse<String> known = client.send(java.net.http.HttpRequest.newBuilder(URI.create(base
                        + "/echo")).POST(BodyPublishers.ofByteArray(data)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(new String(data), known.body());
                HttpResponse<String> unknown = client.send(java.net.http.HttpRequest.newBuilder(URI.create(base
                        + "/echo")).POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(new String(data), unknown.body(), "a body of unknown length arrives chunked");
                byte[] largest = new byte[(int) HttpConfig.DEFAULTS.maxBodyBytes()];
                Arrays.fill(largest, (byte) 'z');
                HttpResponse<byte[]> atLimit = client.send(java.net.http.HttpRequest.newBuilder(URI.create(base
                        + "/echo")).POST(BodyPublishers.ofByteArray(largest)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, atLimit.statusCode());
                assertArrayEquals(largest, atLimit.body(), "the largest body, answered whole (queued at once)");
            }
        });
    }
}
