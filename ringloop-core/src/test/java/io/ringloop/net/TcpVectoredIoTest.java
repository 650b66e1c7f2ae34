package io.ringloop.net;

import static io.ringloop.net.TcpEchoTest.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Scatter/gather through {@link TcpStream}'s blocking API, every backend. */
class TcpVectoredIoTest {

    private static <T> T run(Backend backend, Callable<T> body) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            return rt.blockOn(body);
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldGatherWriteBuffersInOrderAndAdvancePositions(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                ByteBuffer[] srcs = {
                    ByteBuffer.wrap("hello ".getBytes()), direct("vectored ".getBytes()), ByteBuffer.allocate(0),
                    ByteBuffer.wrap("xxworld".getBytes()).position(2),
                };
                c.writeAll(srcs);
                for (ByteBuffer b : srcs) {
                    assertEquals(b.limit(), b.position(), "every position advanced to its limit");
                }
                byte[] got = new byte[20];
                s.readFully(got, 0, got.length);
                assertEquals("hello vectored world", new String(got));
                assertEquals(0, c.write(ByteBuffer.allocate(0), ByteBuffer.allocate(0)), "nothing to write: 0");
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldScatterReadInOrderAndReturnMinusOneAtEndOfStream(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress())) {
                try (TcpStream s = l.accept()) {
                    s.writeAll("0123456789abcdefghij".getBytes());
                }
                ByteBuffer a = ByteBuffer.allocate(4);
                ByteBuffer full = ByteBuffer.allocate(3).position(3);
                ByteBuffer b = ByteBuffer.allocateDirect(6);
                ByteBuffer rest = ByteBuffer.allocate(100);
                long total = 0;
                long n;
                while ((n = c.read(a, full, b, rest)) >= 0) {
                    total += n;
                }
                assertEquals(20, total);
                assertEquals("0123", new String(a.array()));
                byte[] mid = new byte[6];
                b.flip().get(mid);
                assertEquals("456789", new String(mid));
                assertEquals("abcdefghij", new String(rest.array(), 0, rest.position()));
                assertEquals(-1, c.read(ByteBuffer.allocate(1), ByteBuffer.allocate(1)), "end of stream is sticky");
                assertEquals(0, c.read(ByteBuffer.allocate(0), ByteBuffer.allocate(0)), "no room: 0, not the end");
            }
            return null;
        });
    }

    /**
     * Plain and scatter reads taking turns on one stream, the writer a step ahead: on io_uring the plain reads
     * arm a multishot receive, and a scatter read must take what it already received before anything newer.
     */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldKeepOrderWhenPlainAndScatterReadsTakeTurns(Backend backend) throws Exception {
        run(backend, TcpVectoredIoTest::plainAndScatterReadsTakeTurns);
    }

    /** The same with io_uring's multishot receive on, armed by the plain reads that wait. */
    @org.junit.jupiter.api.Test
    void shouldKeepOrderWhenPlainAndScatterReadsTakeTurnsOverMultishotReceive() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(IoUringDriver.unusableReason() == null);
        try (Ringloop rt = Ringloop.builder().backend(Backend.IO_URING).multishotReceive(true).threads(1).start()) {
            rt.blockOn(TcpVectoredIoTest::plainAndScatterReadsTakeTurns);
        }
    }

    private static Void plainAndScatterReadsTakeTurns() throws Exception {
        try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
             TcpStream s = l.accept()) {
            int total = 200_000;
            var writer = Tasks.spawn(() -> {
                byte[] chunk = new byte[997];
                for (int sent = 0; sent < total; sent += chunk.length) {
                    for (int i = 0; i < chunk.length; i++) {
                        chunk[i] = (byte) ((sent + i) % 251);
                    }
                    s.writeAll(chunk, 0, Math.min(chunk.length, total - sent));
                }
                s.shutdownOutput();
                return null;
            });
            int got = 0;
            byte[] plain = new byte[300];
            ByteBuffer a = ByteBuffer.allocate(100);
            ByteBuffer b = ByteBuffer.allocateDirect(700);
            for (int round = 0; ; round++) {
                if (round % 2 == 0) {
                    int n = c.read(plain);
                    if (n < 0) {
                        break;
                    }
                    for (int i = 0; i < n; i++) {
                        assertEquals((byte) ((got + i) % 251), plain[i], "byte " + (got + i));
                    }
                    got += n;
                } else {
                    a.clear();
                    b.clear();
                    long n = c.read(a, b);
                    if (n < 0) {
                        break;
                    }
                    a.flip();
                    b.flip();
                    for (ByteBuffer part : new ByteBuffer[] {a, b}) {
                        while (part.hasRemaining()) {
                            assertEquals((byte) (got % 251), part.get(), "byte " + got);
                            got++;
                        }
                    }
                }
            }
            writer.join();
            assertEquals(total, got);
        }
        return null;
    }

    /** More buffers than one call takes, heap and direct, megabytes in all: writeAll loops, bytes stay in order. */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldWriteAllOfManyBuffersAcrossPartialWrites(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                ByteBuffer[] srcs = new ByteBuffer[200];
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                for (int i = 0; i < srcs.length; i++) {
                    byte[] bytes = random(i % 7 == 0 ? 0 : 1000 + i * 97, i);
                    expected.writeBytes(bytes);
                    srcs[i] = i % 2 == 0 ? ByteBuffer.wrap(bytes) : direct(bytes);
                }
                try (Arena arena = Arena.ofShared()) {
                    byte[] big = random(3 << 20, 99);
                    expected.writeBytes(big);
                    MemorySegment native1 = arena.allocate(1 << 20)
                            .copyFrom(MemorySegment.ofArray(big).asSlice(0, 1 << 20));
                    MemorySegment heap = MemorySegment.ofArray(big).asSlice(1 << 20, 1 << 20);
                    MemorySegment native2 = arena.allocate(1 << 20)
                            .copyFrom(MemorySegment.ofArray(big).asSlice(2 << 20, 1 << 20));
                    JoinHandle<Void> writer = Tasks.spawn(() -> {
                        c.writeAll(srcs);
                        c.writeAll(native1, heap, arena.allocate(0), native2);
                        c.shutdownOutput();
                        return null;
                    });
                    byte[] want = expected.toByteArray();
                    byte[] got = new byte[want.length];
                    // Read with a scatter of uneven buffers too.
                    ByteBuffer small = ByteBuffer.allocate(1000);
                    ByteBuffer large = ByteBuffer.allocateDirect(50_000);
                    int at = 0;
                    long n;
                    while ((n = s.read(small, large)) > 0) {
                        small.flip();
                        large.flip();
                        int k = small.remaining();
                        small.get(got, at, k);
                        large.get(got, at + k, large.remaining());
                        at += (int) n;
                        small.clear();
                        large.clear();
                    }
                    writer.join();
                    assertEquals(want.length, at);
                    assertArrayEquals(want, got);
                }
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldScatterIntoSegmentsAndGatherFromSegments(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept(); Arena arena = Arena.ofShared()) {
                MemorySegment head = MemorySegment.ofArray("head:".getBytes());
                MemorySegment body = arena.allocate(4).copyFrom(MemorySegment.ofArray("body".getBytes()));
                assertEquals(9, c.write(head, body));
                MemorySegment one = arena.allocate(5);
                MemorySegment two = MemorySegment.ofArray(new byte[4]);
                long got = 0;
                while (got < 9) {
                    got += s.read(one.asSlice(Math.min(got, 5)), two.asSlice(Math.max(0, got - 5)));
                }
                assertEquals("head:", new String(one.toArray(ValueLayout.JAVA_BYTE)));
                assertEquals("body", new String(two.toArray(ValueLayout.JAVA_BYTE)));
            }
            return null;
        });
    }

    /** From a thread that is not the loop's: each call is posted to the loop and the thread parks. */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldScatterAndGatherFromAThreadOffTheLoop(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
             TcpListener l = rt.blockOn(() -> TcpListener.bind(ANY_LOCAL));
             TcpStream c = rt.blockOn(() -> TcpStream.connect(l.localAddress()));
             TcpStream s = rt.blockOn(l::accept)) {
            c.writeAll(ByteBuffer.wrap("off ".getBytes()), direct("the ".getBytes()),
                    ByteBuffer.wrap("loop".getBytes()));
            ByteBuffer a = ByteBuffer.allocateDirect(4);
            ByteBuffer b = ByteBuffer.allocate(8);
            long got = 0;
            while (got < 12) {
                got += s.read(a, b);
            }
            assertEquals("off ", new String(MemorySegment.ofBuffer(a.flip()).toArray(ValueLayout.JAVA_BYTE)));
            assertEquals("the loop", new String(b.array()));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFailWritevToClosedPeerNamingCallAndErrno(Backend backend) throws Exception {
        run(backend, () -> {
            // The peer is a plain JDK socket closed with SO_LINGER 0: it answers with a RST at once, so no write
            // of ours has to race the close (a ringloop peer's close may wait for its loop's next turn on NIO).
            InetAddress loopback = InetAddress.getLoopbackAddress();
            try (ServerSocket peer = new ServerSocket(0, 1, loopback);
                 TcpStream c = TcpStream.connect(new InetSocketAddress(loopback, peer.getLocalPort()))) {
                Socket accepted = peer.accept(); // queued already: the connect has completed
                accepted.setSoLinger(true, 0);
                accepted.close();
                SocketException e = assertThrows(SocketException.class, () -> {
                    for (int i = 0; i < 1000; i++) {
                        c.writeAll(ByteBuffer.allocate(100), ByteBuffer.allocateDirect(100));
                    }
                });
                assertTrue(e.getMessage().matches("writev\\(fd=\\d+\\): (EPIPE|ECONNRESET) .*"), e.getMessage());
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    @SuppressWarnings("try") // closes the stream inside its try on purpose: the last check is on a closed stream
    void shouldRejectNullAndReadOnlyBuffers(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress())) {
                assertThrows(NullPointerException.class, () -> c.write(ByteBuffer.allocate(1), null));
                assertThrows(NullPointerException.class, () -> c.read((MemorySegment) null));
                assertThrows(IndexOutOfBoundsException.class, () -> c.write(new ByteBuffer[1], 1, 1));
                assertThrows(IllegalArgumentException.class,
                        () -> c.read(ByteBuffer.allocate(1), ByteBuffer.allocate(2).asReadOnlyBuffer()));
                c.close();
                assertThrows(ClosedChannelException.class, () -> c.write(ByteBuffer.allocate(1),
                        ByteBuffer.allocate(1)));
            }
            return null;
        });
    }
}
