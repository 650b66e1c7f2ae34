package io.ringloop.bench.load;

import io.ringloop.bench.run.ProcStat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The two ends of the proxy benchmark, in one JVM pinned away from the proxy: clients that send a number of
 * bytes each through the proxy and half-close, and the target, a sink that reads every connection to its end
 * and closes it. A run is timed from the first client's connect until the sink has every byte; the proxy's CPU
 * time ({@code /proc/<pid>/stat}) is read around the measured run only. Prints one line:
 * {@code RESULT bytes=<n> seconds=<s> proxyCpuNs=<n>}.
 *
 * <p>{@code --proxy-port P --sink-port S --proxy-pid PID --bytes N --warmup-bytes W --connections C}: the sink
 * listens on S (the proxy was started with it as its target), the warm-up moves W bytes the same way first.
 */
public final class ProxyLoad {
    private static final int CHUNK = 256 * 1024;

    private final Object lock = new Object();
    /** Bytes the sink has read, all connections; guarded by {@link #lock}. */
    private long sunk;

    private ProxyLoad() {
    }

    public static void main(String[] args) throws Exception {
        int proxyPort = -1;
        int sinkPort = -1;
        long pid = -1;
        long bytes = 1L << 30;
        long warmup = 256L << 20;
        int connections = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--proxy-port" -> proxyPort = Integer.parseInt(v);
                case "--sink-port" -> sinkPort = Integer.parseInt(v);
                case "--proxy-pid" -> pid = Long.parseLong(v);
                case "--bytes" -> bytes = Long.parseLong(v);
                case "--warmup-bytes" -> warmup = Long.parseLong(v);
                case "--connections" -> connections = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        ProxyLoad load = new ProxyLoad();
        try (ServerSocketChannel sink = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            sink.bind(new InetSocketAddress("127.0.0.1", sinkPort), 1024);
            Thread.ofPlatform().daemon().name("sink-accept").start(() -> load.serve(sink));
            System.out.println("SINK ready");
            System.out.flush();
            // Started after the sink: the orchestrator tells us the proxy's port and pid once it runs.
            load.run(proxyPort, warmup, connections);
            long cpu0 = ProcStat.cpuNs(pid);
            long t0 = System.nanoTime();
            load.run(proxyPort, bytes, connections);
            long t1 = System.nanoTime();
            long cpu1 = ProcStat.cpuNs(pid);
            System.out.printf(Locale.ROOT, "RESULT bytes=%d seconds=%.4f proxyCpuNs=%d%n", bytes, (t1 - t0) / 1e9,
                    cpu1 - cpu0);
        }
    }

    private void serve(ServerSocketChannel sink) {
        while (true) {
            SocketChannel c;
            try {
                c = sink.accept();
            } catch (IOException e) {
                return; // closed at the end
            }
            Thread.ofPlatform().daemon().start(() -> drain(c));
        }
    }

    private void drain(SocketChannel c) {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (c) {
            int n;
            while ((n = c.read(buf.clear())) >= 0) {
                synchronized (lock) {
                    sunk += n;
                    lock.notifyAll();
                }
            }
        } catch (IOException ignore) {
            // the proxy went away: the run waiting for these bytes reports the shortfall
        }
    }

    /** Sends {@code bytes} through the proxy over {@code connections} and waits for the sink to have them. */
    private void run(int proxyPort, long bytes, int connections) throws Exception {
        long start;
        synchronized (lock) {
            start = sunk;
        }
        long each = bytes / connections;
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            long mine = i == connections - 1 ? bytes - each * (connections - 1) : each;
            clients.add(Thread.ofPlatform().start(() -> send(proxyPort, mine)));
        }
        for (Thread t : clients) {
            t.join();
        }
        long deadlineNs = System.nanoTime() + 300_000_000_000L; // a stuck proxy fails the run, never hangs it
        synchronized (lock) {
            while (sunk - start < bytes) {
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new IllegalStateException("the sink got " + (sunk - start) + " of " + bytes + " bytes");
                }
                lock.wait(1_000);
            }
        }
    }

    private static void send(int proxyPort, long bytes) {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", proxyPort))) {
            for (long left = bytes; left > 0; ) {
                buf.clear().limit((int) Math.min(CHUNK, left));
                left -= c.write(buf);
            }
            c.shutdownOutput();
            while (c.read(buf.clear()) >= 0) {
                // until the proxy closes after the target's close
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
