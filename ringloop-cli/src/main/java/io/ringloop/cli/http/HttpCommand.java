package io.ringloop.cli.http;

import io.ringloop.Ringloop;
import io.ringloop.cli.ServerOptions;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ringloop http}: the HTTP/1.1 server, until SIGINT/SIGTERM, then a graceful drain. */
@Command(name = "http", mixinStandardHelpOptions = true,
        description = "Run an HTTP/1.1 server (GET /plaintext, GET /json, POST /echo) until SIGINT/SIGTERM.")
public final class HttpCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    private int port;
    private int headerTimeoutMs;
    private int idleTimeoutS;
    private int maxBodyKib;

    @Mixin
    ServerOptions server = new ServerOptions();

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "TCP port, 0..65535; 0 = any free port (default: ${DEFAULT-VALUE})")
    void port(int value) {
        port = ServerOptions.port(spec, value);
    }

    @Option(names = "--header-timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "a request head must arrive within this long, >= 1; 408 after it "
                    + "(default: ${DEFAULT-VALUE})")
    void headerTimeoutMs(int value) {
        headerTimeoutMs = ServerOptions.between(spec, "--header-timeout-ms", value, 1, Integer.MAX_VALUE);
    }

    @Option(names = "--idle-timeout-s", paramLabel = "S", defaultValue = "60",
            description = "close a connection idle this long, >= 0; 0 = never (default: ${DEFAULT-VALUE})")
    void idleTimeoutS(int value) {
        idleTimeoutS = ServerOptions.between(spec, "--idle-timeout-s", value, 0, Integer.MAX_VALUE);
    }

    @Option(names = "--max-body-kib", paramLabel = "KIB", defaultValue = "1024",
            description = "largest request body, 0..2097151 KiB; 413 past it (default: ${DEFAULT-VALUE})")
    void maxBodyKib(int value) {
        maxBodyKib = ServerOptions.between(spec, "--max-body-kib", value, 0, 2_097_151);
    }

    @Override
    public Integer call() throws Exception {
        HttpConfig config = HttpConfig.DEFAULTS.withHeaderTimeout(Duration.ofMillis(headerTimeoutMs))
                .withIdleTimeout(Duration.ofSeconds(idleTimeoutS)).withMaxBodyBytes(maxBodyKib * 1024L);
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM);
        try (Ringloop rt = server.start("http")) {
            HttpServer http = HttpServer.start(rt, server.address(port), config);
            System.out.printf("ringloop http on %s: backend %s, %d loop(s)%n", http.localAddress(),
                    rt.backendName(), server.threads());
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
