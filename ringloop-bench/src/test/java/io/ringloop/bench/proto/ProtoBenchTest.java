package io.ringloop.bench.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.bench.BenchMainTestAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./ringloop bench --scenarios http,kv,tls} once, as short as it gets, and {@code https}, against one Netty
 * server per scenario (the ringloop commands are the CLI's, tested there): wrk (plain and over TLS),
 * redis-benchmark and the TLS client each drive a server JVM, and protocols.json holds a measured figure for every load. Asserts what was produced,
 * not how fast.
 */
final class ProtoBenchTest {

    @Test
    void shouldRunEveryProtocolLoadEndToEndAndWriteItsFigures(@TempDir Path out) throws Exception {
        assumeTrue(ProtoBench.skipReason("http", System.getenv("PATH")) == null, "wrk is not installed");
        assumeTrue(ProtoBench.skipReason("kv", System.getenv("PATH")) == null, "redis-benchmark is not installed");

        int status = BenchMainTestAccess.execute("--scenarios", "http,kv,tls", "--servers", "netty-epoll",
                "--warmup", "0", "--duration", "1", "--out", out.toString());

        String json;
        try (Stream<Path> runs = Files.list(out)) {
            List<Path> all = runs.toList();
            assertEquals(1, all.size());
            json = Files.readString(all.getFirst().resolve("protocols.json"));
        }
        assertEquals(0, status, json);
        // http: plain and pipelined; kv: SET and GET at -P 1 and -P 16; tls: window 1 and 16.
        assertEquals(8, count(json, "\"status\": \"ok\""), json);
        assertEquals(8, count(json, "\"serverCpuUsPerRequest\": "), json);
        assertTrue(json.contains("wrk -t") && json.contains("-- 16"), json);
        assertTrue(json.contains("redis-benchmark -h 127.0.0.1") && json.contains("-P 16"), json);
        Matcher requests = Pattern.compile("\"requests\": (\\d+)").matcher(json);
        while (requests.find()) {
            assertTrue(Long.parseLong(requests.group(1)) > 0, json);
        }
    }

    /**
     * https on its own, with a warm-up: each wrk run opens 256 TLS connections, and a cold server JVM on one
     * core may still be handshaking when a one-second run without warm-up ends.
     */
    @Test
    void shouldRunHttpsLoadsOverTlsAndWriteTheirFigures(@TempDir Path out) throws Exception {
        assumeTrue(ProtoBench.skipReason("https", System.getenv("PATH")) == null, "wrk is not installed");

        int status = BenchMainTestAccess.execute("--scenarios", "https", "--servers", "netty-epoll",
                "--warmup", "2", "--duration", "2", "--out", out.toString());

        String json;
        try (Stream<Path> runs = Files.list(out)) {
            json = Files.readString(runs.toList().getFirst().resolve("protocols.json"));
        }
        assertEquals(0, status, json);
        assertEquals(2, count(json, "\"serverCpuUsPerRequest\": "), json); // plain and pipelined
        assertTrue(json.contains("wrk -t") && json.contains(" https://127.0.0.1:"), json);
    }

    @Test
    void shouldRefuseToMixProtocolAndEchoScenarios(@TempDir Path out) {
        assertEquals(2, BenchMainTestAccess.execute("--scenarios", "http,latency", "--out", out.toString()));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
