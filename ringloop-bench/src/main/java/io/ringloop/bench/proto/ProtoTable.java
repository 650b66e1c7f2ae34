package io.ringloop.bench.proto;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The protocol results as text: one row per scenario, load and server with requests/s, the server's CPU (% of
 * one core, and microseconds per request) and both against the best Netty server of the same load ("x Netty":
 * requests/s above 1 is better, CPU per request below 1 is better); then the generator commands.
 */
final class ProtoTable {
    private static final String ROW = "%-5s %-26s %-25s %12s %7s %10s %9s %9s%n";

    private ProtoTable() {
    }

    static String render(List<ProtoResult> results) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, ROW, "scen.", "load", "server", "req/s", "cpu %", "cpu us/req",
                "x Netty", "x N cpu"));
        for (ProtoResult r : results) {
            if (!r.ok()) {
                b.append(String.format(Locale.ROOT, "%-5s %-26s %-25s %s: %s%n", r.scenario(), r.load(), r.server(),
                        r.status().toUpperCase(Locale.ROOT), r.reason()));
                continue;
            }
            ProtoResult netty = bestNetty(results, r);
            b.append(String.format(Locale.ROOT, ROW, r.scenario(), r.load(), r.server(),
                    String.format(Locale.ROOT, "%,.0f", r.requestsPerSec()),
                    String.format(Locale.ROOT, "%.0f", r.cpuPercent()),
                    String.format(Locale.ROOT, "%.2f", r.cpuUsPerRequest()),
                    netty == null ? "-" : String.format(Locale.ROOT, "%.2f", r.requestsPerSec()
                            / netty.requestsPerSec()),
                    netty == null ? "-" : String.format(Locale.ROOT, "%.2f", r.cpuUsPerRequest()
                            / lowestNettyCpu(results, r))));
        }
        return b.toString();
    }

    /** One result as a progress line. */
    static String line(ProtoResult r) {
        return r.ok() ? String.format(Locale.ROOT, "%-26s %,12.0f req/s, server %.0f%% of a core, %.2f us/req",
                r.load(), r.requestsPerSec(), r.cpuPercent(), r.cpuUsPerRequest())
                : r.load() + ": " + r.status() + ": " + r.reason();
    }

    /** The distinct generator commands (ports as they were), one per line. */
    static String commands(List<ProtoResult> results) {
        Set<String> seen = new LinkedHashSet<>();
        for (ProtoResult r : results) {
            if (!r.command().isEmpty()) {
                seen.add(r.server() + ": " + r.command());
            }
        }
        StringBuilder b = new StringBuilder("generator commands (server pinned to its own CPU):\n");
        for (String c : seen) {
            b.append("  ").append(c).append('\n');
        }
        return b.toString();
    }

    /** The Netty result of {@code r}'s scenario and load with the most requests/s, or null. */
    private static ProtoResult bestNetty(List<ProtoResult> all, ProtoResult r) {
        ProtoResult best = null;
        for (ProtoResult o : all) {
            if (o.ok() && o.family().equals("netty") && o.scenario().equals(r.scenario())
                    && o.load().equals(r.load()) && (best == null || o.requestsPerSec() > best.requestsPerSec())) {
                best = o;
            }
        }
        return best;
    }

    private static double lowestNettyCpu(List<ProtoResult> all, ProtoResult r) {
        double lowest = Double.MAX_VALUE;
        for (ProtoResult o : all) {
            if (o.ok() && o.family().equals("netty") && o.scenario().equals(r.scenario())
                    && o.load().equals(r.load())) {
                lowest = Math.min(lowest, o.cpuUsPerRequest());
            }
        }
        return lowest;
    }
}
