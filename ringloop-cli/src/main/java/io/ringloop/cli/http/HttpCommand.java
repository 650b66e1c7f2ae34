package io.ringloop.cli.http;

import io.ringloop.Ringloop;
import io.ringloop.cli.server.ServerOptions;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ringloop http}: the HTTP/1.1 server, until SIGINT/SIGTERM, then a graceful drain. */
@Command(name = "http", mixinStandardHelpOptions = true,
        description = "Run an HTTP/1.1 server (GET /plaintext, GET /json, POST /echo) until SIGINT/SIGTERM.")
public final class HttpCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server = new ServerOptions(8080);

    @Option(names = "--header-timeout-ms", description = "a request head must arrive within this long "
            + "(408 after it) (default: ${DEFAULT-VALUE})")
    long headerTimeoutMs = 10_000;

    @Option(names = "--idle-timeout-s", description = "close a connection idle this long, 0 = never "
            + "(default: ${DEFAULT-VALUE})")
    long idleTimeoutS = 60;

    @Option(names = "--max-body-kib", description = "largest request body (413 past it) (default: ${DEFAULT-VALUE})")
    long maxBodyKib = 1024;

    @Override
    public Integer call() throws Exception {
        HttpConfig config = HttpConfig.DEFAULTS.withHeaderTimeout(Duration.ofMillis(headerTimeoutMs))
                .withIdleTimeout(Duration.ofSeconds(idleTimeoutS)).withMaxBodyBytes(maxBodyKib * 1024);
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM);
        try (Ringloop rt = server.start("http")) {
            HttpServer http = HttpServer.start(rt, new InetSocketAddress(server.host, server.port), config);
            System.out.printf("ringloop http on %s: backend %s, %d loop(s)%n", http.localAddress(),
                    rt.backendName(), server.threads);
            System.out.flush();
            Signal s = stop.await();
            int open = http.connections();
            boolean drained = http.drain(Duration.ofSeconds(server.drainSeconds));
            System.out.printf("ringloop http: SIG%s, drained %d connection(s)%s%n", s, open,
                    drained ? "" : "; the rest are cancelled");
        }
        return 0;
    }
}
