package io.ringloop.bench.proto;

import io.ringloop.bench.run.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code http} scenario's loads, driven by wrk against {@code GET /plaintext}: 256 connections, one request
 * in flight each ("plain"), and the same with 16 requests written at once per connection by a Lua script
 * ("pipelined-16", the TechEmpower way). A response that is not 2xx/3xx, or a socket error, fails the load.
 */
final class HttpLoads {
    static final String NAME = "http";
    /** The same loads over TLS: wrk's {@code https://} (OpenSSL, no certificate check) against HTTPS servers. */
    static final String HTTPS_NAME = "https";
    /**
     * Connections of an https load: fewer than http's, since every wrk run opens its connections anew and 256
     * handshakes on the JDK's engine take the server's one core for seconds, which would be most of the run.
     */
    static final int HTTPS_CONNECTIONS = 32;
    static final int CONNECTIONS = 256;
    static final int PIPELINE_DEPTH = 16;
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m)\\b");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    /** wrk's own pipelining example: {@code depth} requests in one write; wrk counts each response. */
    static final String PIPELINE_LUA = """
            init = function(args)
               local depth = tonumber(args[1]) or 1
               local r = {}
               for i = 1, depth do
                  r[i] = wrk.format(nil)
               end
               req = table.concat(r)
            end

            request = function()
               return req
            end
            """;

    private HttpLoads() {
    }

    /** What wrk reported: responses counted, over how many seconds. */
    record WrkReport(long requests, double seconds) {
    }

    static List<ProtoResult> run(Context ctx, Path wrk, String serverId, String family, ServerProcess server)
            throws InterruptedException, IOException {
        return run(ctx, wrk, NAME, serverId, family, server);
    }

    /** The loads of {@code scenario}: {@link #NAME} over plain TCP, {@link #HTTPS_NAME} over TLS. */
    static List<ProtoResult> run(Context ctx, Path wrk, String scenario, String serverId, String family,
                                 ServerProcess server) throws InterruptedException, IOException {
        boolean https = scenario.equals(HTTPS_NAME);
        String scheme = https ? "https" : "http";
        int connections = https ? HTTPS_CONNECTIONS : CONNECTIONS;
        Path script = ctx.dir().resolve("pipeline.lua");
        if (!Files.exists(script)) {
            Files.writeString(script, PIPELINE_LUA);
        }
        List<ProtoResult> results = new ArrayList<>();
        for (int depth : new int[] {1, PIPELINE_DEPTH}) {
            String load = depth == 1 ? "plain c" + connections : "pipelined-" + depth + " c" + connections;
            Path log = ctx.logDir().resolve(scenario + "-" + serverId + ".load.log");
            List<String> measured = command(ctx, wrk, script, depth, scheme, connections, server.port(),
                    Context.wholeSeconds(ctx.durationMs()));
            try {
                if (ctx.warmupMs() > 0) {
                    Generator.run(command(ctx, wrk, script, depth, scheme, connections, server.port(),
                            Context.wholeSeconds(ctx.warmupMs())), ctx.warmupMs(), log);
                }
                long cpu0 = server.cpuNs();
                String out = Generator.run(measured, ctx.durationMs(), log);
                long cpuNs = server.cpuNs() - cpu0;
                WrkReport report = parse(out);
                results.add(new ProtoResult(scenario, load, serverId, family, report.requests(), report.seconds(),
                        cpuNs, String.join(" ", measured), "ok", ""));
            } catch (IOException e) {
                results.add(ProtoResult.failed(scenario, load, serverId, family, String.join(" ", measured),
                        e.getMessage()));
            }
        }
        return results;
    }

    private static List<String> command(Context ctx, Path wrk, Path script, int depth, String scheme,
                                        int connections, int port, long seconds) {
        List<String> cmd = new ArrayList<>(List.of(wrk.toString(), "-t" + ctx.generatorThreads(),
                "-c" + connections, "-d" + seconds + "s"));
        if (depth > 1) {
            cmd.addAll(List.of("-s", script.toString()));
        }
        cmd.add(scheme + "://127.0.0.1:" + port + "/plaintext");
        if (depth > 1) {
            cmd.addAll(List.of("--", Integer.toString(depth)));
        }
        return Generator.pinned(ctx.generatorCpus(), cmd);
    }

    /** Reads wrk's summary; throws when it shows failed responses or socket errors, or no (or a zero) count. */
    static WrkReport parse(String out) throws IOException {
        Matcher m = REQUESTS.matcher(out);
        if (!m.find()) {
            throw new IOException("no 'N requests in T' line in wrk's output: " + out.strip());
        }
        long requests = Long.parseLong(m.group(1));
        if (requests == 0) { // e.g. every connection still in its TLS handshake when the run ended
            throw new IOException("wrk got no response (" + m.group() + "): the server answered nothing in time");
        }
        double t = Double.parseDouble(m.group(2));
        double seconds = switch (m.group(3)) {
            case "us" -> t / 1e6;
            case "ms" -> t / 1e3;
            case "m" -> t * 60;
            default -> t;
        };
        Matcher bad = NON_2XX.matcher(out);
        if (bad.find()) {
            throw new IOException(bad.group(1) + " responses were not 2xx/3xx (wrk: " + m.group() + ")");
        }
        Matcher errors = SOCKET_ERRORS.matcher(out);
        if (errors.find()) {
            long sum = 0;
            for (int i = 1; i <= 4; i++) {
                sum += Long.parseLong(errors.group(i));
            }
            if (sum > 0) {
                throw new IOException(String.format(Locale.ROOT, "wrk saw socket errors (%s)", errors.group()));
            }
        }
        return new WrkReport(requests, seconds);
    }
}
