package io.ringloop.cli.kv;

import io.ringloop.Ringloop;
import io.ringloop.net.ServerLimits;
import io.ringloop.net.TcpServer;
import io.ringloop.task.JoinHandle;
import io.ringloop.time.Time;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The Redis-protocol server of {@code ringloop kv}: one listener per loop (SO_REUSEPORT), a task per
 * connection ({@link KvConnection}), one {@link KvStore} shared by all loops, and a task on the first loop that
 * samples the store for expired keys every 100 ms. Connections are limited by the server's {@link ServerLimits}:
 * a command that does not arrive whole within the request timeout closes its connection (as does the idle
 * timeout between commands, and the write timeout).
 */
public final class KvServer {
    /** Redis's proto-max-bulk-len. */
    public static final long DEFAULT_MAX_BULK_BYTES = 512L << 20;
    private static final Duration SWEEP_PERIOD = Duration.ofMillis(100);
    private static final int SWEEP_BUDGET = 1000;

    private final TcpServer server;
    private final JoinHandle<Void> sweeper;

    private KvServer(TcpServer server, JoinHandle<Void> sweeper) {
        this.server = server;
        this.sweeper = sweeper;
    }

    /**
     * Serves on {@code address} under {@code limits}; bulks longer than {@code maxBulkBytes} are refused with a
     * protocol error.
     */
    public static KvServer start(Ringloop rt, InetSocketAddress address, long maxBulkBytes, ServerLimits limits)
            throws IOException {
        if (maxBulkBytes < 1 || maxBulkBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("kv: max bulk length must be 1 to 2 GiB: " + maxBulkBytes);
        }
        KvStore store = new KvStore();
        TcpServer server = rt.serve(address, TcpServer.Spread.REUSE_PORT, limits,
                s -> KvConnection.serve(s, store, maxBulkBytes));
        JoinHandle<Void> sweeper = rt.spawnOn(0, () -> {
            while (true) {
                Time.sleep(SWEEP_PERIOD);
                store.expireSome(SWEEP_BUDGET);
            }
        });
        return new KvServer(server, sweeper);
    }

    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    public int connections() {
        return server.connections();
    }

    /** Stops accepting, closes idle connections, lets busy ones answer, waits up to {@code timeout}. */
    public boolean drain(Duration timeout) throws IOException, InterruptedException {
        sweeper.cancel();
        return server.drain(timeout);
    }
}
