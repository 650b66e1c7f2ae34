package io.ringloop.bench.load;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The generator's own JVM (started by the orchestrator on the cores the server does not use). It talks to
 * the orchestrator through stdout, one line per event, so the orchestrator can read the server's CPU time
 * at the same instants as the generator opens and closes each window:
 * <pre>
 *   READY connections=50
 *   WINDOW_START 1
 *   WINDOW_END 1
 *   RESULT 1 key=value key=value ...
 *   DONE
 * </pre>
 * A failure prints {@code FAILED <reason>} and exits with status 1.
 */
@Command(name = "load", mixinStandardHelpOptions = true, description = "Echo load generator.")
public final class LoadMain implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;
    @Option(names = "--port", required = true)
    int port;
    @Option(names = "--connections", defaultValue = "1")
    int connections;
    @Option(names = "--in-flight", defaultValue = "1", description = "Messages outstanding per connection.")
    int inFlight;
    @Option(names = "--payload", defaultValue = "64", description = "Message size in bytes.")
    int payloadBytes;
    @Option(names = "--rate", defaultValue = "0", description = "Total messages/s (open loop); 0 = closed loop.")
    long rate;
    @Option(names = "--threads", defaultValue = "0", description = "0 = one per available core.")
    int threads;
    @Option(names = "--warmup-ms", defaultValue = "5000")
    long warmupMs;
    @Option(names = "--duration-ms", defaultValue = "5000")
    long durationMs;
    @Option(names = "--repeats", defaultValue = "1")
    int repeats;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        int threadCount = threads > 0 ? threads
                : Math.min(connections, Math.max(1, Runtime.getRuntime().availableProcessors()));
        LoadConfig config = new LoadConfig(host, port, connections, inFlight, payloadBytes, rate, threadCount,
                warmupMs, durationMs, repeats, 0);
        try (LoadGenerator generator = new LoadGenerator(config)) {
            generator.start();
            out.println("READY connections=" + connections);
            sleepChecking(generator, warmupMs);
            generator.resetLatencies();
            for (int i = 1; i <= repeats; i++) {
                LoadGenerator.Snapshot from = generator.snapshot();
                out.println("WINDOW_START " + i);
                sleepChecking(generator, durationMs);
                LoadGenerator.Snapshot to = generator.snapshot();
                out.println("WINDOW_END " + i);
                out.println("RESULT " + i + " " + format(generator.window(from, to, generator.latencies())));
            }
            out.println("DONE");
            return 0;
        } catch (Exception e) {
            out.println("FAILED " + e.getMessage().replace('\n', ' '));
            e.printStackTrace();
            return 1;
        }
    }

    /** Sleeps in short steps so a failed generator thread ends the run promptly. */
    private static void sleepChecking(LoadGenerator generator, long ms) throws Exception {
        long deadlineNs = System.nanoTime() + ms * 1_000_000;
        long leftNs;
        while ((leftNs = deadlineNs - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(100, leftNs / 1_000_000)));
            Throwable failure = generator.failure();
            if (failure != null) {
                throw new IllegalStateException("load thread failed: " + failure, failure);
            }
        }
    }

    static String format(Map<String, Object> window) {
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Object> e : window.entrySet()) {
            if (!line.isEmpty()) {
                line.append(' ');
            }
            Object v = e.getValue();
            line.append(e.getKey()).append('=')
                    .append(v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : v.toString());
        }
        return line.toString();
    }
}
