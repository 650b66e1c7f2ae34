package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.fs.AsyncFile;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad addresses, ports, sizes, positions and buffers through the public API, every backend: each is refused with
 * an exception naming the call (the same type on every backend), or has a documented result (zero-length buffers
 * move nothing); another connection on the loop echoes after each.
 */
class ArgumentInputTest {
    private static final InetSocketAddress UNRESOLVED = InetSocketAddress.createUnresolved("no.such.host.invalid", 80);
    private static final InetSocketAddress PORT_ZERO = new InetSocketAddress("127.0.0.1", 0);

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseBadAddressesNamingTheCall(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            b.assertFails(UnknownHostException.class, "connect(no.such.host.invalid:80)",
                    () -> TcpStream.connect(UNRESOLVED));
            b.assertFails(UnknownHostException.class, "bind(no.such.host.invalid:80)",
                    () -> TcpListener.bind(UNRESOLVED));
            b.assertFails(UnknownHostException.class, "bind(udp no.such.host.invalid:80)",
                    () -> UdpSocket.bind(UNRESOLVED));
            b.assertFails(NullPointerException.class, "connect", () -> TcpStream.connect(null));
            b.assertFails(NullPointerException.class, "bind", () -> TcpListener.bind(null));
            b.assertFails(NullPointerException.class, "bind(udp)", () -> UdpSocket.bind(null));
            // The kernel's answers, named and of the same type on every backend.
            b.assertFails(ConnectException.class, "connect(127.0.0.1:0): ECONNREFUSED",
                    () -> TcpStream.connect(PORT_ZERO));
            b.assertFails(IOException.class, "connect(224.0.0.1:80)",
                    () -> TcpStream.connect(new InetSocketAddress("224.0.0.1", 80)));
            b.assertFails(BindException.class, "(192.0.2.1:0): EADDRNOTAVAIL", // NIO binds at listen(2)
                    () -> TcpListener.bind(new InetSocketAddress("192.0.2.1", 0)));
            try (UdpSocket u = UdpSocket.bind(Bystander.LOCAL)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                String host = "(no.such.host.invalid:80)";
                b.assertFails(UnknownHostException.class, "sendto" + host, () -> u.send(one, UNRESOLVED));
                b.assertFails(UnknownHostException.class, "connect" + host, () -> u.connect(UNRESOLVED));
                b.assertFails(SocketException.class, "sendto(127.0.0.1:0): port 0", () -> u.send(one, PORT_ZERO));
                b.assertFails(SocketException.class, "connect(127.0.0.1:0): port 0", () -> u.connect(PORT_ZERO));
                assertEquals(0, one.position(), "a refused send consumes nothing");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefusePortsOutOfRangeNamingTheCall(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            for (int port : new int[] {-1, 65_536, 70_000, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                b.assertFails(IllegalArgumentException.class, "bind(port=" + port + "): port out of range",
                        () -> TcpListener.bind(port));
                b.assertFails(IllegalArgumentException.class, "connect(localhost:" + port + "): port out of range",
                        () -> TcpStream.connect("localhost", port));
            }
            for (int backlog : new int[] {0, -1, Integer.MIN_VALUE}) {
                b.assertFails(IllegalArgumentException.class, "backlog(" + backlog + "): must be at least 1",
                        () -> TcpListener.builder().backlog(backlog));
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseBadSizesAndPositionsNamingTheCall(Backend backend) throws Exception {
        Path path = dir.resolve("positions.bin");
        Bystander.run(backend, b -> {
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                int rcvbuf = c.receiveBufferSize();
                for (int size : new int[] {0, -1, Integer.MIN_VALUE}) {
                    b.assertFails(IllegalArgumentException.class, "setsockopt(SO_RCVBUF, fd=",
                            () -> c.setReceiveBufferSize(size));
                    b.assertFails(IllegalArgumentException.class, "setsockopt(SO_SNDBUF, fd=",
                            () -> c.setSendBufferSize(size));
                }
                assertEquals(rcvbuf, c.receiveBufferSize(), "a refused size changes nothing");
                // Offsets and lengths: IndexOutOfBoundsException, as the JDK's streams and channels.
                b.assertFails(IndexOutOfBoundsException.class, "out of bounds", () -> c.read(new byte[4], 3, 2));
                b.assertFails(IndexOutOfBoundsException.class, "out of bounds", () -> c.write(new byte[4], -1, 1));
                b.assertFails(IndexOutOfBoundsException.class, "out of bounds",
                        () -> c.read(MemorySegment.ofArray(new byte[4]), 2, 3));
                assertEchoesOn(c, s);
            }
            try (AsyncFile f = AsyncFile.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                f.write(ByteBuffer.wrap(new byte[] {1, 2}), 0);
                b.assertFails(IllegalArgumentException.class, "pread(" + path + "): negative position -1",
                        () -> f.read(ByteBuffer.allocate(1), -1));
                b.assertFails(IllegalArgumentException.class, "pwrite(" + path + "): negative position",
                        () -> f.write(ByteBuffer.allocate(1), Long.MIN_VALUE));
                assertEquals(2, f.size(), "a refused write wrote nothing");
            }
        });
    }

    /** Zero-length buffers (read-only ones are the read paths' own test): a documented 0, nothing moves. */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldMoveNothingForZeroLengthBuffers(Backend backend) throws Exception {
        Path path = dir.resolve("empty.bin");
        Bystander.run(backend, b -> {
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                assertEquals(0, b.assertWorks("read(byte[0])", () -> c.read(new byte[0])));
                assertEquals(0, b.assertWorks("read(empty ByteBuffer)", () -> c.read(ByteBuffer.allocate(0))));
                assertEquals(0, b.assertWorks("read(empty direct)", () -> c.read(ByteBuffer.allocateDirect(0))));
                assertEquals(0, b.assertWorks("read(segment, 0, 0)",
                        () -> c.read(MemorySegment.ofArray(new byte[4]), 4, 0)));
                assertEquals(0L, b.assertWorks("read(no buffers)", () -> c.read(new ByteBuffer[0])));
                assertEquals(0L, b.assertWorks("read(empty, empty)",
                        () -> c.read(ByteBuffer.allocate(0), ByteBuffer.allocate(0))));
                assertEquals(0L, b.assertWorks("read(no segments)", () -> c.read(new MemorySegment[0])));
                assertEquals(0, b.assertWorks("write(empty ByteBuffer)", () -> c.write(ByteBuffer.allocate(0))));
                assertEquals(0, b.assertWorks("write(byte[0])", () -> c.write(new byte[0], 0, 0)));
                assertEquals(0L, b.assertWorks("write(no buffers)", () -> c.write(new ByteBuffer[0])));
                assertEquals(0L, b.assertWorks("write(no segments)", () -> c.write(new MemorySegment[0])));
                b.assertWorks("writeAll(byte[0])", () -> {
                    c.writeAll(new byte[0]);
                    c.writeAll(ByteBuffer.allocate(0), ByteBuffer.allocate(0));
                    return null;
                });
                assertEchoesOn(c, s); // nothing was sent or swallowed: the stream's bytes are exactly what follows
            }
            try (UdpSocket u = UdpSocket.bind(Bystander.LOCAL); UdpSocket peer = UdpSocket.bind(Bystander.LOCAL)) {
                assertEquals(0, b.assertWorks("send(empty datagram)",
                        () -> u.send(ByteBuffer.allocate(0), peer.localAddress())));
                ByteBuffer got = ByteBuffer.allocate(8);
                assertEquals(u.localAddress(), peer.receive(got), "an empty datagram is a datagram");
                assertEquals(0, got.position());
            }
            try (AsyncFile f = AsyncFile.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                assertEquals(0, b.assertWorks("file write(empty)", () -> f.write(ByteBuffer.allocate(0), 0)));
                assertEquals(0, b.assertWorks("file read(empty)", () -> f.read(ByteBuffer.allocate(0), 0)));
                assertEquals(0, f.size());
            }
        });
    }

    /** The pair still carries bytes both ways, in order, after the calls above. */
    private static void assertEchoesOn(TcpStream c, TcpStream s) throws IOException {
        c.writeAll(new byte[] {1, 2, 3});
        byte[] got = new byte[3];
        s.readFully(got, 0, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, got);
        s.writeAll(new byte[] {4});
        c.readFully(got, 0, 1);
        assertEquals(4, got[0]);
    }
}
