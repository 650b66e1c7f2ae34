package io.ringloop.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.bench.run.PointPlan;
import io.ringloop.bench.run.PointResult;
import io.ringloop.bench.run.ZeroCopySweep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zero-copy sweep's verdict from measured rows, and its table, JSON and charts. */
final class ZeroCopySummaryTest {
    private static final List<Integer> SIZES_KIB = List.of(4, 16, 64, 256);

    /** One measured variant: msgs/s, server µs per message, zero-copy sends per message (CQEs beyond SQEs). */
    private record Measured(double msgsPerSec, double usPerMsg, double extraCqesPerMsg) {
    }

    @Test
    void shouldPickTheSmallestSizeFromWhichZeroCopyKeepsPaying() {
        // 16 KiB pays but 64 KiB does not, so a threshold of 16 KiB would lose at 64: only 256 KiB qualifies.
        ZeroCopySummary s = summary(
                copyVsZc(100_000, 2.0, 90_000, 2.5),
                copyVsZc(50_000, 4.0, 51_000, 3.9),
                copyVsZc(20_000, 9.0, 19_000, 9.5),
                copyVsZc(6_000, 30.0, 6_500, 25.0));
        assertEquals(256 * 1024, s.thresholdBytes());
        assertTrue(s.verdict().contains("256 KiB"), s.verdict());
        assertTrue(s.verdict().contains("--zero-copy-kib 256"), s.verdict());
        assertEquals(List.of(false, true, false, true), s.sizes().stream().map(ZeroCopySummary.Size::pays).toList());
    }

    @Test
    void shouldTakeTheLowestSizeWhenEveryLargerOnePaysToo() {
        ZeroCopySummary s = summary(
                copyVsZc(100_000, 2.0, 90_000, 2.5),
                copyVsZc(50_000, 4.0, 50_000, 4.0), // a tie on both counts still pays: "at least as fast"
                copyVsZc(20_000, 9.0, 25_000, 8.0),
                copyVsZc(6_000, 30.0, 6_500, 25.0));
        assertEquals(16 * 1024, s.thresholdBytes());
        assertEquals("pays", s.sizes().get(1).outcome());
    }

    @Test
    void shouldNeedBothSpeedAndNoMoreCpuPerByte() {
        ZeroCopySummary s = summary(
                copyVsZc(100_000, 2.0, 110_000, 2.1),
                copyVsZc(50_000, 4.0, 49_000, 3.0),
                copyVsZc(20_000, 9.0, 19_000, 9.5),
                copyVsZc(6_000, 30.0, 7_000, 31.0));
        assertEquals(-1, s.thresholdBytes());
        assertEquals("none (zero-copy never paid here)", s.verdict());
        assertEquals("more CPU per byte", s.sizes().get(0).outcome());
        assertEquals("slower", s.sizes().get(1).outcome());
        assertEquals("slower, more CPU per byte", s.sizes().get(2).outcome());
    }

    @Test
    void shouldNotRecommendASizeThatALargerLossFollows() {
        ZeroCopySummary s = summary(
                copyVsZc(100_000, 2.0, 90_000, 2.5),
                copyVsZc(50_000, 4.0, 60_000, 3.0),
                copyVsZc(20_000, 9.0, 19_000, 9.5),
                copyVsZc(6_000, 30.0, 5_000, 35.0));
        assertEquals(-1, s.thresholdBytes());
        assertTrue(s.verdict().startsWith("none (zero-copy paid at 16 KiB"), s.verdict());
    }

    @Test
    void shouldNotCountASizeWhereTheKernelSawNoZeroCopySend() {
        List<PointResult> points = points(
                copyVsZc(100_000, 2.0, 90_000, 2.5),
                copyVsZc(50_000, 4.0, 60_000, 3.0),
                copyVsZc(20_000, 9.0, 25_000, 8.0),
                new Measured[] {new Measured(6_000, 30.0, 0), new Measured(7_000, 25.0, 0)});
        ZeroCopySummary s = ZeroCopySummary.of(Row.of(points));
        assertFalse(s.sizes().get(3).pays());
        assertTrue(s.sizes().get(3).outcome().startsWith("NO-ZC"), s.sizes().get(3).outcome());
        assertEquals(-1, s.thresholdBytes());
    }

