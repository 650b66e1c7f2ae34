package io.ringloop.cli.proxy;

import io.ringloop.Ringloop;
import io.ringloop.cli.ServerOptions;
import io.ringloop.net.CopyMode;
import io.ringloop.net.StreamCopy;
import io.ringloop.net.TcpServer;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ringloop proxy --listen PORT --to HOST:PORT}: a TCP proxy ({@link ProxyServer}) until SIGINT or SIGTERM.
 * Options are checked while parsing, as {@code echo}'s are: a bad value is one usage line and nothing starts.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run a TCP proxy to HOST:PORT until SIGINT/SIGTERM.")
public final class ProxyCommand implements Callable<Integer> {
    /** Largest --buffer-kib: StreamCopy's own limit. */
    static final int MAX_BUFFER_KIB = StreamCopy.MAX_BUFFER_BYTES / 1024;

    @Spec
    private CommandSpec spec;
    @Mixin
    ServerOptions server = new ServerOptions();
    int listenPort;
    String toHost;
    int toPort;
    private int bufferKib;

    @Option(names = "--copy", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (the measured better), memory or splice (io_uring and epoll: socket -> pipe -> "
                    + "socket in the kernel) (default: ${DEFAULT-VALUE})")
    void copy(String value) {
        try {
            mode = CopyMode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--copy: expected auto, memory or splice, got '"
                    + value + "'");
        }
    }

    CopyMode mode;

    @Option(names = "--listen", paramLabel = "PORT", required = true,
            description = "TCP port to accept clients on, 0..65535; 0 = any free port")
    void listen(int value) {
        listenPort = ServerOptions.between(spec, "--listen", value, 0, 65535);
    }

    @Option(names = "--to", paramLabel = "HOST:PORT", required = true,
            description = "the target: a name or address and a port 1..65535 ([v6]:port for IPv6 literals)")
    void to(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon > 0 ? value.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            host = ""; // an IPv6 literal needs brackets, or its last group reads as the port
        }
        if (host.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--to: expected HOST:PORT, got '" + value + "'");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--to: '" + value.substring(colon + 1)
                    + "' is not a port");
        }
        toPort = ServerOptions.between(spec, "--to port", port, 1, 65535);
        toHost = host;
    }

    @Option(names = "--buffer-kib", paramLabel = "KIB", defaultValue = "64", description = "per direction of a "
            + "connection (a buffer, or a pipe's size for splice), 1.." + MAX_BUFFER_KIB + " (default: "
            + "${DEFAULT-VALUE})")
    void bufferKib(int value) {
        bufferKib = ServerOptions.between(spec, "--buffer-kib", value, 1, MAX_BUFFER_KIB);
    }

    /** Host, port and copy mode as parsed, for the tests of the command line. */
    public List<Object> target() {
        return List.of(toHost, toPort, mode);
    }

    @Override
    public Integer call() throws Exception {
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM);
        ProxyServer proxy = new ProxyServer(toHost, toPort, mode, bufferKib * 1024, System.err);
        try (Ringloop rt = server.start("proxy")) {
            TcpServer s = proxy.serve(rt, server.address(listenPort));
            System.out.println("ringloop proxy: port " + s.localAddress().getPort() + " -> " + proxy.target() + ", "
                    + rt.backendName() + ", " + server.threads() + (server.threads() == 1 ? " loop" : " loops")
                    + ", copy " + mode.name().toLowerCase(Locale.ROOT));
            System.out.flush();
            Signal sig = stop.await();
            long n = proxy.connections();
            System.out.println("ringloop proxy: SIG" + sig + ", closing; " + n
                    + (n == 1 ? " connection, " : " connections, ") + proxy.failures() + " failed, " + proxy.bytes()
                    + " bytes copied");
            rt.shutdown(Duration.ofSeconds(server.drainSeconds()));
        }
        return 0;
    }
}
