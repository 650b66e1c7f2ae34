package io.ringloop.bench.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one server x scenario: server JVM on the server CPU, generator JVM on the others, the generator's
 * windows bracketed by readings of the server's CPU time, then both stopped.
 */
public final class PointRunner {
    /** Seconds a point takes beyond warm-up and windows (two JVM starts, connects, stops); for the budget. */
    public static final double OVERHEAD_SEC = 1.8;

    private final JvmLauncher launcher;
    private final Cpus cpus;
    private final long warmupMs;
    private final long durationMs;
    private final int repeats;
    private final Path logDir;

    public PointRunner(JvmLauncher launcher, Cpus cpus, long warmupMs, long durationMs, int repeats, Path logDir) {
        this.launcher = launcher;
        this.cpus = cpus;
        this.warmupMs = warmupMs;
        this.durationMs = durationMs;
        this.repeats = repeats;
        this.logDir = logDir;
    }

    public double plannedSec() {
        return (warmupMs + durationMs * repeats) / 1e3 + OVERHEAD_SEC;
    }

    public PointResult run(ServerSpec spec, Scenario scenario, Progress progress)
            throws InterruptedException {
        String name = spec.id() + " " + scenario.name();
        progress.phase(name + ": starting", OVERHEAD_SEC);
        if (spec.isRingloop()) {
            String reason = ServerCatalog.ringloopUnavailableReason();
            if (reason != null) {
                return PointResult.notRun(spec, scenario, "skipped", reason);
            }
        }
        Path serverLog = logDir.resolve(spec.id() + "-" + scenario.name() + ".server.log");
        Path loadLog = logDir.resolve(spec.id() + "-" + scenario.name() + ".load.log");
        try (ServerProcess server = ServerProcess.start(launcher, cpus.serverList(), spec,
                ServerProcess.freePort(), serverLog)) {
            try {
                server.awaitAccepting();
            } catch (IOException e) {
                return PointResult.notRun(spec, scenario, "skipped", e.getMessage());
            }
            List<Map<String, Object>> runs = new ArrayList<>();
            String failure = drive(server, scenario, loadLog, runs, progress, name);
            if (failure == null && !server.alive()) {
                failure = "server died during the run: " + server.logTail(4);
            }
            String banner = server.banner(5);
            return failure == null ? new PointResult(spec, scenario, "ok", "", banner, runs)
                    : new PointResult(spec, scenario, "failed", failure, banner, runs);
        } catch (IOException e) {
            return PointResult.notRun(spec, scenario, "failed", e.toString());
        }
    }

    /** Runs the generator and collects its windows; returns null or the reason the point failed. */
    private String drive(ServerProcess server, Scenario scenario, Path loadLog, List<Map<String, Object>> runs,
                         Progress progress, String name) throws IOException, InterruptedException {
        List<String> args = List.of("--port", Integer.toString(server.port()),
                "--connections", Integer.toString(scenario.connections()),
                "--in-flight", Integer.toString(scenario.inFlight()),
                "--payload", Integer.toString(scenario.payloadBytes()),
                "--rate", Long.toString(scenario.rateMsgsPerSec()),
                "--warmup-ms", Long.toString(warmupMs),
                "--duration-ms", Long.toString(durationMs),
                "--repeats", Integer.toString(repeats));
        List<String> command = launcher.command(cpus.generatorList(), List.of(),
                "io.ringloop.bench.load.LoadMain", args);
        Process generator = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.to(loadLog.toFile()))
                .start();
        long deadlineMs = warmupMs + durationMs * repeats + 60_000;
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                if (!generator.waitFor(deadlineMs, TimeUnit.MILLISECONDS)) {
                    generator.destroyForcibly();
                }
            } catch (InterruptedException ignore) {
                // the run ended first
            }
        });
        String failure = null;
        boolean done = false;
        long cpuStartNs = 0;
        long cpuEndNs = 0;
        RingCounters ringStart = null;
        RingCounters ringEnd = null;
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(generator.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (!done && (line = lines.readLine()) != null) {
                String[] words = line.split(" ", 3);
                switch (words[0]) {
                    case "READY" -> progress.phase(name + ": warm-up", warmupMs / 1e3);
                    case "WINDOW_START" -> {
                        cpuStartNs = server.cpuNs();
                        ringStart = server.ringCounters();
                        progress.phase(name + ": measuring " + words[1] + "/" + repeats, durationMs / 1e3);
                    }
                    case "WINDOW_END" -> {
                        cpuEndNs = server.cpuNs();
                        ringEnd = server.ringCounters();
                    }
                    case "RESULT" -> runs.add(withRingCounters(withServerCpu(
                            parse(words.length > 2 ? words[2] : ""), cpuEndNs - cpuStartNs), ringStart, ringEnd));
                    case "DONE" -> done = true;
                    case "FAILED" -> {
                        failure = "load generator: " + line.substring(6).trim();
                        done = true;
                    }
                    default -> {
                        // stray output (JVM warnings) goes nowhere; the generator logs to its stderr file
                    }
                }
            }
        } finally {
            generator.destroy();
            generator.waitFor(5, TimeUnit.SECONDS);
            watchdog.interrupt();
        }
        if (failure == null && !done) {
            failure = "load generator ended early (status " + exitStatus(generator) + "), see " + loadLog;
        }
        return failure;
    }

    private static String exitStatus(Process p) {
        return p.isAlive() ? "running" : Integer.toString(p.exitValue());
    }

    /** Adds the server's CPU over the window: share of one core, and per echoed message. */
    static Map<String, Object> withServerCpu(Map<String, Object> run, long serverCpuNs) {
        double elapsedNs = PointResult.number(run, "elapsedNs");
        double messages = PointResult.number(run, "messages");
        run.put("serverCpuNs", serverCpuNs);
        run.put("serverCpuPct", 100.0 * serverCpuNs / elapsedNs);
        run.put("serverCpuUsPerMsg", messages > 0 ? serverCpuNs / 1e3 / messages : Double.NaN);
        return run;
    }

    /**
     * Adds the SQEs the server's rings consumed and the CQEs they posted over the window, when it has rings and
     * the same number at both readings. CQEs beyond one per SQE, per echoed message, are the zero-copy sends per
     * message when the server has no multishot op running (the callback echo; see RingCounters).
     */
    static Map<String, Object> withRingCounters(Map<String, Object> run, RingCounters start, RingCounters end) {
        if (start != null && end != null && start.rings() > 0 && start.rings() == end.rings()) {
            long sqes = end.sqesSince(start);
            long cqes = end.cqesSince(start);
            double messages = PointResult.number(run, "messages");
            run.put("ringSqes", sqes);
            run.put("ringCqes", cqes);
            run.put("ringExtraCqesPerMsg", messages > 0 ? (cqes - sqes) / messages : Double.NaN);
        }
        return run;
    }

    /** Parses {@code key=value ...}; numbers become Long or Double. */
    static Map<String, Object> parse(String text) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String pair : text.trim().split(" +")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String value = pair.substring(eq + 1);
            Object parsed;
            try {
                parsed = value.contains(".") ? (Object) Double.parseDouble(value) : (Object) Long.parseLong(value);
            } catch (NumberFormatException notNumber) {
                parsed = value;
            }
            map.put(pair.substring(0, eq), parsed);
        }
        return map;
    }
}
