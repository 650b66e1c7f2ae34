package io.ringloop.bench;

import io.ringloop.bench.jmh.MicroRunner;
import io.ringloop.bench.proto.ProtoBench;
import io.ringloop.bench.report.Charts;
import io.ringloop.bench.report.HtmlReport;
import io.ringloop.bench.report.Json;
import io.ringloop.bench.report.Row;
import io.ringloop.bench.report.TerminalTable;
import io.ringloop.bench.report.ZeroCopySummary;
import io.ringloop.bench.run.Cpus;
import io.ringloop.bench.run.JvmLauncher;
import io.ringloop.bench.run.MachineInfo;
import io.ringloop.bench.run.PointPlan;
import io.ringloop.bench.run.PointResult;
import io.ringloop.bench.run.PointRunner;
import io.ringloop.bench.run.Progress;
import io.ringloop.bench.run.Scenario;
import io.ringloop.bench.run.ServerCatalog;
import io.ringloop.bench.run.ServerSpec;
import io.ringloop.bench.run.ZeroCopySweep;
import io.ringloop.cli.OneLineUsageErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./ringloop bench}: ringloop side by side with Netty 4.2 and the JDK on TCP echo.
 *
 * <p><b>Time budget.</b> The default (quick) run is meant to take about a minute: 4 servers
 * (ringloop auto backend in task and callback style, Netty epoll, JDK virtual threads) x 2 scenarios
 * (latency, rate) x (4 s warm-up + 3 s measured + ~1.8 s for the two JVMs to start, connect and stop)
 * = 8 points x ~8.8 s ~ 70 s, plus ~2 s for the charts. JIT-compiled servers reach steady state within a
 * few seconds of full load, so the quick run trades some noise for the budget. {@code --full}: (14 servers
 * x 4 scenarios + the zero-copy sweep's 2 servers x 4 sizes) x (10 s warm-up + 3 x 10 s + 1.8 s) ~ 45 minutes.
 * The sweep ({@code --scenarios zerocopy}) stays out of the quick run: its 8 points alone would double it.
 */
@Command(name = "ringloop bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Echo benchmark: ringloop vs Netty 4.2 vs the JDK, each server in its own JVM on its own "
                + "core; writes bench-results/<timestamp>/ (results.json, report.html, charts).")
public final class BenchMain implements Callable<Integer> {
    static final long QUICK_WARMUP_SEC = 4;
    static final long QUICK_DURATION_SEC = 3;
    static final int QUICK_REPEATS = 1;
    static final long FULL_WARMUP_SEC = 10;
    static final long FULL_DURATION_SEC = 10;
    static final int FULL_REPEATS = 3;
    /** Exit code of a command line that asks for something that cannot run (picocli's usage code). */
    static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
    private static final DateTimeFormatter STAMP_FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Spec
    private CommandSpec spec;

    @Option(names = "--full", description = "Every server and scenario, longer warm-up, 3 repeats.")
    boolean full;
    @Option(names = "--servers", split = ",", paramLabel = "ID",
            description = "Servers to run (see --list; a trailing * matches a prefix, e.g. netty-*); "
                    + "default: the quick set, or all with --full.")
    List<String> servers;
    @Option(names = "--scenarios", split = ",", paramLabel = "NAME",
            description = "latency, rate, bandwidth, fixed, zerocopy (the zero-copy sweep, its own two servers); "
                    + "default: latency,rate, or all with --full. Apart from those: http, kv, tls, https "
                    + "(wrk, redis-benchmark, TLS echo, wrk over TLS vs Netty's codecs), proxy (ringloop proxy beside Netty's), fairness "
                    + "(a quiet connection beside a flood); none is in --full.")
    List<String> scenarios;
    @Option(names = "--zero-copy-sizes", split = ",", paramLabel = "KIB", description = "Payload sizes of the "
            + "zerocopy sweep in KiB, ascending (default 4,16,64,256).")
    List<Integer> zeroCopySizesKib;
    @Option(names = "--duration", paramLabel = "SEC", description = "Measured seconds per window "
            + "(default " + QUICK_DURATION_SEC + ", full " + FULL_DURATION_SEC + ").")
    Double durationSec;
    @Option(names = "--warmup", paramLabel = "SEC", description = "Warm-up seconds per point "
            + "(default " + QUICK_WARMUP_SEC + ", full " + FULL_WARMUP_SEC + ").")
    Double warmupSec;
    @Option(names = "--repeat", paramLabel = "N", description = "Measured windows per point "
            + "(default " + QUICK_REPEATS + ", full " + FULL_REPEATS + ").")
    Integer repeats;
    @Option(names = "--fixed-rate", paramLabel = "MSGS", description = "Total msgs/s of the fixed scenario "
            + "(default ${DEFAULT-VALUE}).", defaultValue = "" + Scenario.DEFAULT_FIXED_RATE)
    long fixedRate;
    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
            description = "Where the timestamped result folder goes (default ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--no-pin", description = "Do not pin server and generator to separate CPUs.")
    boolean noPin;
    @Option(names = "--list", description = "List servers and scenarios, then exit.")
    boolean list;
    @Option(names = "--micro", arity = "0..1", fallbackValue = ".*", paramLabel = "REGEX",
            description = "Run the JMH microbenchmarks matching REGEX (all if omitted) with -prof gc.")
    String micro;
    @Option(names = "--micro-forks", defaultValue = "1", paramLabel = "N",
            description = "JMH forks for --micro; 0 runs in this JVM (default ${DEFAULT-VALUE}).")
    int microForks;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: a command line it cannot use is one line on stderr and exit code 2. */
    static CommandLine commandLine() {
        return new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(new OneLineUsageErrors());
    }

    @Override
    public Integer call() throws Exception {
        checkNumbers();
        if (scenarios != null && scenarios.contains(FairnessBench.NAME)) {
            return FairnessBench.run(durationSec); // in-process: a quiet connection beside a flood
        }
        if (scenarios != null && scenarios.contains(ProxyBench.NAME)) {
            return ProxyBench.run(!noPin); // its own processes: ringloop proxy and Netty's, a client and a sink
        }
        if (scenarios != null && scenarios.stream().map(String::trim).anyMatch(ProtoBench.NAMES::contains)) {
            return runProtocols();
        }
        if (micro != null) {
            return MicroRunner.run(micro, microForks, 1, full ? 3 : 1);
        }
        List<Scenario> allScenarios = Scenario.all(fixedRate);
        if (list) {
            printList(allScenarios);
            return 0;
        }
        Selection selection = select(allScenarios);
        if (selection == null) {
            return EXIT_USAGE;
        }
        Timing timing = timing();
        if (timing == null) {
            return EXIT_USAGE;
        }
        Cpus cpus = Cpus.current();
        boolean pin = !noPin && cpus.canPin();
        String stamp = LocalDateTime.now().format(STAMP_FORMAT);
        Path dir = out.resolve(stamp);
        Files.createDirectories(dir.resolve("logs"));
        PointRunner runner = new PointRunner(new JvmLauncher(pin), cpus, timing.warmupMs(), timing.durationMs(),
                timing.windows(), dir.resolve("logs"));
        Plan plan = plan(selection);
        if (plan == null) {
            return EXIT_USAGE;
        }
        printPlan(plan, timing, cpus, pin);
        List<PointResult> points = runAll(runner, plan.points());
        List<Row> rows = Row.of(points);
        ZeroCopySummary zeroCopy = ZeroCopySummary.of(rows);
        writeReport(dir, stamp, MachineInfo.collect(cpus, pin), config(stamp, timing, plan), points, rows, zeroCopy);
        printResults(rows, zeroCopy, plan.ringloopMissing(), dir);
        return points.stream().anyMatch(p -> p.status().equals("failed")) ? 1 : 0;
    }

    /**
     * The protocol scenarios (http, kv, tls, https: {@link ProtoBench}), which run apart from the echo matrix: their
     * servers and generators are their own, and {@code --servers} names theirs (see {@code --list}).
     */
    private int runProtocols() throws IOException, InterruptedException {
        List<String> names = scenarios.stream().map(String::trim).toList();
        List<String> others = names.stream().filter(n -> !ProtoBench.NAMES.contains(n)).toList();
        if (!others.isEmpty()) {
            System.err.println("http, kv, tls and https run apart from the echo scenarios: ask for " + others
                    + " in a run of their own");
            return EXIT_USAGE;
        }
        Timing timing = timing();
        if (timing == null) {
            return EXIT_USAGE;
        }
        Path dir = out.resolve(LocalDateTime.now().format(STAMP_FORMAT));
        return ProtoBench.run(ProtoBench.NAMES.stream().filter(names::contains).toList(), servers,
                timing.warmupMs(), timing.durationMs(), noPin, dir);
    }

    /** Numbers no run can use are usage errors (the timing is checked with its defaults, in {@link #timing}). */
    private void checkNumbers() {
        if (microForks < 0) {
            throw new ParameterException(spec.commandLine(), "--micro-forks must be >= 0, got " + microForks);
        }
        if (fixedRate < 1) {
            throw new ParameterException(spec.commandLine(), "--fixed-rate must be >= 1, got " + fixedRate);
        }
    }

    /** The servers, scenarios and zero-copy sweep asked for, or null once it has said why they cannot run. */
    private Selection select(List<Scenario> allScenarios) {
        List<String> scenarioNames = scenarioNames(allScenarios);
        boolean sweep = scenarioNames.contains(ZeroCopySweep.NAME);
        List<Integer> sizesKib = zeroCopySizesKib != null ? zeroCopySizesKib : ZeroCopySweep.DEFAULT_SIZES_KIB;
        String sizesError = ZeroCopySweep.sizesError(sizesKib);
        if (sweep && sizesError != null) {
            System.err.println(sizesError);
            return null;
        }
        List<ServerSpec> chosenServers = chooseServers();
        List<Scenario> chosenScenarios = chooseScenarios(allScenarios,
                scenarioNames.stream().filter(n -> !n.equals(ZeroCopySweep.NAME)).toList());
        if (chosenServers == null || chosenScenarios == null) {
            return null;
        }
        // The sweep alone runs no server of the matrix: it brings its own servers.
        return new Selection(chosenScenarios.isEmpty() ? List.of() : chosenServers, chosenScenarios, sweep, sizesKib);
    }

    /** Warm-up, window length and window count, from the options or the mode; null once it said why not. */
    private Timing timing() {
        long warmupMs = Math.round(1000 * (warmupSec != null ? warmupSec : full ? FULL_WARMUP_SEC : QUICK_WARMUP_SEC));
        long durationMs = Math.round(1000 * (durationSec != null ? durationSec
                : full ? FULL_DURATION_SEC : QUICK_DURATION_SEC));
        int windows = repeats != null ? repeats : full ? FULL_REPEATS : QUICK_REPEATS;
        if (durationMs <= 0 || warmupMs < 0 || windows < 1) {
            System.err.println("--duration must be > 0, --warmup >= 0, --repeat >= 1");
            return null;
        }
        return new Timing(warmupMs, durationMs, windows);
    }

    /**
     * Every point to run: each scenario with each server, then the sweep's own pairs. Without ringloop on the
     * class path its servers (and so the sweep) are left out with a note; null when nothing is left.
     */
    private static Plan plan(Selection selection) {
        List<PointPlan> points = new ArrayList<>();
        for (Scenario scenario : selection.scenarios()) {
            for (ServerSpec server : selection.servers()) {
                points.add(new PointPlan(server, scenario));
            }
        }
        if (selection.sweep()) {
            points.addAll(ZeroCopySweep.plan(selection.sizesKib()));
        }
        String ringloopMissing = points.stream().anyMatch(p -> p.server().isRingloop())
                ? ServerCatalog.ringloopUnavailableReason() : null;
        if (ringloopMissing == null) {
            return new Plan(points, selection, null);
        }
        System.err.println("note: ringloop servers skipped: " + ringloopMissing);
        List<PointPlan> left = points.stream().filter(p -> !p.server().isRingloop()).toList();
        if (left.isEmpty()) {
            System.err.println("nothing left to run");
            return null;
        }
        return new Plan(left, selection.withoutRingloop(), ringloopMissing);
    }

    private static void printPlan(Plan plan, Timing timing, Cpus cpus, boolean pin) {
        Selection s = plan.selection();
        System.err.printf(Locale.ROOT, "%d points (%d servers x %d scenarios%s), warm-up %.1f s, %d x %.1f s "
                        + "measured, %s%n", plan.points().size(), s.servers().size(), s.scenarios().size(),
                s.sweep() ? " + zero-copy sweep over " + s.sizesKib() + " KiB" : "", timing.warmupMs() / 1e3,
                timing.windows(), timing.durationMs() / 1e3,
                pin ? "server on CPU " + cpus.serverList() + ", generator on CPU " + cpus.generatorList()
                        : "not pinned");
    }

    private static List<PointResult> runAll(PointRunner runner, List<PointPlan> plan) throws InterruptedException {
        // Ctrl-C must not leave a server or generator JVM behind: they are all this JVM's children.
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
        List<PointResult> points = new ArrayList<>();
        double plannedSec = runner.plannedSec() * plan.size();
        try (Progress progress = new Progress(plannedSec)) {
            for (PointPlan point : plan) {
                points.add(runner.run(point.server(), point.scenario(), progress));
            }
        }
        return points;
    }

    /** The run's settings as results.json and report.html record them. */
    private Map<String, Object> config(String stamp, Timing timing, Plan plan) {
        Selection s = plan.selection();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("timestamp", stamp);
        config.put("mode", full ? "full" : "quick");
        config.put("warmupMs", timing.warmupMs());
        config.put("durationMs", timing.durationMs());
        config.put("repeats", timing.windows());
        config.put("servers", s.servers().stream().map(ServerSpec::id).toList());
        List<String> runScenarios = new ArrayList<>(s.scenarios().stream().map(Scenario::name).toList());
        if (s.sweep()) {
            runScenarios.add(ZeroCopySweep.NAME);
            config.put("zeroCopySizesKib", s.sizesKib());
        }
        config.put("scenarios", runScenarios);
        if (plan.ringloopMissing() != null) {
            config.put("ringloopSkipped", plan.ringloopMissing());
        }
        return config;
    }

    /** results.json, the charts (a failure to draw them is reported, not fatal) and report.html. */
    private static void writeReport(Path dir, String stamp, Map<String, Object> machine, Map<String, Object> config,
                                    List<PointResult> points, List<Row> rows, ZeroCopySummary zeroCopy)
            throws IOException {
        Files.writeString(dir.resolve("results.json"), Json.write(results(machine, config, points, zeroCopy)));
        List<Charts.Chart> charts = List.of();
        try {
            charts = Charts.write(dir, rows);
        } catch (Exception | Error e) {
            System.err.println("charts not drawn: " + e);
        }
        HtmlReport.write(dir.resolve("report.html"), "ringloop echo benchmark " + stamp, machine, config, rows,
                charts);
    }

    private static void printResults(List<Row> rows, ZeroCopySummary zeroCopy, String ringloopMissing, Path dir) {
        System.out.println();
        System.out.print(TerminalTable.render(rows));
        System.out.println();
        System.out.print(TerminalTable.legend());
        if (zeroCopy != null) {
            System.out.println();
            System.out.print(zeroCopy.renderTerminal());
            System.out.println();
            System.out.print(ZeroCopySummary.legend());
        }
        if (ringloopMissing != null) {
            System.out.println("\nnote: ringloop servers were skipped: " + ringloopMissing);
        }
        System.out.println("\nresults: " + dir.resolve("report.html").toAbsolutePath());
    }

    private static Map<String, Object> results(Map<String, Object> machine, Map<String, Object> config,
                                               List<PointResult> points, ZeroCopySummary zeroCopy) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (PointResult p : points) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("server", p.server().id());
            m.put("serverDescription", p.server().description());
            m.put("scenario", p.scenario().name());
            m.put("scenarioDescription", p.scenario().description());
            m.put("connections", p.scenario().connections());
            m.put("inFlight", p.scenario().inFlight());
            m.put("payloadBytes", p.scenario().payloadBytes());
            m.put("rateMsgsPerSec", p.scenario().rateMsgsPerSec());
            m.put("status", p.status());
            m.put("reason", p.reason());
            m.put("serverArgs", p.server().args());
            m.put("serverJvmFlags", p.server().jvmFlags());
            // The server's first output lines: ringloop logs the backend it resolved (AUTO) there.
            m.put("serverBanner", p.banner());
            m.put("generatorSaturated", p.ok() && p.generatorSaturated());
            m.put("runs", p.runs());
            list.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine);
        root.put("config", config);
        root.put("points", list);
        if (zeroCopy != null) {
            root.put("zeroCopy", zeroCopy.json());
        }
        return root;
    }

    private List<ServerSpec> chooseServers() {
        List<String> ids = servers != null ? servers : full ? ServerCatalog.fullIds() : ServerCatalog.quickIds();
        List<ServerSpec> chosen = new ArrayList<>();
        for (String id : ids) {
            String want = id.trim();
            // "netty-*" picks every Netty transport, "ringloop-epoll-*" both styles on epoll.
            List<ServerSpec> matches = ServerCatalog.all().stream()
                    .filter(s -> want.endsWith("*") ? s.id().startsWith(want.substring(0, want.length() - 1))
                            : s.id().equals(want))
                    .filter(s -> !chosen.contains(s))
                    .toList();
            if (matches.isEmpty() && chosen.stream().noneMatch(s -> s.id().equals(want))) {
                System.err.println("unknown server " + id + "; known: "
                        + ServerCatalog.all().stream().map(ServerSpec::id).toList());
                return null;
            }
            chosen.addAll(matches);
        }
        return chosen;
    }

    /** The scenario names asked for (trimmed), the default ones otherwise; {@code --full} adds the sweep. */
    List<String> scenarioNames(List<Scenario> all) {
        if (scenarios != null) {
            return scenarios.stream().map(String::trim).toList();
        }
        if (!full) {
            return Scenario.quickNames();
        }
        List<String> names = new ArrayList<>(all.stream().map(Scenario::name).toList());
        names.add(ZeroCopySweep.NAME);
        return names;
    }

    private static List<Scenario> chooseScenarios(List<Scenario> all, List<String> names) {
        List<Scenario> chosen = new ArrayList<>();
        for (String name : names) {
            var found = all.stream().filter(s -> s.name().equals(name.trim())).findFirst();
            if (found.isEmpty()) {
                System.err.println("unknown scenario " + name + "; known: "
                        + all.stream().map(Scenario::name).toList() + " and " + ZeroCopySweep.NAME);
                return null;
            }
            chosen.add(found.get());
        }
        return chosen;
    }

    private static void printList(List<Scenario> scenarios) {
        System.out.println("servers (quick set: " + ServerCatalog.quickIds() + "):");
        for (ServerSpec s : ServerCatalog.all()) {
            System.out.printf(Locale.ROOT, "  %-26s %s%n", s.id(), s.description());
        }
        System.out.println("scenarios (quick set: " + Scenario.quickNames() + "):");
        for (Scenario s : scenarios) {
            System.out.printf(Locale.ROOT, "  %-26s %s%n", s.name(), s.description());
        }
        System.out.printf(Locale.ROOT, "  %-26s %s%n", ZeroCopySweep.NAME, ZeroCopySweep.description());
        System.out.println("protocol scenarios (run on their own: --scenarios http,kv,tls,https; servers "
                + "ringloop-io_uring, ringloop-epoll, netty-epoll, netty-io_uring):");
        for (String line : ProtoBench.descriptions()) {
            System.out.println("  " + line);
        }
    }

    /** What the command line asked for: servers by scenarios, plus the zero-copy sweep over its sizes. */
    private record Selection(List<ServerSpec> servers, List<Scenario> scenarios, boolean sweep,
                             List<Integer> sizesKib) {
        /** The same without ringloop's servers, and so without the sweep (its servers are ringloop's). */
        Selection withoutRingloop() {
            return new Selection(servers.stream().filter(s -> !s.isRingloop()).toList(), scenarios, false, sizesKib);
        }
    }

    private record Timing(long warmupMs, long durationMs, int windows) {
    }

    /** The points to run, what they were chosen from, and why ringloop's were left out (null if they were not). */
    private record Plan(List<PointPlan> points, Selection selection, String ringloopMissing) {
    }
}
