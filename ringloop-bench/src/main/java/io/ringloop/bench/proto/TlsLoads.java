package io.ringloop.bench.proto;

import io.ringloop.bench.run.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code tls} scenario's loads: one TLS connection of 1 KiB messages, ping-pong ({@code window 1}) and 16
 * in flight, driven by {@link TlsEchoClient} in its own JVM (TLS 1.3 as the JDK negotiates by default on both
 * sides); the figure is server CPU per message.
 */
final class TlsLoads {
    static final String NAME = "tls";
    static final int MESSAGE_BYTES = 1024;
    private static final Pattern REPORT = Pattern.compile("msgs=(\\d+) seconds=([0-9.]+) serverCpuNs=(\\d+)");

    private TlsLoads() {
    }

    static List<ProtoResult> run(Context ctx, String serverId, String family, ServerProcess server)
            throws InterruptedException {
        List<ProtoResult> results = new ArrayList<>();
        for (int window : new int[] {1, 16}) {
            String load = "1 conn, window " + window + ", " + MESSAGE_BYTES + " B";
            List<String> command = ctx.launcher().command(ctx.generatorCpus(), List.of(),
                    TlsEchoClient.class.getName(), List.of(Integer.toString(server.port()),
                            Long.toString(server.pid()), Integer.toString(window), Integer.toString(MESSAGE_BYTES),
                            Long.toString(ctx.warmupMs()), Long.toString(ctx.durationMs())));
            // As the report shows it: the class path (every jar of the bench) left out.
            String shown = (ctx.generatorCpus() != null ? "taskset -c " + ctx.generatorCpus() + " " : "")
                    + "java -cp <bench class path> " + String.join(" ", command.subList(command.indexOf(
                    TlsEchoClient.class.getName()), command.size()));
            try {
                String out = Generator.run(command, ctx.warmupMs() + ctx.durationMs(),
                        ctx.logDir().resolve(NAME + "-" + serverId + ".load.log"));
                Matcher m = REPORT.matcher(out);
                if (!m.find()) {
                    throw new IOException("no report line from the TLS client: " + out.strip());
                }
                results.add(new ProtoResult(NAME, load, serverId, family, Long.parseLong(m.group(1)),
                        Double.parseDouble(m.group(2)), Long.parseLong(m.group(3)), shown, "ok", ""));
            } catch (IOException e) {
                results.add(ProtoResult.failed(NAME, load, serverId, family, shown, e.getMessage()));
            }
        }
        return results;
    }
}
