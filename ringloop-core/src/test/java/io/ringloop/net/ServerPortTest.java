package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Backends;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server's port is its own: by default nobody else (another socket, another process of the same user) can
 * bind it, even with SO_REUSEPORT, on one loop or spread over several. Sharing is the explicit REUSE_PORT.
 */
class ServerPortTest {

    static Stream<Arguments> backendsAndLoops() {
        return Backends.all().stream().flatMap(b -> Stream.of(Arguments.of(b, 1), Arguments.of(b, 2)));
    }

    @ParameterizedTest(name = "{0} {1} loop(s)")
    @MethodSource("backendsAndLoops")
    void shouldBindExclusivelyByDefault(Backend backend, int loops) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(loops).start()) {
            TcpServer server = rt.serve(TcpEchoTest.ANY_LOCAL, ServerPortTest::echoOne);
            InetSocketAddress at = server.localAddress();
            // A stranger that asks for SO_REUSEPORT, as a second instance of the same program would.
            try (ServerSocketChannel stranger = ServerSocketChannel.open()) {
                stranger.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                assertThrows(BindException.class, () -> stranger.bind(at));
            }
            BindException e = assertThrows(BindException.class,
                    () -> rt.blockOn(() -> TcpListener.builder().reusePort(true).bind(at)));
            assertTrue(e.getMessage().startsWith("bind(" + at.getAddress().getHostAddress() + ":" + at.getPort()
                    + "): EADDRINUSE"), e.getMessage());
            for (int i = 0; i < 2 * loops; i++) {
                assertEquals(i, echo(at, i), "the server still serves, spread over its loops");
            }
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} {1} loop(s)")
    @MethodSource("backendsAndLoops")
    void shouldShareThePortOnlyWhenAskedWithReusePort(Backend backend, int loops) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(loops).start()) {
            TcpServer server = rt.serve(TcpEchoTest.ANY_LOCAL, TcpServer.Spread.REUSE_PORT,
                    ServerPortTest::echoOne);
            InetSocketAddress at = server.localAddress();
            try (ServerSocketChannel sharer = ServerSocketChannel.open()) {
                sharer.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                sharer.bind(at); // the documented price of REUSE_PORT: the port is open to other sockets
                assertEquals(at.getPort(), ((InetSocketAddress) sharer.getLocalAddress()).getPort());
            }
            server.close();
        }
    }

    private static void echoOne(TcpStream s) throws Exception {
        byte[] b = new byte[1];
        s.readFully(b, 0, 1);
        s.writeAll(b);
    }

    private static int echo(InetSocketAddress at, int value) throws Exception {
        try (SocketChannel c = SocketChannel.open(at)) {
            c.write(ByteBuffer.wrap(new byte[] {(byte) value}));
            ByteBuffer back = ByteBuffer.allocate(1);
            while (back.hasRemaining() && c.read(back) >= 0) {
                continue;
            }
            return back.get(0);
        }
    }
}
