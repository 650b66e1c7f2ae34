package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The datagrams users hit first: empty, too long, to nobody, truncated, over IPv6, and many sockets opened. */
class UdpEdgeCasesTest {
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSendAndReceiveAZeroByteDatagram(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UdpSocket a = UdpSocket.bind(LOCAL); UdpSocket b = UdpSocket.bind(LOCAL)) {
                    assertEquals(0, a.send(ByteBuffer.allocate(0), b.localAddress()));
                    a.send(ByteBuffer.wrap(new byte[] {7}), b.localAddress());
                    ByteBuffer buf = ByteBuffer.allocate(16);
                    UdpReceived first = b.receiveDatagram(buf);
                    assertEquals(a.localAddress(), first.sender());
                    assertEquals(0, first.length(), "the empty datagram comes first, as itself");
                    assertFalse(first.truncated());
                    assertEquals(1, b.receiveDatagram(buf.clear()).length(), "then the next one");
                    a.connect(b.localAddress()); // and to a connected peer, except on NIO
                    if (backend == Backend.NIO) {
                        IOException e = assertThrows(IOException.class, () -> a.send(ByteBuffer.allocate(0)));
                        assertTrue(e.getMessage().contains("EOPNOTSUPP"), e.getMessage());
                    } else {
                        assertEquals(0, a.send(ByteBuffer.allocateDirect(0)));
                        assertEquals(0, b.receiveDatagram(buf.clear()).length());
                    }
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseAnOversizedDatagramWithEmsgsize(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UdpSocket a = UdpSocket.bind(LOCAL); UdpSocket b = UdpSocket.bind(LOCAL)) {
                    ByteBuffer[] tooBig = {ByteBuffer.allocate(65508), ByteBuffer.allocateDirect(70000)};
                    for (ByteBuffer big : tooBig) {
                        IOException e = assertThrows(IOException.class, () -> a.send(big, b.localAddress()));
                        assertTrue(e.getMessage().contains("sendto(") && e.getMessage().contains("EMSGSIZE"),
                                e.getMessage());
                    }
                    // The socket is still good: the largest IPv4 datagram goes and arrives whole.
                    ByteBuffer max = ByteBuffer.allocate(65507);
                    assertEquals(65507, a.send(max, b.localAddress()));
                    UdpReceived r = b.receiveDatagram(ByteBuffer.allocateDirect(65536));
                    assertEquals(65507, r.length());
                    assertFalse(r.truncated());
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSurviveSendingToAClosedPort(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                InetSocketAddress dead;
                try (UdpSocket gone = UdpSocket.bind(LOCAL)) {
                    dead = gone.localAddress();
                }
                try (UdpSocket a = UdpSocket.bind(LOCAL); UdpSocket b = UdpSocket.bind(LOCAL)) {
                    // Unconnected: the kernel reports nothing, and the socket goes on.
                    a.send(ByteBuffer.wrap(new byte[] {1}), dead);
                    a.send(ByteBuffer.wrap(new byte[] {2}), b.localAddress());
                    assertEquals(a.localAddress(), b.receive(ByteBuffer.allocate(4)));
                    // Connected: the ICMP port-unreachable comes back as ECONNREFUSED on the next call...
                    a.connect(dead);
                    a.send(ByteBuffer.wrap(new byte[] {3}));
                    ConnectException e = assertThrows(ConnectException.class, () -> a.receive(ByteBuffer.allocate(4)));
                    assertTrue(e.getMessage().contains("ECONNREFUSED"), e.getMessage());
                    // ...and the socket is still good: pointed at a live peer, it sends and receives.
                    a.connect(b.localAddress());
                    assertEquals(1, a.send(ByteBuffer.wrap(new byte[] {4})));
                    assertEquals(a.localAddress(), b.receive(ByteBuffer.allocate(4)));
                    b.send(ByteBuffer.wrap("back".getBytes(StandardCharsets.US_ASCII)), a.localAddress());
                    ByteBuffer in = ByteBuffer.allocate(8);
                    assertEquals(b.localAddress(), a.receive(in));
                    assertEquals(4, in.position());
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFlagATruncatedDatagram(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UdpSocket a = UdpSocket.bind(LOCAL); UdpSocket b = UdpSocket.bind(LOCAL)) {
                    byte[] msg = new byte[100];
                    for (int i = 0; i < msg.length; i++) {
                        msg[i] = (byte) i;
                    }
                    for (ByteBuffer small : new ByteBuffer[] {ByteBuffer.allocate(10), ByteBuffer.allocateDirect(10)}) {
                        a.send(ByteBuffer.wrap(msg), b.localAddress());
                        UdpReceived r = b.receiveDatagram(small);
                        assertTrue(r.truncated());
                        assertEquals(100, r.length());
                        assertEquals(10, r.received());
                        assertEquals(10, small.position());
                        byte[] got = new byte[10];
                        small.flip().get(got);
                        assertArrayEquals(java.util.Arrays.copyOf(msg, 10), got, "the datagram's first bytes");
                    }
                    a.send(ByteBuffer.wrap(msg, 0, 10), b.localAddress());
                    UdpReceived exact = b.receiveDatagram(ByteBuffer.allocate(10));
                    assertFalse(exact.truncated(), "a datagram that fits exactly is whole");
                    assertEquals(10, exact.length());
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRoundTripOverIpv6Loopback(Backend backend) throws Exception {
        InetSocketAddress v6 = new InetSocketAddress("::1", 0);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UdpSocket a = UdpSocket.bind(v6); UdpSocket b = UdpSocket.bind(v6)) {
                    assertEquals(InetAddress.getByName("::1"), b.localAddress().getAddress());
                    a.send(ByteBuffer.wrap("six".getBytes(StandardCharsets.US_ASCII)), b.localAddress());
                    ByteBuffer in = ByteBuffer.allocate(8);
                    UdpReceived r = b.receiveDatagram(in);
                    assertEquals(a.localAddress(), r.sender());
                    assertEquals("six", new String(in.array(), 0, r.received(), StandardCharsets.US_ASCII));
                    b.send(ByteBuffer.wrap(new byte[] {1, 2}), r.sender());
                    assertEquals(b.localAddress(), a.receive(ByteBuffer.allocate(4)));
                    a.setMulticastLoopback(false);
                    assertFalse(a.multicastLoopback(), "IPV6_MULTICAST_LOOP");
                    if (backend != Backend.NIO) {
                        a.setTimeToLive(3);
                        assertEquals(3, a.timeToLive(), "IPV6_UNICAST_HOPS");
                    }
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSetAndGetTheTimeToLive(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UdpSocket a = UdpSocket.bind(LOCAL)) {
                    a.setMulticastTimeToLive(7);
                    assertEquals(7, a.multicastTimeToLive());
                    if (backend == Backend.NIO) {
                        IOException e = assertThrows(IOException.class, () -> a.setTimeToLive(9));
                        assertTrue(e.getMessage().contains("IP_TTL") && e.getMessage().contains("ENOPROTOOPT")
                                && e.getMessage().contains("nio"), e.getMessage());
                        return null;
                    }
                    a.setTimeToLive(9);
                    assertEquals(9, a.timeToLive());
                    IOException e = assertThrows(IOException.class, () -> a.setTimeToLive(256));
                    assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNotLeakDescriptorsOrMemoryOverRepeatedOpenAndClose(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                cycle(5); // first use makes the loop's lazy parts (staging, JDK caches)
                int fds = Leaks.openFds();
                long nativeBytes = Leaks.nativeBytes();
                cycle(100);
                assertEquals(fds, Leaks.openFds(), "descriptors after 100 sockets opened and closed");
                assertEquals(nativeBytes, Leaks.nativeBytes(), "native memory after 100 sockets and batches");
                return null;
            });
        }
    }

    /** Opens two sockets and a batch, moves a datagram both ways, closes it all, {@code n} times. */
    private static void cycle(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            try (UdpSocket a = UdpSocket.bind(LOCAL); UdpSocket b = UdpSocket.bind(LOCAL);
                 UdpBatch batch = UdpBatch.allocate(4, 64)) {
                a.send(ByteBuffer.wrap(new byte[] {1}), b.localAddress());
                b.receive(batch);
                batch.clear().add(new byte[] {2}, 0, 1, a.localAddress());
                b.send(batch);
                a.receiveDatagram(ByteBuffer.allocate(4));
            }
        }
    }
}
