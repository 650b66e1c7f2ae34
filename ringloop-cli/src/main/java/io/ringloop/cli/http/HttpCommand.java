package io.ringloop.cli.http;

import io.ringloop.Ringloop;
import io.ringloop.cli.ServerOptions;
import io.ringloop.cli.ServerStyle;
import io.ringloop.cli.TlsOptions;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import io.ringloop.tls.TlsConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ringloop http}: the HTTP/1.1 server, until SIGINT/SIGTERM, then a graceful drain. Its limits default to
 * {@link HttpConfig#LIMITS} (request timeout 10 s, 408 past it; idle and write timeouts 60 s; 10,000
 * connections). With {@code --tls} it serves HTTPS ({@link TlsOptions}), in either style.
 */
@Command(name = "http", mixinStandardHelpOptions = true,
        description = "Run an HTTP/1.1 (or HTTPS) server (GET /plaintext, GET /json, POST /echo) until SIGINT/SIGTERM.")
public final class HttpCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    private int port;
    private int maxBodyKib;

    @Mixin
    ServerOptions server = new ServerOptions();

    @Mixin
    TlsOptions tls = new TlsOptions();

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "TCP port, 0..65535; 0 = any free port (default: ${DEFAULT-VALUE})")
    void port(int value) {
        port = ServerOptions.port(spec, value);
    }

    @Option(names = "--max-body-kib", paramLabel = "KIB", defaultValue = "1024",
            description = "largest request body, 0..2097151 KiB; 413 past it (default: ${DEFAULT-VALUE})")
    void maxBodyKib(int value) {
        maxBodyKib = ServerOptions.between(spec, "--max-body-kib", value, 0, 2_097_151);
    }

    @Override
    public Integer call() throws Exception {
        HttpConfig config = HttpConfig.DEFAULTS.withMaxBodyBytes(maxBodyKib * 1024L);
        TlsConfig tlsConfig = tls.serverConfig(null);
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM);
        try (Ringloop rt = server.start("http")) {
            HttpServer http = HttpServer.start(rt, server.address(port), config, server.limits(HttpConfig.LIMITS),
                    server.style(), tlsConfig);
            System.out.printf("ringloop http on %s: backend %s, %d loop(s), %s style%s%n", http.localAddress(),
                    rt.backendName(), server.threads(), server.style().name().toLowerCase(Locale.ROOT),
                    tls.enabled() ? ", " + tls.describe() : "");
            System.out.flush();
            Signal s = stop.await();
            int open = http.connections();
            boolean drained = http.drain(Duration.ofSeconds(server.drainSeconds()));
            System.out.printf("ringloop http: SIG%s, drained %d connection(s)%s%n", s, open,
                    drained ? "" : "; the rest are cancelled");
        }
        return 0;
    }
}
