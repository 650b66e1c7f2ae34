package io.ringloop.cli.kv;

import io.ringloop.Ringloop;
import io.ringloop.cli.ServerStyle;
import io.ringloop.frame.FrameOptions;
import io.ringloop.frame.FrameServer;
import io.ringloop.net.ServerLimits;
import io.ringloop.net.TcpServer;
import io.ringloop.task.JoinHandle;
import io.ringloop.time.Time;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The Redis-protocol server of {@code ringloop kv}, in one of two styles ({@link ServerStyle}): one listener per
 * loop (SO_REUSEPORT) and a task per connection ({@link KvConnection}), or the framing API ({@link KvFrameHandler}
 * on a {@link FrameServer}); either way one {@link KvStore} shared by all loops, and a task on the first loop that
 * samples the store for expired keys every 100 ms. Connections are limited by the server's {@link ServerLimits}:
 * a command that does not arrive whole within the request timeout closes its connection (as does the idle
 * timeout between commands, and the write timeout).
 */
public final class KvServer {
    /** Redis's proto-max-bulk-len. */
    public static final long DEFAULT_MAX_BULK_BYTES = 512L << 20;
    private static final Duration SWEEP_PERIOD = Duration.ofMillis(100);
    private static final int SWEEP_BUDGET = 1000;

    /** One of the two, by style. */
    private final TcpServer server;
    private final FrameServer framing;
    private final JoinHandle<Void> sweeper;

    private KvServer(TcpServer server, FrameServer framing, JoinHandle<Void> sweeper) {
        this.server = server;
        this.framing = framing;
        this.sweeper = sweeper;
    }

    /**
     * Serves on {@code address} under {@code limits}; bulks longer than {@code maxBulkBytes} are refused with a
     * protocol error.
     */
    public static KvServer start(Ringloop rt, InetSocketAddress address, long maxBulkBytes, ServerLimits limits)
            throws IOException {
        return start(rt, address, maxBulkBytes, limits, ServerStyle.TASK);
    }

    /**
     * Serves on {@code address} under {@code limits} in {@code style}: a task per connection, or a
     * {@link KvFrameHandler} per connection on a {@link FrameServer} (frames up to {@link RespParser#window()}).
     */
    public static KvServer start(Ringloop rt, InetSocketAddress address, long maxBulkBytes, ServerLimits limits,
                                 ServerStyle style) throws IOException {
        if (maxBulkBytes < 1 || maxBulkBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("kv: max bulk length must be 1 to 2 GiB: " + maxBulkBytes);
        }
        KvStore store = new KvStore();
        TcpServer server = null;
        FrameServer framing = null;
        if (style == ServerStyle.TASK) {
            server = rt.serve(address, TcpServer.Spread.REUSE_PORT, limits,
                    s -> KvConnection.serve(s, store, maxBulkBytes));
        } else {
            framing = FrameServer.start(rt.loops(), address, limits,
                    FrameOptions.DEFAULTS.withMaxFrame(RespParser.window()),
                    () -> new KvFrameHandler(store, maxBulkBytes));
        }
        JoinHandle<Void> sweeper = rt.spawnOn(0, () -> {
            while (true) {
                Time.sleep(SWEEP_PERIOD);
                store.expireSome(SWEEP_BUDGET);
            }
        });
        return new KvServer(server, framing, sweeper);
    }

    public InetSocketAddress localAddress() {
        return server != null ? server.localAddress() : framing.localAddress();
    }

    public int connections() {
        return server != null ? server.connections() : framing.openConnections();
    }

    /** Stops accepting, closes idle connections, lets busy ones answer, waits up to {@code timeout}. */
    public boolean drain(Duration timeout) throws IOException, InterruptedException {
        sweeper.cancel();
        return server != null ? server.drain(timeout) : framing.drain(timeout);
    }
}
