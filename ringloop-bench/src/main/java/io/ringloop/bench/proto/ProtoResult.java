package io.ringloop.bench.proto;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured load against one server: requests answered in the measured run, its length, and the server's
 * CPU time over it (utime+stime, all threads). {@code status} is "ok", "failed" or "skipped" with a reason.
 *
 * @param command the generator's command line, with the port the server had (what reproduces the figure)
 */
record ProtoResult(String scenario, String load, String server, String family, long requests, double seconds,
                   long serverCpuNs, String command, String status, String reason) {

    static ProtoResult failed(String scenario, String load, String server, String family, String command,
                              String reason) {
        return new ProtoResult(scenario, load, server, family, 0, 0, 0, command, "failed", reason);
    }

    boolean ok() {
        return status.equals("ok") && requests > 0 && seconds > 0;
    }

    double requestsPerSec() {
        return requests / seconds;
    }

    /** Server CPU in microseconds per request answered. */
    double cpuUsPerRequest() {
        return serverCpuNs / 1e3 / requests;
    }

    /** The server's CPU use over the run, in % of one core. */
    double cpuPercent() {
        return serverCpuNs / 1e7 / seconds;
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        m.put("load", load);
        m.put("server", server);
        m.put("status", status);
        m.put("reason", reason);
        m.put("requests", requests);
        m.put("seconds", seconds);
        m.put("serverCpuNs", serverCpuNs);
        if (ok()) {
            m.put("requestsPerSec", Math.round(requestsPerSec()));
            m.put("serverCpuUsPerRequest", Math.round(cpuUsPerRequest() * 1000) / 1000.0);
            m.put("serverCpuPercent", Math.round(cpuPercent() * 10) / 10.0);
        }
        m.put("command", command);
        return m;
    }
}
