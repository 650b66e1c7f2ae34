package io.ringloop.bench.run;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Everything measured for one server x scenario: one map per measured window (the generator's RESULT
 * line plus the server's CPU over the same window), or why the point did not run.
 *
 * @param status "ok", "skipped" (server cannot run here) or "failed"
 */
public record PointResult(ServerSpec server, Scenario scenario, String status, String reason, String banner,
                          List<Map<String, Object>> runs) {

    /** A closed-loop generator thread above this share of a core may be what limits the point. */
    public static final double SATURATED_CPU_PCT = 90.0;
    /** An open-loop point whose sends ran late this often did not offer its nominal load. */
    public static final double SATURATED_LATE_PCT = 1.0;

    public static PointResult notRun(ServerSpec server, Scenario scenario, String status, String reason) {
        return new PointResult(server, scenario, status, reason, "", List.of());
    }

    public boolean ok() {
        return status.equals("ok") && !runs.isEmpty();
    }

    public double median(String key) {
        double[] v = values(key);
        if (v.length == 0) {
            return Double.NaN;
        }
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    public double min(String key) {
        double[] v = values(key);
        return v.length == 0 ? Double.NaN : v[0];
    }

    public double max(String key) {
        double[] v = values(key);
        return v.length == 0 ? Double.NaN : v[v.length - 1];
    }

    /** Whether the generator, not the server, may have set the pace in any window. */
    public boolean generatorSaturated() {
        for (Map<String, Object> run : runs) {
            if (scenario.openLoop()) {
                double sent = number(run, "sent");
                if (sent > 0 && 100.0 * number(run, "lateSends") / sent > SATURATED_LATE_PCT) {
                    return true;
                }
            } else if (number(run, "genBusiestThreadPct") > SATURATED_CPU_PCT
                    || number(run, "genCpuPct") > SATURATED_CPU_PCT) {
                return true;
            }
        }
        return false;
    }

    public long errors() {
        long errors = 0;
        for (Map<String, Object> run : runs) {
            errors += (long) number(run, "errors");
        }
        return errors;
    }

    private double[] values(String key) {
        return runs.stream().filter(r -> r.containsKey(key)).mapToDouble(r -> number(r, key)).sorted().toArray();
    }

    static double number(Map<String, Object> run, String key) {
        Object v = run.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @Override
    public String toString() {
        return server.id() + "/" + scenario.name() + " " + status + " " + Arrays.toString(values("msgsPerSec"));
    }
}