    @Test
    void shouldNotCountAPointThatFailed() {
        List<PointResult> points = new ArrayList<>(points(
                copyVsZc(100_000, 2.0, 90_000, 2.5),
                copyVsZc(50_000, 4.0, 60_000, 3.0),
                copyVsZc(20_000, 9.0, 25_000, 8.0),
                copyVsZc(6_000, 30.0, 7_000, 25.0)));
        PointResult zc256 = points.getLast();
        points.set(points.size() - 1, PointResult.notRun(zc256.server(), zc256.scenario(), "failed", "died"));
        ZeroCopySummary s = ZeroCopySummary.of(Row.of(points));
        assertEquals("not measured", s.sizes().get(3).outcome());
        assertEquals(-1, s.thresholdBytes());
        assertTrue(s.verdict().contains("16 KiB, 64 KiB"), s.verdict());
    }

    @Test
    void shouldIgnoreRowsOfOtherScenarios() {
        assertNull(ZeroCopySummary.of(List.of()));
    }

    @Test
    void shouldReportTheSweepInEveryOutput(@TempDir Path dir) throws Exception {
        List<Row> rows = Row.of(points(
                copyVsZc(100_000, 2.0, 90_000, 2.5),
                copyVsZc(50_000, 4.0, 51_000, 3.9),
                copyVsZc(20_000, 9.0, 25_000, 8.0),
                copyVsZc(6_000, 30.0, 6_500, 25.0)));
        ZeroCopySummary s = ZeroCopySummary.of(rows);
        String table = s.renderTerminal();
        assertTrue(table.contains("verdict: zero-copy pays from 16 KiB up"), table);
        assertTrue(table.contains("0.90x"), table); // 4 KiB: zc/copy msgs
        Map<?, ?> size0 = (Map<?, ?>) ((List<?>) s.json().get("sizes")).getFirst();
        assertEquals(4096, size0.get("payloadBytes"));
        assertEquals(16 * 1024, s.json().get("thresholdBytes"));
        assertTrue(Json.write(s.json()).contains("\"outcome\": \"slower, more CPU per byte\""));

        List<Charts.Chart> charts = Charts.write(dir, rows);
        assertEquals(List.of("throughput-zerocopy.png", "cpu-zerocopy.png"),
                charts.stream().map(Charts.Chart::png).toList());
        assertTrue(Files.readString(dir.resolve(charts.getLast().svg())).contains("<svg"));
        HtmlReport.write(dir.resolve("report.html"), "t", Map.of(), Map.of(), rows, charts);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<b>Verdict:</b> zero-copy pays from 16 KiB up"), html);
    }

    private static ZeroCopySummary summary(Measured[]... bySize) {
        return ZeroCopySummary.of(Row.of(points(bySize)));
    }

    private static Measured[] copyVsZc(double copyMsgs, double copyUs, double zcMsgs, double zcUs) {
        return new Measured[] {new Measured(copyMsgs, copyUs, 0), new Measured(zcMsgs, zcUs, 1.0)};
    }

    /** The sweep's own plan (copy then zero-copy per size), each point given one measured window. */
    private static List<PointResult> points(Measured[]... bySize) {
        List<PointPlan> plan = ZeroCopySweep.plan(SIZES_KIB);
        List<PointResult> points = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            PointPlan p = plan.get(i);
            Measured m = bySize[i / 2][i % 2];
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("msgsPerSec", m.msgsPerSec());
            run.put("mbPerSec", m.msgsPerSec() * p.scenario().payloadBytes() / 1e6);
            run.put("serverCpuUsPerMsg", m.usPerMsg());
            run.put("ringExtraCqesPerMsg", m.extraCqesPerMsg());
            points.add(new PointResult(p.server(), p.scenario(), "ok", "", "", List.of(run)));
        }
        return points;
    }
}
