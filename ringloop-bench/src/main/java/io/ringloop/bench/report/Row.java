package io.ringloop.bench.report;

import io.ringloop.bench.run.PointResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line of the summary (terminal table, HTML table, charts): medians over the windows of a point, and
 * its ratios to the best Netty transport in the same scenario.
 *
 * @param vsNettyMsgs  median msgs/s divided by the best Netty transport's (higher is better)
 * @param vsNettyCpu   median server CPU per message divided by the best (lowest) Netty transport's
 *                     (lower is better)
 */
public record Row(PointResult point, double msgsPerSec, double msgsMin, double msgsMax, double mbPerSec,
                  double p50Us, double p99Us, double p999Us, double serverCpuPct, double serverUsPerMsg,
                  double genCpuPct, double vsNettyMsgs, double vsNettyCpu, String flags) {

    public String server() {
        return point.server().id();
    }

    public String scenario() {
        return point.scenario().name();
    }

    public static List<Row> of(List<PointResult> points) {
        List<Row> rows = new ArrayList<>();
        for (PointResult p : points) {
            double bestMsgs = Double.NaN;
            double bestCpu = Double.NaN;
            for (PointResult q : points) {
                if (q.ok() && q.server().isNetty() && q.scenario().name().equals(p.scenario().name())) {
                    double msgs = q.median("msgsPerSec");
                    double cpu = q.median("serverCpuUsPerMsg");
                    bestMsgs = Double.isNaN(bestMsgs) ? msgs : Math.max(bestMsgs, msgs);
                    bestCpu = Double.isNaN(bestCpu) ? cpu : Math.min(bestCpu, cpu);
                }
            }
            List<String> flags = new ArrayList<>();
            if (p.ok() && p.generatorSaturated()) {
                flags.add("GEN-SATURATED");
            }
            if (p.errors() > 0) {
                flags.add("ERRORS=" + p.errors());
            }
            if (!p.ok()) {
                flags.add(p.status().toUpperCase(Locale.ROOT));
            }
            double msgs = p.median("msgsPerSec");
            double cpu = p.median("serverCpuUsPerMsg");
            rows.add(new Row(p, msgs, p.min("msgsPerSec"), p.max("msgsPerSec"), p.median("mbPerSec"),
                    p.median("p50Ns") / 1e3, p.median("p99Ns") / 1e3, p.median("p999Ns") / 1e3,
                    p.median("serverCpuPct"), cpu, p.median("genCpuPct"),
                    // Open loop: every server is offered the same msgs/s, so only the CPU ratio means anything.
                    p.scenario().openLoop() ? Double.NaN : msgs / bestMsgs, cpu / bestCpu, String.join(" ", flags)));
        }
        return rows;
    }
}
