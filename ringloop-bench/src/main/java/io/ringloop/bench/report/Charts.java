package io.ringloop.bench.report;

import io.ringloop.bench.run.ZeroCopySweep;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * The report's charts, drawn with JFreeChart and saved as PNG and as SVG (through JFreeSVG), per
 * scenario: messages/s (closed loop only: in the fixed-rate scenario every server gets the same load),
 * server CPU time per message, and the latency percentile curve; for the zero-copy sweep, MB/s and server CPU
 * per KiB by payload size, copying sends beside SEND_ZC.
 */
public final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;
    private static final Color RINGLOOP = new Color(0x1f77b4);
    private static final Color NETTY = new Color(0xff7f0e);
    private static final Color JDK = new Color(0x7f7f7f);
    private static final Color ZERO_COPY = new Color(0x2ca02c);
    /** Distinct, print-safe line colours (Tableau 10 without its light yellow). */
    private static final Color[] LINES = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0x17becf), new Color(0x000000)};

    /** One saved chart: its caption and the file names (relative to the report) of both copies. */
    public record Chart(String scenario, String caption, String png, String svg) {
    }

    private Charts() {
    }

    public static List<Chart> write(Path dir, List<Row> rows) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Chart> charts = new ArrayList<>();
        Set<String> scenarios = new LinkedHashSet<>();
        rows.forEach(r -> scenarios.add(r.scenario()));
        for (String scenario : scenarios) {
            List<Row> ok = rows.stream().filter(r -> r.scenario().equals(scenario) && r.point().ok()).toList();
            // The sweep's sizes share two charts below instead of three each.
            if (ok.isEmpty() || ZeroCopySweep.isSweep(ok.getFirst().point().scenario())) {
                continue;
            }
            if (!ok.getFirst().point().scenario().openLoop()) {
                charts.add(save(dir, scenario, "throughput", bars(ok, "messages/s (median)", Row::msgsPerSec,
                        "Throughput, " + scenario + ": messages/s, higher is better")));
            }
            charts.add(save(dir, scenario, "cpu", bars(ok, "server CPU µs per message", Row::serverUsPerMsg,
                    "Server CPU per message, " + scenario + ": lower is better")));
            charts.add(save(dir, scenario, "latency", latency(ok,
                    "Round-trip latency percentiles, " + scenario + " (log scale): lower is better")));
        }
        ZeroCopySummary sweep = ZeroCopySummary.of(rows);
        if (sweep != null) {
            charts.add(save(dir, ZeroCopySweep.NAME, "throughput", sweepBars(sweep, "MB/s (median)",
                    Row::mbPerSec, "Zero-copy sweep: MB/s by payload, higher is better")));
            charts.add(save(dir, ZeroCopySweep.NAME, "cpu", sweepBars(sweep, "server CPU ns per KiB",
                    ZeroCopySummary::cpuNsPerKib,
                    "Zero-copy sweep: server CPU per KiB echoed, lower is better")));
        }
        return charts;
    }

    /** Grouped bars, one group per payload size: copying sends in ringloop's colour, SEND_ZC beside them. */
    private static JFreeChart sweepBars(ZeroCopySummary sweep, String axis, ToDoubleFunction<Row> value,
                                        String title) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (ZeroCopySummary.Size s : sweep.sizes()) {
            String size = ZeroCopySummary.size(s.payloadBytes());
            data.addValue(okValue(s.copy(), value), "copying sends", size);
            data.addValue(okValue(s.zeroCopy(), value), "SEND_ZC", size);
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "payload", axis, data, PlotOrientation.VERTICAL,
                true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, RINGLOOP);
        renderer.setSeriesPaint(1, ZERO_COPY);
        style(plot);
        return chart;
    }

    private static Number okValue(Row row, ToDoubleFunction<Row> value) {
        double v = row == null || !row.point().ok() ? Double.NaN : value.applyAsDouble(row);
        return Double.isNaN(v) ? null : v;
    }

    private static JFreeChart bars(List<Row> rows, String axis, ToDoubleFunction<Row> value, String title) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Row r : rows) {
            double v = value.applyAsDouble(r);
            data.addValue(Double.isNaN(v) ? null : v, axis, r.server());
        }
        JFreeChart chart = ChartFactory.createBarChart(title, null, axis, data, PlotOrientation.VERTICAL,
                false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = new BarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                return familyColor(rows.get(column));
            }
        };
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setMaximumBarWidth(0.12);
        plot.setRenderer(renderer);
        style(plot);
        return chart;
    }

    private static JFreeChart latency(List<Row> rows, String title) {
        String[] labels = {"p50", "p90", "p99", "p99.9", "p99.99"};
        String[] keys = {"p50Ns", "p90Ns", "p99Ns", "p999Ns", "p9999Ns"};
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Row r : rows) {
            for (int i = 0; i < keys.length; i++) {
                double ns = r.point().median(keys[i]);
                data.addValue(Double.isNaN(ns) ? null : Math.max(0.1, ns / 1e3), r.server(), labels[i]);
            }
        }
        JFreeChart chart = ChartFactory.createLineChart(title, "percentile", "latency µs", data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        LogAxis axis = new LogAxis("latency µs (log)");
        axis.setSmallestValue(0.1);
        axis.setTickUnit(new NumberTickUnit(1.0));
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        plot.setRangeAxis(axis);
        LineAndShapeRenderer renderer = (LineAndShapeRenderer) plot.getRenderer();
        renderer.setDefaultShapesVisible(true);
        for (int i = 0; i < rows.size(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesPaint(i, LINES[i % LINES.length]);
        }
        style(plot);
        return chart;
    }

    private static void style(CategoryPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.getDomainAxis().setCategoryLabelPositions(
                CategoryLabelPositions.createUpRotationLabelPositions(Math.PI / 6));
    }

    private static Color familyColor(Row row) {
        return switch (row.point().server().family()) {
            case "ringloop" -> RINGLOOP;
            case "netty" -> NETTY;
            default -> JDK;
        };
    }

    private static Chart save(Path dir, String scenario, String kind, JFreeChart chart) throws IOException {
        String base = kind + "-" + scenario;
        ChartUtils.saveChartAsPNG(dir.resolve(base + ".png").toFile(), chart, WIDTH, HEIGHT);
        SVGGraphics2D svg = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(svg, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        Files.writeString(dir.resolve(base + ".svg"), svg.getSVGDocument());
        return new Chart(scenario, chart.getTitle().getText(), base + ".png", base + ".svg");
    }
}
