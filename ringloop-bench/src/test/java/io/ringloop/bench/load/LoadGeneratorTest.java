package io.ringloop.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.bench.server.NettyEchoServer;
import io.ringloop.bench.server.NioEchoServer;
import io.ringloop.bench.server.VirtualThreadEchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generator against every competitor server, in process on loopback: message-bounded closed-loop runs
 * (each connection stops after a fixed number of echoes), so the test waits for completion, never for time.
 */
final class LoadGeneratorTest {
    private static final int CONNECTIONS = 4;
    private static final long MESSAGES_PER_CONNECTION = 2_000;

    interface Server extends AutoCloseable {
        int port() throws IOException;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk-nio", "jdk-vthreads", "netty-nio", "netty-epoll"})
    void shouldEchoEveryMessageIntact(String serverId) throws Exception {
        // 100-byte messages, 8 in flight: messages straddle reads; 16 KiB ones exercise partial writes.
        for (int payload : new int[] {100, 16 * 1024}) {
            try (Server server = start(serverId)) {
                LoadGenerator.Snapshot end = runBounded(server.port(), payload);
                assertEquals(CONNECTIONS * MESSAGES_PER_CONNECTION, end.messages(), serverId + " " + payload);
                assertEquals(0, end.errors(), serverId + " " + payload);
            }
        }
    }

    @Test
    void shouldSendOnScheduleAndEchoEveryMessageInOpenLoop() throws Exception {
        try (Server server = start("jdk-nio")) {
            LoadConfig config = new LoadConfig("127.0.0.1", server.port(), CONNECTIONS, 1, 64, 100_000, 2, 0, 0,
                    1, MESSAGES_PER_CONNECTION);
            try (LoadGenerator generator = new LoadGenerator(config)) {
                generator.start();
                generator.awaitFinished();
                assertNull(generator.failure());
                LoadGenerator.Snapshot end = generator.snapshot();
                assertEquals(CONNECTIONS * MESSAGES_PER_CONNECTION, end.sent());
                assertEquals(CONNECTIONS * MESSAGES_PER_CONNECTION, end.messages());
                assertEquals(0, end.errors());
                assertEquals(CONNECTIONS * MESSAGES_PER_CONNECTION, generator.latencies().getTotalCount());
            }
        }
    }

    @Test
    void shouldCountCorruptedEchoesAsErrors() throws Exception {
        // Flips one body byte of message 0 (sampled): the sequence numbers still match, the content does not.
        try (Server server = corruptingServer(20)) {
            LoadGenerator.Snapshot end = runBounded(server.port(), 64);
            assertEquals(CONNECTIONS * MESSAGES_PER_CONNECTION, end.messages());
            assertEquals(CONNECTIONS, end.errors());
        }
    }

    @Test
    void shouldCountLostBytesAsErrors() throws Exception {
        // Flips a header byte of message 0: its sequence number no longer matches.
        try (Server server = corruptingServer(7)) {
            LoadGenerator.Snapshot end = runBounded(server.port(), 64);
            assertTrue(end.errors() >= CONNECTIONS, "errors: " + end.errors());
        }
    }

    private static LoadGenerator.Snapshot runBounded(int port, int payload) throws Exception {
        LoadConfig config = new LoadConfig("127.0.0.1", port, CONNECTIONS, 8, payload, 0, 2, 0, 0, 1,
                MESSAGES_PER_CONNECTION);
        try (LoadGenerator generator = new LoadGenerator(config)) {
            generator.start();
            generator.awaitFinished();
            assertNull(generator.failure());
            return generator.snapshot();
        }
    }

    private static Server start(String id) throws Exception {
        return switch (id) {
            case "jdk-nio" -> wrap(NioEchoServer.start(0));
            case "jdk-vthreads" -> wrap(VirtualThreadEchoServer.start(0));
            case "netty-nio" -> wrap(NettyEchoServer.start(0, "nio"));
            case "netty-epoll" -> wrap(NettyEchoServer.start(0, "epoll"));
            default -> throw new IllegalArgumentException(id);
        };
    }

    private static Server wrap(AutoCloseable server) {
        return new Server() {
            @Override
            public int port() throws IOException {
                return switch (server) {
                    case NioEchoServer s -> s.port();
                    case VirtualThreadEchoServer s -> s.port();
                    case NettyEchoServer s -> s.port();
                    default -> throw new IllegalStateException();
                };
            }

            @Override
            public void close() throws Exception {
                server.close();
            }
        };
    }

    /** An echo server that flips the byte at stream offset {@code corruptAt} of every connection. */
    private static Server corruptingServer(int corruptAt) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    Thread.ofVirtual().start(() -> echoCorrupting(socket, corruptAt));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return new Server() {
            @Override
            public int port() {
                return listener.getLocalPort();
            }

            @Override
            public void close() throws Exception {
                listener.close();
                acceptor.join();
            }
        };
    }

    private static void echoCorrupting(Socket socket, int corruptAt) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[8192];
            long offset = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (corruptAt >= offset && corruptAt < offset + n) {
                    buffer[(int) (corruptAt - offset)] ^= 0x5A;
                }
                offset += n;
                out.write(buffer, 0, n);
            }
        } catch (IOException ignore) {
            // the generator closed the connection
        }
    }
}
