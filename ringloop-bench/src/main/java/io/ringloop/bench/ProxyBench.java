package io.ringloop.bench;

import io.ringloop.bench.load.ProxyLoad;
import io.ringloop.bench.run.Cpus;
import io.ringloop.bench.run.JvmLauncher;
import io.ringloop.bench.run.ServerCatalog;
import io.ringloop.bench.server.NettyProxyServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./ringloop bench --scenarios proxy}: {@code ringloop proxy} (io_uring and epoll, copying through memory
 * and with splice) beside the same proxy written with Netty 4.2 ({@link NettyProxyServer}, epoll and io_uring
 * transports). Each proxy runs in its own JVM pinned to the first CPU; {@link ProxyLoad} (clients and the target,
 * a sink) in another pinned to the rest. Per proxy: a warm-up, then {@code -Dringloop.bench.proxyMib} MiB
 * (default 1024) over {@code -Dringloop.bench.proxyConnections} connections (default 1), one way, client to
 * target; reported: throughput, and the proxy's CPU time (user + system, all threads) per MiB moved.
 */
public final class ProxyBench {
    public static final String NAME = "proxy";

    private ProxyBench() {
    }

    /** A proxy under test: its label and the command line of its JVM (port and target filled in). */
    private record Competitor(String label, List<String> jvmFlags, String mainClass, List<String> args) {
    }

    private static List<Competitor> competitors(int port, int sinkPort) {
        List<Competitor> all = new ArrayList<>();
        for (String backend : List.of("io_uring", "epoll")) {
            for (String copy : List.of("memory", "splice", "splice-sqe")) {
                if (copy.equals("splice-sqe") && !backend.equals("io_uring")) {
                    continue;
                }
                // splice-sqe: IORING_OP_SPLICE submissions instead of splice(2) after a poll (driver.uring)
                List<String> flags = copy.equals("splice-sqe") ? List.of("-Dringloop.uring.spliceSqe=true")
                        : List.of();
                all.add(new Competitor("ringloop " + backend + " " + copy, flags, ServerCatalog.RINGLOOP_MAIN,
                        List.of("proxy", "--listen", Integer.toString(port), "--to", "127.0.0.1:" + sinkPort,
                                "--host", "127.0.0.1", "--backend", backend, "--copy",
                                copy.startsWith("splice") ? "splice" : copy)));
            }
        }
        for (String transport : List.of("epoll", "io_uring")) {
            all.add(new Competitor("netty " + transport, List.of(), NettyProxyServer.class.getName(),
                    List.of("--port", Integer.toString(port), "--to-port", Integer.toString(sinkPort),
                            "--transport", transport)));
        }
        return all;
    }

    /** Runs every competitor once; 0, or 1 when one failed (its line says why). */
    public static int run(boolean pin) throws Exception {
        long mib = Long.getLong("ringloop.bench.proxyMib", 1024);
        int connections = Integer.getInteger("ringloop.bench.proxyConnections", 1);
        Cpus cpus = Cpus.current();
        boolean pinned = pin && cpus.allowed().size() > 1;
        String proxyCpu = pinned ? Integer.toString(cpus.allowed().getFirst()) : null;
        String loadCpus = pinned ? joined(cpus.allowed().subList(1, cpus.allowed().size())) : null;
        JvmLauncher launcher = new JvmLauncher(pinned);
        System.out.printf(Locale.ROOT, "proxy benchmark: %d MiB over %d connection(s), one way; proxy on CPU %s, "
                + "clients and sink on CPU %s%n", mib, connections, proxyCpu, loadCpus);
        System.out.printf(Locale.ROOT, "%-24s %10s %16s%n", "proxy", "MiB/s", "CPU ms per GiB");
        int status = 0;
        for (Competitor c : competitors(free(), free())) {
            try {
                status |= once(launcher, proxyCpu, loadCpus, c, mib, connections);
            } catch (IOException | RuntimeException e) {
                System.out.printf(Locale.ROOT, "%-24s failed: %s%n", c.label(), e.getMessage());
                status = 1;
            }
        }
        return status;
    }

    private static int once(JvmLauncher launcher, String proxyCpu, String loadCpus, Competitor c, long mib,
                            int connections) throws Exception {
        int port = Integer.parseInt(c.args().get(c.args().indexOf(c.label().startsWith("netty") ? "--port"
                : "--listen") + 1));
        String to = c.label().startsWith("netty") ? c.args().get(c.args().indexOf("--to-port") + 1)
                : c.args().get(c.args().indexOf("--to") + 1).substring("127.0.0.1:".length());
        Process proxy = null;
        Process loader = null;
        try {
            // The proxy connects to its target (the load's sink) per client connection only, so it starts first.
            proxy = start(launcher.command(proxyCpu, c.jvmFlags(), c.mainClass(), c.args()));
            String banner = reader(proxy).readLine();
            if (banner == null || !banner.contains("proxy")) {
                throw new IOException("the proxy did not start: " + banner);
            }
            loader = start(launcher.command(loadCpus, List.of(), ProxyLoad.class.getName(), List.of(
                    "--proxy-port", Integer.toString(port), "--sink-port", to, "--proxy-pid",
                    Long.toString(proxy.pid()), "--bytes", Long.toString(mib << 20), "--warmup-bytes",
                    Long.toString(Math.min(mib, 256) << 20), "--connections", Integer.toString(connections))));
            String result = null;
            BufferedReader out = reader(loader);
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("RESULT ")) {
                    result = line;
                    break;
                }
            }
            if (result == null) {
                throw new IOException("no result: the load exited with " + loader.waitFor());
            }
            long bytes = Long.parseLong(field(result, "bytes"));
            double seconds = Double.parseDouble(field(result, "seconds"));
            long cpuNs = Long.parseLong(field(result, "proxyCpuNs"));
            double gib = bytes / (double) (1L << 30);
            System.out.printf(Locale.ROOT, "%-24s %10.0f %16.0f%n", c.label(), bytes / (double) (1 << 20) / seconds,
                    cpuNs / 1e6 / gib);
            return 0;
        } finally {
            stop(loader);
            stop(proxy);
        }
    }

    private static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static BufferedReader reader(Process p) {
        return p.inputReader(StandardCharsets.UTF_8);
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static String field(String line, String name) {
        for (String part : line.split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new IllegalArgumentException("no " + name + " in " + line);
    }

    private static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String joined(List<Integer> cpus) {
        StringBuilder b = new StringBuilder();
        for (int c : cpus) {
            b.append(b.isEmpty() ? "" : ",").append(c);
        }
        return b.toString();
    }
}
