package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Peers that misbehave, on every backend, against a one-loop server (so everyone shares that loop): resets in
 * the middle of a read and of a write, a half-close, a peer that never reads, a one-byte trickle. Each time the
 * server's handler for that peer ends (or keeps its bounded share), and another peer is served as usual.
 *
 * <p>The peers are plain {@code java.net.Socket}s on this test's thread. A connection's first byte picks what
 * the server does: {@code E} echoes until end of stream, {@code F} floods it with data until a write fails.
 */
class HostilePeersTest {
    private static final int FLOOD_CHUNK = 256 * 1024;
    /** Far above what loopback socket buffers hold, far below what an unbounded writer reaches. */
    private static final long FLOOD_BOUND = 64L << 20;

    /** How each handler ended, one entry per connection. */
    private final LinkedBlockingQueue<String> ends = new LinkedBlockingQueue<>();
    private final AtomicLong flooded = new AtomicLong();

    private void serve(Backend backend, Peers peers) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            TcpServer server = rt.serve(new InetSocketAddress("127.0.0.1", 0), this::handle);
            try {
                peers.run(server.localAddress());
            } finally {
                server.close();
            }
        }
    }

    @FunctionalInterface
    private interface Peers {
        void run(InetSocketAddress server) throws Exception;
    }

    private void handle(TcpStream s) throws IOException {
        String how = "ended";
        byte[] first = new byte[1];
        try {
            if (s.read(first) < 0) {
                return;
            }
            if (first[0] == 'F') {
                byte[] chunk = new byte[FLOOD_CHUNK];
                while (true) {
                    s.writeAll(chunk);
                    flooded.addAndGet(chunk.length);
                }
            }
            byte[] buf = new byte[4096];
            int n;
            while ((n = s.read(buf)) > 0) {
                s.writeAll(buf, 0, n);
            }
            s.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            how = e.toString();
            throw e;
        } finally {
            ends.add((char) first[0] + " " + how);
        }
    }

    /** How the next handler ended; fails if none ends within ten seconds. */
    private String nextEnd() throws InterruptedException {
        String end = ends.poll(10, TimeUnit.SECONDS);
        assertNotNull(end, "the handler is still running");
        return end;
    }

    /** A well-behaved peer: an echo of {@code size} random bytes, then end of stream both ways. */
    private static void echoRoundTrip(InetSocketAddress server, int size) throws IOException {
        byte[] msg = new byte[size];
        new Random(size).nextBytes(msg);
        try (Socket peer = new Socket(server.getAddress(), server.getPort())) {
            peer.setSoTimeout(10_000);
            OutputStream out = peer.getOutputStream();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    out.write('E');
                    out.write(msg);
                    peer.shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] back = peer.getInputStream().readNBytes(size);
            assertArrayEquals(msg, back);
            assertEquals(-1, peer.getInputStream().read(), "end of stream after the echo");
            join(writer);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reset(Socket peer) throws IOException {
        peer.setSoLinger(true, 0); // close sends RST, not FIN
        peer.close();
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeOthersAfterAPeerResetsInTheMiddleOfARead(Backend backend) throws Exception {
        serve(backend, server -> {
            Socket peer = new Socket(server.getAddress(), server.getPort());
            peer.getOutputStream().write("Eabc".getBytes());
            assertArrayEquals("abc".getBytes(), peer.getInputStream().readNBytes(3), "the handler reads");
            reset(peer); // the handler is (or will be) waiting in read for more
            String end = nextEnd();
            assertTrue(end.startsWith("E ") && end.contains("ECONNRESET"), end);
            echoRoundTrip(server, 100_000);
            assertEquals("E ended", nextEnd());
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeOthersAfterAPeerResetsInTheMiddleOfAWrite(Backend backend) throws Exception {
        serve(backend, server -> {
            Socket peer = new Socket(server.getAddress(), server.getPort());
            peer.getOutputStream().write('F');
            peer.getInputStream().readNBytes(FLOOD_CHUNK * 2); // the handler is writing, and more is to come
            reset(peer);
            String end = nextEnd();
            assertTrue(end.startsWith("F ") && (end.contains("EPIPE") || end.contains("ECONNRESET")), end);
            echoRoundTrip(server, 100_000);
            assertEquals("E ended", nextEnd());
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldAnswerAPeerThatHalfClosedAndServeOthersMeanwhile(Backend backend) throws Exception {
        serve(backend, server -> {
            byte[] request = new byte[200_000];
            new Random(1).nextBytes(request);
            try (Socket half = new Socket(server.getAddress(), server.getPort())) {
                half.setSoTimeout(10_000);
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        half.getOutputStream().write('E');
                        half.getOutputStream().write(request);
                        half.shutdownOutput(); // no more requests; the reply must still come whole
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                echoRoundTrip(server, 50_000); // another peer meanwhile
                assertEquals("E ended", nextEnd());
                assertArrayEquals(request, half.getInputStream().readNBytes(request.length));
                assertEquals(-1, half.getInputStream().read());
                join(writer);
            }
            assertEquals("E ended", nextEnd());
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldBoundWhatItWritesToAPeerThatNeverReads(Backend backend) throws Exception {
        serve(backend, server -> {
            try (Socket sink = new Socket(server.getAddress(), server.getPort())) {
                sink.getOutputStream().write('F'); // and never read
                for (int i = 0; i < 20; i++) {
                    echoRoundTrip(server, 20_000); // the loop serves others while the flood waits
                    assertEquals("E ended", nextEnd());
                }
                long written = flooded.get();
                assertTrue(written < FLOOD_BOUND, "the writer was not held back: " + written + " bytes");
                reset(sink);
            }
            String end = nextEnd();
            assertTrue(end.startsWith("F "), end);
            assertTrue(flooded.get() < FLOOD_BOUND, flooded.get() + " bytes");
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeOthersBesideAOneByteTrickle(Backend backend) throws Exception {
        serve(backend, server -> {
            try (Socket trickle = new Socket(server.getAddress(), server.getPort())) {
                trickle.setSoTimeout(10_000);
                trickle.setTcpNoDelay(true);
                OutputStream out = trickle.getOutputStream();
                InputStream in = trickle.getInputStream();
                out.write('E');
                for (int i = 0; i < 20; i++) {
                    out.write('a' + i);
                    if (i % 5 == 0) {
                        echoRoundTrip(server, 200_000); // a bulk peer between the trickle's bytes
                        assertEquals("E ended", nextEnd());
                    } else {
                        Thread.sleep(5); // the trickle's pace (a peer's behaviour, not a wait for the server)
                    }
                    assertEquals('a' + i, in.read(), "byte " + i + " echoed on its own");
                }
                trickle.shutdownOutput();
                assertEquals(-1, in.read());
            }
            assertEquals("E ended", nextEnd());
        });
    }
}
