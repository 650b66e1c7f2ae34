package io.ringloop.bench.proto;

import io.ringloop.bench.report.Json;
import io.ringloop.bench.run.Cpus;
import io.ringloop.bench.run.JvmLauncher;
import io.ringloop.bench.run.ServerCatalog;
import io.ringloop.bench.run.ServerProcess;
import io.ringloop.bench.run.ServerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./ringloop bench --scenarios http,kv,tls,https}: each scenario's servers one after the other, each in its own
 * pinned JVM, every load of the scenario against it (see the package comment); then a table on standard output
 * and {@code protocols.json} (every figure with the generator command that produced it) in the run's folder.
 */
public final class ProtoBench {
    /** The protocol scenarios, in the order they run. */
    public static final List<String> NAMES = List.of(HttpLoads.NAME, KvLoads.NAME, TlsLoads.NAME,
            HttpLoads.HTTPS_NAME);

    private ProtoBench() {
    }

    /** One line per scenario for {@code --list}. */
    public static List<String> descriptions() {
        return List.of(
                "http: wrk -c" + HttpLoads.CONNECTIONS + " GET /plaintext, plain and pipelined 16 (Lua script); "
                        + "ringloop http vs Netty HttpServerCodec",
                "kv: redis-benchmark -c" + KvLoads.CONNECTIONS + " SET/GET, -P 1 and -P 16; ringloop kv vs Netty "
                        + "codec-redis",
                "tls: 1 TLS connection, 1 KiB echo, window 1 and 16; ringloop echo --tls vs Netty SslHandler (JDK)",
                "https: wrk -c" + HttpLoads.HTTPS_CONNECTIONS + " https:// GET /plaintext, plain and pipelined 16; "
                        + "ringloop http --tls vs Netty SslHandler (JDK) + "
                        + "HttpServerCodec");
    }

    /**
     * Runs {@code names} against the servers {@code serverPatterns} pick (all when null) and writes into
     * {@code dir}; 0 when every load that ran succeeded (skipped scenarios do not fail the run), else 1.
     */
    public static int run(List<String> names, List<String> serverPatterns, long warmupMs, long durationMs,
                          boolean noPin, Path dir) throws IOException, InterruptedException {
        Cpus cpus = Cpus.current();
        boolean pin = !noPin && cpus.canPin();
        Files.createDirectories(dir.resolve("logs"));
        Context ctx = new Context(new JvmLauncher(pin), cpus.serverList(), pin ? cpus.generatorList() : null,
                cpus.generatorCores(), warmupMs, durationMs, dir);
        System.err.printf(Locale.ROOT, "protocol scenarios %s, warm-up %.1f s, %.1f s measured per load, %s%n",
                names, warmupMs / 1e3, durationMs / 1e3, pin ? "server on CPU " + cpus.serverList()
                        + ", generator on CPU " + cpus.generatorList() : "not pinned");
        List<ProtoResult> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String name : names) {
            String skip = skipReason(name, System.getenv("PATH"));
            if (skip != null) {
                System.out.println(skip);
                skipped.add(skip);
                continue;
            }
            List<ServerSpec> servers = ProtoServers.select(servers(name, dir), serverPatterns);
            if (servers.isEmpty()) {
                String line = name + ": skipped: no server matches --servers " + serverPatterns;
                System.out.println(line);
                skipped.add(line);
            }
            for (ServerSpec server : servers) {
                results.addAll(runServer(ctx, name, server));
            }
        }
        Files.writeString(dir.resolve("protocols.json"), Json.write(json(ctx, pin, results, skipped)));
        System.out.println();
        System.out.print(ProtoTable.render(results));
        System.out.println();
        System.out.print(ProtoTable.commands(results));
        System.out.println("\nresults: " + dir.resolve("protocols.json").toAbsolutePath());
        return results.stream().allMatch(ProtoResult::ok) ? 0 : 1;
    }

    /**
     * Null when {@code name} can run with the tools on {@code path} (a PATH value), else the one line that says
     * what is missing.
     */
    static String skipReason(String name, String path) {
        if ((name.equals(HttpLoads.NAME) || name.equals(HttpLoads.HTTPS_NAME)) && Tools.find("wrk", path) == null) {
            return Tools.skipLine(name, "wrk", "wrk");
        }
        if (name.equals(KvLoads.NAME) && Tools.find("redis-benchmark", path) == null) {
            return Tools.skipLine(name, "redis-benchmark", "redis-tools");
        }
        return null;
    }

    private static List<ServerSpec> servers(String name, Path dir) throws IOException, InterruptedException {
        return switch (name) {
            case HttpLoads.NAME -> ProtoServers.http();
            case KvLoads.NAME -> ProtoServers.kv();
            case TlsLoads.NAME -> {
                PemFiles pem = PemFiles.create(dir);
                yield ProtoServers.tls(pem.cert(), pem.key());
            }
            case HttpLoads.HTTPS_NAME -> {
                PemFiles pem = PemFiles.create(dir);
                yield ProtoServers.https(pem.cert(), pem.key());
            }
            default -> throw new IllegalArgumentException("not a protocol scenario: " + name);
        };
    }

    /** Starts {@code spec}, runs the scenario's loads against it, stops it. */
    private static List<ProtoResult> runServer(Context ctx, String scenario, ServerSpec spec)
            throws InterruptedException {
        System.err.println(scenario + " " + spec.id() + ": " + spec.description());
        if (spec.isRingloop() && ServerCatalog.ringloopUnavailableReason() != null) {
            return List.of(ProtoResult.failed(scenario, "-", spec.id(), spec.family(), "",
                    ServerCatalog.ringloopUnavailableReason()));
        }
        Path serverLog = ctx.logDir().resolve(scenario + "-" + spec.id() + ".server.log");
        try (ServerProcess server = ServerProcess.start(ctx.launcher(), ctx.serverCpus(), spec,
                ServerProcess.freePort(), serverLog)) {
            server.awaitAccepting();
            List<ProtoResult> results = switch (scenario) {
                case HttpLoads.NAME, HttpLoads.HTTPS_NAME -> HttpLoads.run(ctx, Tools.find("wrk"), scenario,
                        spec.id(), spec.family(), server);
                case KvLoads.NAME -> KvLoads.run(ctx, Tools.find("redis-benchmark"), spec.id(), spec.family(),
                        server);
                default -> TlsLoads.run(ctx, spec.id(), spec.family(), server);
            };
            if (!server.alive()) {
                return List.of(ProtoResult.failed(scenario, "-", spec.id(), spec.family(), "",
                        "server died during the run: " + server.logTail(4)));
            }
            for (ProtoResult r : results) {
                System.err.println("  " + ProtoTable.line(r));
            }
            return results;
        } catch (IOException e) {
            return List.of(ProtoResult.failed(scenario, "-", spec.id(), spec.family(), "", e.getMessage()));
        }
    }

    private static Map<String, Object> json(Context ctx, boolean pin, List<ProtoResult> results,
                                            List<String> skipped) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("warmupMs", ctx.warmupMs());
        config.put("durationMs", ctx.durationMs());
        config.put("serverCpus", pin ? ctx.serverCpus() : "not pinned");
        config.put("generatorCpus", pin ? ctx.generatorCpus() : "not pinned");
        config.put("kernel", System.getProperty("os.version"));
        config.put("java", System.getProperty("java.vm.version"));
        config.put("skipped", skipped);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("config", config);
        root.put("results", results.stream().map(ProtoResult::json).toList());
        return root;
    }
}
