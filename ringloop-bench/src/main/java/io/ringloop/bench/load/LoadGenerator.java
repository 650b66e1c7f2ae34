package io.ringloop.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The load generator engine: connects, spreads connections round-robin over a few selector threads, and
 * takes measurement windows. A window is the difference of two {@link Snapshot}s plus the latencies
 * recorded in between; it also reports the generator's own CPU use so a saturated generator is visible.
 */
public final class LoadGenerator implements AutoCloseable {
    private final LoadConfig config;
    private final List<LoadThread> threads = new ArrayList<>();
    private final ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean osBean =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Totals at one instant. */
    record Snapshot(long nanoTime, long messages, long errors, long sent, long lateSends,
                    long processCpuNs, long[] threadCpuNs) {
    }

    public LoadGenerator(LoadConfig config) {
        this.config = config;
    }

    /** Opens every connection (blocking connect, then non-blocking) and starts the threads. */
    public void start() throws IOException {
        for (int i = 0; i < config.threads(); i++) {
            threads.add(new LoadThread(config));
        }
        Payload payload = new Payload(config.payloadBytes());
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        int[] firstIndex = new int[threads.size()];
        Arrays.fill(firstIndex, -1);
        for (int i = 0; i < config.connections(); i++) {
            SocketChannel channel = SocketChannel.open();
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.connect(address);
            } catch (IOException e) {
                channel.close();
                close();
                throw new IOException("connect to " + address + " failed: " + e.getMessage(), e);
            }
            int t = i % threads.size();
            if (firstIndex[t] < 0) {
                firstIndex[t] = i;
            }
            threads.get(t).add(new Conn(channel, payload, threads.get(t), config.inFlight(),
                    config.maxOutstanding(), config.messagesPerConnection()));
        }
        long startNs = System.nanoTime() + 1_000_000;
        for (int t = 0; t < threads.size(); t++) {
            if (config.openLoop()) {
                // Thread t holds connections t, t+T, t+2T...: phases interleave across threads.
                threads.get(t).scheduleOpenLoop(startNs, firstIndex[t]);
            }
            threads.get(t).start("load-" + t);
        }
    }

    public Snapshot snapshot() {
        long messages = 0;
        long errors = 0;
        long sent = 0;
        long late = 0;
        long[] cpu = new long[threads.size()];
        for (int i = 0; i < threads.size(); i++) {
            LoadThread thread = threads.get(i);
            messages += thread.messages();
            errors += thread.errors();
            sent += thread.sent();
            late += thread.lateSends();
            cpu[i] = threadBean.getThreadCpuTime(thread.thread().threadId());
        }
        return new Snapshot(System.nanoTime(), messages, errors, sent, late, osBean.getProcessCpuTime(), cpu);
    }

    /** Discards the latencies recorded so far (warm-up). */
    public void resetLatencies() {
        for (LoadThread thread : threads) {
            thread.intervalHistogram();
        }
    }

    /** The latencies since the previous call, all threads merged. */
    public Histogram latencies() {
        Histogram merged = new Histogram(1, LoadThread.MAX_LATENCY_NS, 3);
        for (LoadThread thread : threads) {
            merged.add(thread.intervalHistogram());
        }
        return merged;
    }

    /** The first failure of any thread, or null. */
    public Throwable failure() {
        for (LoadThread thread : threads) {
            if (thread.failure() != null) {
                return thread.failure();
            }
        }
        return null;
    }

    /** Waits for a message-bounded run to finish. */
    public void awaitFinished() throws InterruptedException {
        for (LoadThread thread : threads) {
            thread.join();
        }
    }

    /** One window's figures as ordered key/value pairs (the protocol's RESULT line; results.json). */
    public Map<String, Object> window(Snapshot from, Snapshot to, Histogram latencies) {
        long elapsedNs = to.nanoTime() - from.nanoTime();
        long messages = to.messages() - from.messages();
        long busiestNs = 0;
        for (int i = 0; i < to.threadCpuNs().length; i++) {
            busiestNs = Math.max(busiestNs, to.threadCpuNs()[i] - from.threadCpuNs()[i]);
        }
        long cpuNs = to.processCpuNs() - from.processCpuNs();
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("elapsedNs", elapsedNs);
        w.put("messages", messages);
        w.put("bytes", messages * config.payloadBytes());
        w.put("errors", to.errors() - from.errors());
        w.put("sent", to.sent() - from.sent());
        w.put("lateSends", to.lateSends() - from.lateSends());
        w.put("msgsPerSec", messages * 1e9 / elapsedNs);
        w.put("mbPerSec", messages * (double) config.payloadBytes() * 1e3 / elapsedNs);
        w.put("p50Ns", latencies.getValueAtPercentile(50));
        w.put("p90Ns", latencies.getValueAtPercentile(90));
        w.put("p99Ns", latencies.getValueAtPercentile(99));
        w.put("p999Ns", latencies.getValueAtPercentile(99.9));
        w.put("p9999Ns", latencies.getValueAtPercentile(99.99));
        w.put("maxNs", latencies.getMaxValue());
        w.put("meanNs", (long) latencies.getMean());
        w.put("genCores", cores);
        w.put("genThreads", threads.size());
        w.put("genCpuNs", cpuNs);
        w.put("genCpuPct", 100.0 * cpuNs / ((double) elapsedNs * cores));
        w.put("genBusiestThreadPct", 100.0 * busiestNs / elapsedNs);
        return w;
    }

    @Override
    public void close() {
        for (LoadThread thread : threads) {
            if (thread.thread() != null) {
                thread.requestStop();
            }
        }
        for (LoadThread thread : threads) {
            if (thread.thread() == null) {
                thread.closeUnstarted();
            } else {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
