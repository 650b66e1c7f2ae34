package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Multicast with loopback: a socket that joins a group and sends to it receives its own datagram. IPv4 runs on the
 * loopback interface (Linux delivers a group there when the sender names it); IPv6 needs an interface with multicast
 * and an IPv6 address (Linux's loopback has no IPv6 multicast route), and is skipped where there is none.
 */
class UdpMulticastTest {
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReceiveItsOwnIpv4GroupDatagramOverLoopback(Backend backend) throws Exception {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        assumeTrue(lo != null && lo.isUp(), "no loopback interface named lo");
        InetAddress group = InetAddress.getByName("239.255.42.99");
        roundTrip(backend, new InetSocketAddress("0.0.0.0", 0), group, lo);
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReceiveItsOwnIpv6GroupDatagram(Backend backend) throws Exception {
        NetworkInterface nif = ipv6MulticastInterface();
        assumeTrue(nif != null, "no up interface with multicast and an IPv6 address");
        // ff11::/16: a transient group of interface-local scope, which never leaves the host.
        InetAddress group = InetAddress.getByName("ff11::4242");
        roundTrip(backend, new InetSocketAddress("::", 0), group, nif);
    }

    private static void roundTrip(Backend backend, InetSocketAddress bindTo, InetAddress group, NetworkInterface nif)
            throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UdpSocket s = UdpSocket.bind(bindTo)) {
                    s.joinGroup(group, nif);
                    s.setMulticastInterface(nif);
                    s.setMulticastLoopback(true);
                    assertTrue(s.multicastLoopback());
                    s.setMulticastTimeToLive(1);
                    assertEquals(1, s.multicastTimeToLive());
                    InetSocketAddress to = new InetSocketAddress(group, s.localAddress().getPort());
                    s.send(ByteBuffer.wrap("to the group".getBytes(StandardCharsets.US_ASCII)), to);
                    ByteBuffer in = ByteBuffer.allocate(64);
                    UdpReceived r = s.receiveDatagram(in);
                    assertEquals("to the group", new String(in.array(), 0, r.received(), StandardCharsets.US_ASCII));
                    assertEquals(s.localAddress().getPort(), r.sender().getPort(), "sent by this very socket");
                    IOException twice = assertThrows(IOException.class, () -> s.joinGroup(group, nif));
                    assertTrue(twice.getMessage().contains("EADDRINUSE"), twice.getMessage());
                    s.leaveGroup(group, nif);
                    IOException notJoined = assertThrows(IOException.class, () -> s.leaveGroup(group, nif));
                    String m = notJoined.getMessage();
                    assertTrue(m.contains("leave") && m.contains("EADDRNOTAVAIL"), m);
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseWhatIsNotAGroupAndSayWhatNioCannotDo(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UdpSocket s = UdpSocket.bind(new InetSocketAddress("0.0.0.0", 0))) {
                    assertThrows(IllegalArgumentException.class,
                            () -> s.joinGroup(InetAddress.getByName("127.0.0.1"), null));
                    assertThrows(IllegalArgumentException.class,
                            () -> s.joinGroup(InetAddress.getByName("ff11::1"), null));
                    if (backend == Backend.NIO) {
                        IOException e = assertThrows(IOException.class,
                                () -> s.joinGroup(InetAddress.getByName("239.255.42.98"), null));
                        assertTrue(e.getMessage().contains("EINVAL") && e.getMessage().contains("needs an interface"),
                                e.getMessage());
                    }
                }
                return null;
            });
        }
    }

    private static NetworkInterface ipv6MulticastInterface() throws SocketException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && nif.supportsMulticast() && !nif.isLoopback()
                    && Collections.list(nif.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet6Address)) {
                return nif;
            }
        }
        return null;
    }
}
