package io.ringloop.cli.kv;

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

/** {@code ringloop kv}: a Redis-protocol (RESP2) key-value server, until SIGINT/SIGTERM, then a graceful drain. */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = "Run a Redis-protocol key-value server (GET, SET, INCR, EXPIRE ...) until SIGINT/SIGTERM.")
public final class KvCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server = new ServerOptions(6379);

    @Option(names = "--max-bulk-mib", description = "longest bulk string accepted (default: ${DEFAULT-VALUE})")
    long maxBulkMib = KvServer.DEFAULT_MAX_BULK_BYTES >> 20;

    @Option(names = "--idle-timeout-s", description = "close a connection idle this long, 0 = never "
            + "(default: ${DEFAULT-VALUE})")
    long idleTimeoutS;

    @Override
    public Integer call() throws Exception {
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM);
        try (Ringloop rt = server.start("kv")) {
            KvServer kv = KvServer.start(rt, new InetSocketAddress(server.host, server.port), maxBulkMib << 20,
                    Duration.ofSeconds(idleTimeoutS));
            System.out.printf("ringloop kv on %s: backend %s, %d loop(s), one store shared by all loops%n",
                    kv.localAddress(), rt.backendName(), server.threads);
            System.out.flush();
            Signal s = stop.await();
            int open = kv.connections();
            boolean drained = kv.drain(Duration.ofSeconds(server.drainSeconds));
            System.out.printf("ringloop kv: SIG%s, drained %d connection(s)%s%n", s, open,
                    drained ? "" : "; the rest are cancelled");
        }
        return 0;
    }
}
