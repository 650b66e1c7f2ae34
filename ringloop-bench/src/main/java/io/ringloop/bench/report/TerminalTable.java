package io.ringloop.bench.report;

import io.ringloop.bench.run.PointResult;
import java.util.List;
import java.util.Locale;

/** The summary table printed when a run ends. */
public final class TerminalTable {
    private static final String[] HEADERS = {"server", "scenario", "msgs/s", "min-max", "MB/s", "p50 us",
        "p99 us", "p99.9 us", "srv CPU%", "srv us/msg", "gen CPU%", "x Netty msgs", "x Netty CPU", "flags"};

    private TerminalTable() {
    }

    public static String render(List<Row> rows) {
        String[][] cells = new String[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            cells[i] = new String[] {r.server(), r.scenario(), count(r.msgsPerSec()),
                r.point().runs().size() > 1 ? count(r.msgsMin()) + "-" + count(r.msgsMax()) : "",
                num(r.mbPerSec(), 1), num(r.p50Us(), 1), num(r.p99Us(), 1), num(r.p999Us(), 1),
                num(r.serverCpuPct(), 0), num(r.serverUsPerMsg(), 2), num(r.genCpuPct(), 0),
                ratio(r.vsNettyMsgs()), ratio(r.vsNettyCpu()), r.flags()};
        }
        StringBuilder out = new StringBuilder();
        grid(out, HEADERS, cells, 2);
        for (Row r : rows) {
            PointResult p = r.point();
            if (!p.ok()) {
                out.append(String.format(Locale.ROOT, "%n%s %s %s: %s", p.server().id(), p.scenario().name(),
                        p.status(), p.reason()));
            }
        }
        out.append('\n');
        return out.toString();
    }

    public static String legend() {
        return """
                msgs/s: echoed messages per second, median of the windows (min-max when repeated); MB/s: payload \
                one way.
                p50/p99/p99.9: round-trip latency in microseconds (open loop: from the scheduled send time).
                srv CPU%: server process user+system time over the window, % of one core; srv us/msg: that time \
                per message.
                gen CPU%: load generator CPU as % of its cores. x Netty: ratio to the best Netty transport in the \
                same scenario (msgs: higher is better; CPU per message: lower is better).
                GEN-SATURATED: the generator may have set the pace (a thread > 90% busy; open loop: > 1% of \
                sends late), so msgs/s understates the server; compare CPU per message instead.
                """;
    }

    /**
     * A table with a rule under the headers, columns as wide as their widest cell: the first {@code leftColumns}
     * and the last (free text) left-aligned, the figures between them right-aligned.
     */
    static void grid(StringBuilder out, String[] headers, String[][] cells, int leftColumns) {
        int[] widths = new int[headers.length];
        for (int c = 0; c < headers.length; c++) {
            widths[c] = headers[c].length();
            for (String[] row : cells) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        line(out, headers, widths, leftColumns);
        StringBuilder rule = new StringBuilder();
        for (int w : widths) {
            rule.append("-".repeat(w)).append("  ");
        }
        out.append(rule.toString().stripTrailing()).append('\n');
        for (String[] row : cells) {
            line(out, row, widths, leftColumns);
        }
    }

    private static void line(StringBuilder out, String[] cells, int[] widths, int leftColumns) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            boolean left = c < leftColumns || c == cells.length - 1;
            String cell = cells[c];
            String pad = " ".repeat(widths[c] - cell.length());
            l.append(left ? cell + pad : pad + cell).append("  ");
        }
        out.append(l.toString().stripTrailing()).append('\n');
    }

    static String count(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String num(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
    }
}
