package io.ringloop.bench.report;

import io.ringloop.bench.run.PointResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** report.html: a static page (no scripts, nothing fetched) with the table and the charts beside it. */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static void write(Path file, String title, Map<String, Object> machine, Map<String, Object> config,
                             List<Row> rows, List<Charts.Chart> charts) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title)).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse;font-size:13px}")
                .append("td,th{border:1px solid #ccc;padding:3px 7px}td.n{text-align:right}")
                .append("th{background:#f3f3f3}.flag{color:#b00}.dim{color:#777}img{max-width:100%}")
                .append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
        h.append("<h2>Machine</h2>\n").append(keyValues(machine));
        h.append("<h2>Run</h2>\n").append(keyValues(config));
        h.append("<h2>Results</h2>\n<table><tr>");
        for (String head : List.of("server", "scenario", "msgs/s", "min–max", "MB/s", "p50 µs", "p99 µs",
                "p99.9 µs", "server CPU %", "server µs/msg", "gen CPU %", "× Netty msgs/s", "× Netty CPU/msg",
                "flags")) {
            h.append("<th>").append(esc(head)).append("</th>");
        }
        h.append("</tr>\n");
        for (Row r : rows) {
            h.append("<tr><td>").append(esc(r.server())).append("</td><td>").append(esc(r.scenario()))
                    .append("</td>");
            cell(h, TerminalTable.count(r.msgsPerSec()));
            cell(h, r.point().runs().size() > 1
                    ? TerminalTable.count(r.msgsMin()) + "–" + TerminalTable.count(r.msgsMax()) : "");
            cell(h, TerminalTable.num(r.mbPerSec(), 1));
            cell(h, TerminalTable.num(r.p50Us(), 1));
            cell(h, TerminalTable.num(r.p99Us(), 1));
            cell(h, TerminalTable.num(r.p999Us(), 1));
            cell(h, TerminalTable.num(r.serverCpuPct(), 0));
            cell(h, TerminalTable.num(r.serverUsPerMsg(), 2));
            cell(h, TerminalTable.num(r.genCpuPct(), 0));
            cell(h, TerminalTable.ratio(r.vsNettyMsgs()));
            cell(h, TerminalTable.ratio(r.vsNettyCpu()));
            h.append("<td class=\"flag\">").append(esc(r.flags())).append("</td></tr>\n");
        }
        h.append("</table>\n<pre class=\"dim\">").append(esc(TerminalTable.legend())).append("</pre>\n");
        zeroCopy(h, ZeroCopySummary.of(rows));
        notes(h, rows);
        servers(h, rows);
        h.append("<h2>Charts</h2>\n<p class=\"dim\">Blue: ringloop, orange: Netty, grey: JDK. ")
                .append("Each chart is also saved as SVG (link below it).</p>\n");
        for (Charts.Chart c : charts) {
            h.append("<figure><img src=\"").append(esc(c.png())).append("\" alt=\"").append(esc(c.caption()))
                    .append("\"><figcaption>").append(esc(c.caption())).append(" — <a href=\"")
                    .append(esc(c.svg())).append("\">SVG</a></figcaption></figure>\n");
        }
        h.append("<p><a href=\"results.json\">results.json</a>: every window of every point.</p>\n");
        h.append("</body></html>\n");
        Files.writeString(file, h);
    }

    private static void zeroCopy(StringBuilder h, ZeroCopySummary sweep) {
        if (sweep == null) {
            return;
        }
        h.append("<h2>Zero-copy sweep</h2>\n<p>ringloop io_uring callback echo, copying sends vs SEND_ZC for ")
                .append("writes at least as large as the payload, same load.</p>\n<table><tr>");
        for (String head : ZeroCopySummary.HEADERS) {
            h.append("<th>").append(esc(head)).append("</th>");
        }
        h.append("</tr>\n");
        for (String[] row : sweep.cells()) {
            h.append("<tr><td>").append(esc(row[0])).append("</td>");
            for (int c = 1; c < row.length - 1; c++) {
                cell(h, row[c]);
            }
            h.append("<td>").append(esc(row[row.length - 1])).append("</td></tr>\n");
        }
        h.append("</table>\n<p><b>Verdict:</b> ").append(esc(sweep.verdict())).append("</p>\n<pre class=\"dim\">")
                .append(esc(ZeroCopySummary.legend())).append("</pre>\n");
    }

    private static void notes(StringBuilder h, List<Row> rows) {
        StringBuilder notes = new StringBuilder();
        for (Row r : rows) {
            PointResult p = r.point();
            if (!p.ok()) {
                notes.append("<li>").append(esc(p.server().id() + " " + p.scenario().name() + " " + p.status()
                        + ": " + p.reason())).append("</li>\n");
            }
        }
        if (!notes.isEmpty()) {
            h.append("<h3>Points not measured</h3>\n<ul>").append(notes).append("</ul>\n");
        }
    }

    private static void servers(StringBuilder h, List<Row> rows) {
        h.append("<h3>Servers</h3>\n<table><tr><th>server</th><th>what</th><th>arguments</th><th>JVM flags</th>")
                .append("<th>first output</th></tr>\n");
        Set<String> seen = new HashSet<>();
        for (Row r : rows) {
            var s = r.point().server();
            // The sweep runs one id with different arguments per size: list each variant once.
            if (seen.add(s.id() + " " + s.args())) {
                h.append("<tr><td>").append(esc(s.id())).append("</td><td>").append(esc(s.description()))
                        .append("</td><td>").append(esc(String.join(" ", s.args()))).append("</td><td>")
                        .append(esc(String.join(" ", s.jvmFlags()))).append("</td><td class=\"dim\">")
                        .append(esc(r.point().banner())).append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
    }

    private static String keyValues(Map<String, Object> map) {
        StringBuilder t = new StringBuilder("<table>\n");
        for (Map.Entry<String, Object> e : map.entrySet()) {
            t.append("<tr><th>").append(esc(e.getKey())).append("</th><td>")
                    .append(esc(String.valueOf(e.getValue()))).append("</td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static void cell(StringBuilder h, String text) {
        h.append("<td class=\"n\">").append(esc(text)).append("</td>");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
