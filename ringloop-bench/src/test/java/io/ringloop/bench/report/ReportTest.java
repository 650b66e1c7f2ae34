package io.ringloop.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.bench.run.PointResult;
import io.ringloop.bench.run.Scenario;
import io.ringloop.bench.run.ServerCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Summary rows, ratios to Netty, JSON escaping and the files a report consists of. */
final class ReportTest {

    @Test
    void shouldEscapeJsonStrings() {
        assertEquals("{\n  \"a\\\"b\": \"x\\ny\\\\\",\n  \"n\": [\n    1,\n    null\n  ]\n}\n",
                Json.write(Map.of("a\"b", "x\ny\\", "n", List.of(1, Double.NaN)).entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll)));
    }

    @Test
    void shouldCompareEachServerWithTheBestNettyTransport() {
        List<Row> rows = Row.of(points());
        Row ringloop = rows.stream().filter(r -> r.server().equals("jdk-nio")).findFirst().orElseThrow();
        assertEquals(1.5, ringloop.vsNettyMsgs(), 1e-9);
        assertEquals(0.5, ringloop.vsNettyCpu(), 1e-9);
        assertTrue(rows.getFirst().flags().contains("GEN-SATURATED"));
        String table = TerminalTable.render(rows);
        assertTrue(table.contains("1.50x"), table);
    }

    @Test
    void shouldWriteChartsAsPngAndSvg(@TempDir Path dir) throws Exception {
        List<Row> rows = Row.of(points());
        List<Charts.Chart> charts = Charts.write(dir, rows);
        assertEquals(3, charts.size());
        for (Charts.Chart chart : charts) {
            assertTrue(Files.size(dir.resolve(chart.png())) > 1000);
            assertTrue(Files.readString(dir.resolve(chart.svg())).contains("<svg"));
        }
        HtmlReport.write(dir.resolve("report.html"), "t", Map.of("cpu", "x"), Map.of("mode", "quick"), rows,
                charts);
        assertTrue(Files.readString(dir.resolve("report.html")).contains(charts.getFirst().png()));
    }

    private static List<PointResult> points() {
        Scenario rate = Scenario.all(1000).get(1);
        return List.of(
                point("netty-epoll", rate, 100_000, 2.0, 95),
                point("netty-nio", rate, 80_000, 3.0, 50),
                point("jdk-nio", rate, 150_000, 1.0, 50));
    }

    private static PointResult point(String id, Scenario scenario, double msgs, double usPerMsg, double genPct) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("msgsPerSec", msgs);
        run.put("serverCpuUsPerMsg", usPerMsg);
        run.put("genCpuPct", genPct);
        run.put("genBusiestThreadPct", genPct);
        for (String p : List.of("p50Ns", "p90Ns", "p99Ns", "p999Ns", "p9999Ns")) {
            run.put(p, 10_000L);
        }
        return new PointResult(ServerCatalog.byId(id).orElseThrow(), scenario, "ok", "", "", List.of(run));
    }
}
