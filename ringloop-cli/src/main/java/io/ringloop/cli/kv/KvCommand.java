package io.ringloop.cli.kv;

import io.ringloop.Ringloop;
import io.ringloop.cli.ServerOptions;
import io.ringloop.net.ServerLimits;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ringloop kv}: a Redis-protocol (RESP2) key-value server, until SIGINT/SIGTERM, then a graceful drain.
 * Its limits default to {@link ServerLimits#DEFAULTS} (no timeouts, as Redis; 10,000 connections).
 */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = "Run a Redis-protocol key-value server (GET, SET, INCR, EXPIRE ...) until SIGINT/SIGTERM.")
public final class KvCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    private int port;
    private int maxBulkMib;

    @Mixin
    ServerOptions server = new ServerOptions();

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "6379",
            description = "TCP port, 0..65535; 0 = any free port (default: ${DEFAULT-VALUE})")
    void port(int value) {
        port = ServerOptions.port(spec, value);
    }

    @Option(names = "--max-bulk-mib", paramLabel = "MIB", defaultValue = "512",
            description = "longest bulk string accepted, 1..2047 MiB (default: ${DEFAULT-VALUE}, as Redis)")
    void maxBulkMib(int value) {
        maxBulkMib = ServerOptions.between(spec, "--max-bulk-mib", value, 1, 2047);
    }

    @Override
    public Integer call() throws Exception {
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM);
        try (Ringloop rt = server.start("kv")) {
            KvServer kv = KvServer.start(rt, server.address(port), (long) maxBulkMib << 20,
                    server.limits(ServerLimits.DEFAULTS), server.style());
            System.out.printf("ringloop kv on %s: backend %s, %d loop(s), %s style, one store shared by all loops%n",
                    kv.localAddress(), rt.backendName(), server.threads(),
                    server.style().name().toLowerCase(Locale.ROOT));
            System.out.flush();
            Signal s = stop.await();
            int open = kv.connections();
            boolean drained = kv.drain(Duration.ofSeconds(server.drainSeconds()));
            System.out.printf("ringloop kv: SIG%s, drained %d connection(s)%s%n", s, open,
                    drained ? "" : "; the rest are cancelled");
        }
        return 0;
    }
}
