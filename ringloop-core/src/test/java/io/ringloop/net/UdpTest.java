package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class UdpTest {
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSendAndReceiveWithAddresses(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UdpSocket a = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0));
                     UdpSocket b = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
                    a.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), b.localAddress());
                    ByteBuffer buf = ByteBuffer.allocate(64);
                    InetSocketAddress from = b.receive(buf);
                    assertEquals(a.localAddress(), from);
                    buf.flip();
                    assertEquals("ping", StandardCharsets.US_ASCII.decode(buf).toString());
                    // connected: send without address, receive only from the peer
                    b.connect(from);
                    b.send(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
                    ByteBuffer back = ByteBuffer.allocateDirect(64);
                    assertEquals(b.localAddress(), a.receive(back));
                    assertEquals(4, back.position());
                    b.setBroadcast(true);
                    assertTrue(b.broadcast());
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTruncateLongDatagramAndRejectUseAfterClose(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                UdpSocket a = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0));
                try (UdpSocket b = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
                    a.send(ByteBuffer.wrap(new byte[100]), b.localAddress());
                    ByteBuffer small = ByteBuffer.allocate(10);
                    b.receive(small);
                    assertEquals(10, small.position());
                }
                a.close();
                a.close();
                assertThrows(ClosedChannelException.class, () -> a.send(ByteBuffer.allocate(1),
                        new InetSocketAddress("127.0.0.1", 9)));
                return null;
            });
        }
    }
}
