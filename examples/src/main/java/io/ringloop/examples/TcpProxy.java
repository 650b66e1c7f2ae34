package io.ringloop.examples;

import io.ringloop.Ringloop;
import io.ringloop.net.TcpServer;
import io.ringloop.net.TcpStream;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * TCP proxy: every connection accepted is connected to the target ({@code host port}; a name is resolved off
 * the loop) and bytes are copied both ways, one task per direction, each with its own buffer. When one side
 * ends its stream the proxy ends the other side's output (a half close, so a request/response protocol still
 * gets its answer) and both are closed once both directions are done.
 *
 * <p>{@code java ... -m io.ringloop.examples/io.ringloop.examples.TcpProxy LISTEN_PORT TARGET_HOST TARGET_PORT},
 * e.g. {@code TcpProxy 8081 127.0.0.1 8080} in front of {@link HttpHello}, then {@code curl 127.0.0.1:8081}.
 */
public final class TcpProxy {
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private TcpProxy() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: TcpProxy LISTEN_PORT TARGET_HOST TARGET_PORT");
            System.exit(2);
        }
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM); // before the start line: none is lost
        try (Ringloop rt = Ringloop.start()) {
            TcpServer server = start(rt, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(args[0])), args[1], Integer.parseInt(args[2]));
            System.out.println("tcp proxy on " + server.localAddress() + " to " + args[1] + ":" + args[2]);
            stop.await();
        }
    }

    /** Proxies connections to {@code address} on every loop of {@code rt} to {@code host:port}. */
    public static TcpServer start(Ringloop rt, InetSocketAddress address, String host, int port)
            throws IOException {
        return rt.serve(address, client -> proxy(client, host, port));
    }

    private static void proxy(TcpStream client, String host, int port) throws Exception {
        try (TcpStream target = TcpStream.connect(host, port, CONNECT_TIMEOUT)) {
            client.setNoDelay(true);
            target.setNoDelay(true);
            JoinHandle<Long> up = Tasks.spawn(() -> copy(client, target));
            try {
                copy(target, client);
            } finally {
                up.join();
            }
        }
    }

    /**
     * Copies until {@code from} ends, then half-closes {@code to}: the bytes copied. A failure (a reset, a peer
     * gone) closes both streams, which ends the other direction's pending read too.
     */
    private static long copy(TcpStream from, TcpStream to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
        long total = 0;
        try {
            int n;
            while ((n = from.read(buf)) >= 0) {
                buf.flip();
                to.writeAll(buf);
                buf.clear();
                total += n;
            }
            to.shutdownOutput();
            return total;
        } catch (IOException e) {
            from.close();
            to.close();
            throw e;
        }
    }
}
