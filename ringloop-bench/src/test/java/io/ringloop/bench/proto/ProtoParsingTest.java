package io.ringloop.bench.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the protocol scenarios read from wrk and redis-benchmark, and the line a missing tool prints. */
final class ProtoParsingTest {
    private static final String WRK = """
            Running 3s test @ http://127.0.0.1:8080/plaintext
              1 threads and 256 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     3.20ms    1.01ms  21.86ms   88.84%
                Req/Sec    80.12k     4.41k   86.04k    80.00%
              239045 requests in 3.00s, 29.64MB read
            Requests/sec:  79640.78
            Transfer/sec:      9.87MB
            """;

    @Test
    void shouldReadWrksCountAndDuration() throws IOException {
        HttpLoads.WrkReport report = HttpLoads.parse(WRK);
        assertEquals(239045, report.requests());
        assertEquals(3.0, report.seconds(), 1e-9);
    }

    @Test
    void shouldFailALoadWithNon2xxResponsesOrSocketErrors() {
        IOException bad = assertThrows(IOException.class, () -> HttpLoads.parse(WRK.replace("Requests/sec",
                "  Non-2xx or 3xx responses: 17\nRequests/sec")));
        assertTrue(bad.getMessage().startsWith("17 responses were not 2xx/3xx"), bad.getMessage());
        IOException errors = assertThrows(IOException.class, () -> HttpLoads.parse(WRK.replace("Requests/sec",
                "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec")));
        assertTrue(errors.getMessage().contains("read 3"), errors.getMessage());
        assertThrows(IOException.class, () -> HttpLoads.parse("unable to connect to 127.0.0.1:1"));
        IOException none = assertThrows(IOException.class, () -> HttpLoads.parse(WRK.replace("239045 requests",
                "0 requests")));
        assertTrue(none.getMessage().startsWith("wrk got no response (0 requests in"), none.getMessage());
    }

    @Test
    void shouldAcceptSocketErrorsLineWhenAllAreZero() throws IOException {
        String zero = WRK.replace("Requests/sec", "  Socket errors: connect 0, read 0, write 0, timeout 0\n"
                + "Requests/sec");
        assertEquals(239045, HttpLoads.parse(zero).requests());
    }

    @Test
    void shouldReadRedisBenchmarksCsvOfVersion7AndOlder() throws IOException {
        String v7 = """
                "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms"
                "SET","86206.90","0.305","0.096","0.287","0.455","0.591","1.735"
                """;
        assertEquals(86206.90, KvLoads.parseRps(v7, "set"), 1e-6);
        assertEquals(51234.5, KvLoads.parseRps("\"GET\",\"51234.5\"\n", "get"), 1e-6);
        IOException missing = assertThrows(IOException.class, () -> KvLoads.parseRps(v7, "get"));
        assertTrue(missing.getMessage().startsWith("no GET line"), missing.getMessage());
    }

    @Test
    void shouldSkipAScenarioWhoseToolIsMissingWithOneLineNamingTheDebianPackage(@TempDir Path dir)
            throws IOException {
        assertEquals("http: skipped: wrk not found on PATH (install the Debian package wrk: apt-get install wrk)",
                ProtoBench.skipReason("http", dir.toString()));
        assertEquals("https: skipped: wrk not found on PATH (install the Debian package wrk: apt-get install wrk)",
                ProtoBench.skipReason("https", dir.toString()));
        assertEquals("kv: skipped: redis-benchmark not found on PATH (install the Debian package redis-tools: "
                + "apt-get install redis-tools)", ProtoBench.skipReason("kv", dir.toString()));
        assertNull(ProtoBench.skipReason("tls", dir.toString()), "tls needs only the JDK");
        for (String tool : new String[] {"wrk", "redis-benchmark"}) {
            Files.createFile(dir.resolve(tool), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        assertNull(ProtoBench.skipReason("http", dir.toString()));
        assertNull(ProtoBench.skipReason("https", dir.toString()));
        assertNull(ProtoBench.skipReason("kv", dir.toString()));
    }
}
