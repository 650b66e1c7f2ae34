package io.ringloop.bench.proto;

import io.ringloop.bench.run.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code kv} scenario's loads, driven by redis-benchmark: 50 connections, SET then GET (its default 3-byte
 * values, one key), each with one request in flight per connection ({@code -P 1}) and with 16 ({@code -P 16}).
 * redis-benchmark runs a request count, not a duration: warm-up runs are sized from the rate the previous one
 * reached until the warm-up time is spent, and the measured run gets the count that lasts about the measured
 * time at that rate (without a warm-up, {@code --warmup 0}, it gets 10,000 requests). Requests/s is
 * redis-benchmark's own figure; CPU per request is the server's CPU over the measured run divided by its count.
 */
final class KvLoads {
    static final String NAME = "kv";
    static final int CONNECTIONS = 50;
    private static final long FIRST_WARMUP_REQUESTS = 20_000;
    private static final long MIN_REQUESTS = 10_000;
    /** How long a run of {@link #MIN_REQUESTS} without a measured rate may take (beyond the usual grace). */
    private static final long UNSIZED_RUN_MS = 30_000;

    private KvLoads() {
    }

    static List<ProtoResult> run(Context ctx, Path tool, String serverId, String family, ServerProcess server)
            throws InterruptedException, IOException {
        List<ProtoResult> results = new ArrayList<>();
        Path log = ctx.logDir().resolve(NAME + "-" + serverId + ".load.log");
        for (int depth : new int[] {1, 16}) {
            for (String test : List.of("set", "get")) {
                String load = test.toUpperCase(Locale.ROOT) + " -P " + depth + " c" + CONNECTIONS;
                String shown = String.join(" ", command(ctx, tool, server.port(), test, depth, 0));
                try {
                    // No warm-up asked for (a test's quick run): no rate to size the run from, so the least count.
                    double rate = ctx.warmupMs() > 0 ? warmUp(ctx, tool, server.port(), test, depth, log) : 0;
                    long n = Math.max(MIN_REQUESTS, Math.round(rate * ctx.durationMs() / 1e3));
                    List<String> measured = command(ctx, tool, server.port(), test, depth, n);
                    shown = String.join(" ", measured);
                    long cpu0 = server.cpuNs();
                    String out = Generator.run(measured, rate > 0 ? Math.round(n / rate * 1e3) : UNSIZED_RUN_MS, log);
                    long cpuNs = server.cpuNs() - cpu0;
                    double rps = parseRps(out, test);
                    results.add(new ProtoResult(NAME, load, serverId, family, n, n / rps, cpuNs, shown, "ok", ""));
                } catch (IOException e) {
                    results.add(ProtoResult.failed(NAME, load, serverId, family, shown, e.getMessage()));
                }
            }
        }
        return results;
    }

    /** Runs warm-up rounds until the warm-up time is spent (one round at least); the rate of the last one. */
    private static double warmUp(Context ctx, Path tool, int port, String test, int depth, Path log)
            throws IOException, InterruptedException {
        long endNs = System.nanoTime() + ctx.warmupMs() * 1_000_000;
        long n = FIRST_WARMUP_REQUESTS;
        double rate;
        do {
            rate = parseRps(Generator.run(command(ctx, tool, port, test, depth, n), Math.max(ctx.warmupMs(), 1000),
                    log), test);
            long leftMs = (endNs - System.nanoTime()) / 1_000_000;
            n = Math.max(MIN_REQUESTS, Math.round(rate * leftMs / 1e3));
        } while (System.nanoTime() - endNs < 0);
        return rate;
    }

    private static List<String> command(Context ctx, Path tool, int port, String test, int depth, long n) {
        return Generator.pinned(ctx.generatorCpus(), List.of(tool.toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(port), "-c", Integer.toString(CONNECTIONS), "-P", Integer.toString(depth),
                "-n", n == 0 ? "N" : Long.toString(n), "-t", test, "--csv"));
    }

    /**
     * The requests/s of {@code test} in redis-benchmark's {@code --csv} output ({@code "SET","81234.5",...}; the
     * latency columns that follow in 7.x are ignored).
     */
    static double parseRps(String out, String test) throws IOException {
        String prefix = "\"" + test.toUpperCase(Locale.ROOT) + "\",\"";
        for (String line : out.lines().toList()) {
            String l = line.strip();
            if (l.startsWith(prefix)) {
                String value = l.substring(prefix.length(), l.indexOf('"', prefix.length()));
                double rps = Double.parseDouble(value);
                if (rps > 0) {
                    return rps;
                }
            }
        }
        throw new IOException("no " + test.toUpperCase(Locale.ROOT) + " line in redis-benchmark's output: "
                + out.strip());
    }
}
