package io.ringloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole pipeline once, as small as it gets: one server JVM, one generator JVM, one short window, then
 * results.json, report.html and the charts. Asserts what was produced, not how fast.
 */
final class BenchMainTest {

    @Test
    void shouldRunOnePointEndToEndAndWriteTheReport(@TempDir Path out) throws Exception {
        int status = new CommandLine(new BenchMain()).execute("--servers", "jdk-nio", "--scenarios", "latency",
                "--warmup", "0.2", "--duration", "0.5", "--out", out.toString());
        assertEquals(0, status);
        Path dir;
        try (Stream<Path> runs = Files.list(out)) {
            List<Path> all = runs.toList();
            assertEquals(1, all.size());
            dir = all.getFirst();
        }
        String json = Files.readString(dir.resolve("results.json"));
        assertTrue(json.contains("\"status\": \"ok\""), json);
        assertTrue(json.contains("\"errors\": 0"), json);
        assertTrue(json.contains("\"serverCpuUsPerMsg\""), json);
        assertTrue(Files.readString(dir.resolve("report.html")).contains("latency-latency.png"));
        assertTrue(Files.size(dir.resolve("throughput-latency.svg")) > 0);
    }

    @Test
    void shouldRejectUnknownServers(@TempDir Path out) {
        int status = new CommandLine(new BenchMain()).execute("--servers", "nope", "--out", out.toString());
        assertEquals(2, status);
    }
}
