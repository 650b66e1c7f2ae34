package io.ringloop.cli.server;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The options every protocol server command shares (a picocli mixin), and the runtime they describe. */
public final class ServerOptions {
    @Option(names = "--port", description = "TCP port (default: ${DEFAULT-VALUE}; 0 = any free port)")
    public int port;

    @Option(names = "--host", description = "address to bind (default: ${DEFAULT-VALUE})")
    public String host = "0.0.0.0";

    @Option(names = "--backend", description = "auto, io_uring, epoll or nio (default: ${DEFAULT-VALUE})")
    public String backend = "auto";

    @Option(names = "--threads", description = "event loops, one SO_REUSEPORT listener each "
            + "(default: ${DEFAULT-VALUE})")
    public int threads = 1;

    @Option(names = "--pin", description = "pin loop i to CPU i (default: ${DEFAULT-VALUE})")
    public boolean pin;

    @Option(names = "--drain-s", description = "on SIGINT/SIGTERM, wait this long for busy connections "
            + "(default: ${DEFAULT-VALUE})")
    public long drainSeconds = 5;

    public ServerOptions() {
    }

    public ServerOptions(int defaultPort) {
        this.port = defaultPort;
    }

    /** Starts the runtime these options describe. */
    public Ringloop start(String name) throws IOException {
        return Ringloop.builder().backend(parseBackend(backend)).threads(threads).pinCpus(pin).name(name).start();
    }

    public static Backend parseBackend(String name) {
        return switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "auto" -> Backend.AUTO;
            case "io_uring", "iouring", "uring" -> Backend.IO_URING;
            case "epoll" -> Backend.EPOLL;
            case "nio" -> Backend.NIO;
            default -> throw new IllegalArgumentException("--backend must be auto, io_uring, epoll or nio: " + name);
        };
    }
}
