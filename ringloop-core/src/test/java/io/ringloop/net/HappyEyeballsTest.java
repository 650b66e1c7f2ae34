package io.ringloop.net;

import static io.ringloop.net.TcpEchoTest.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Connect by name with Happy Eyeballs (RFC 8305), every backend. Names come from a fake lookup that answers with
 * loopback addresses only; the whole 127.0.0.0/8 is local on Linux, so 127.0.0.2 is a second IPv4 host.
 */
class HappyEyeballsTest {
    private static final Duration FOREVER = Duration.ofHours(1);
    private static final Duration GUARD = Duration.ofSeconds(60);

    private static <T> T run(Backend backend, Callable<T> body) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            return rt.blockOn(body);
        }
    }

    private static TcpConnector connector(FakeLookup lookup, Duration attemptDelay) {
        return TcpConnector.builder().resolver(lookup.resolver()).attemptDelay(attemptDelay).build();
    }

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    /** A port nothing listens on (at 127.0.0.1, and almost surely at the other loopback addresses). */
    private static int closedPort() throws IOException {
        try (TcpListener l = TcpListener.bind(ANY_LOCAL)) {
            return l.localAddress().getPort();
        }
    }

    /** A byte each way proves {@code c} and {@code s} are the two ends of one connection. */
    private static void assertConnected(TcpStream c, TcpStream s) throws IOException {
        c.writeAll(new byte[] {7});
        byte[] got = new byte[1];
        s.readFully(got, 0, 1);
        assertArrayEquals(new byte[] {7}, got);
    }

    @Test
    void shouldInterleaveFamiliesStartingWithTheFirstAddress() {
        InetAddress a6 = InetAddress.ofLiteral("::1");
        InetAddress b6 = InetAddress.ofLiteral("::2");
        InetAddress a4 = InetAddress.ofLiteral("127.0.0.1");
        InetAddress b4 = InetAddress.ofLiteral("127.0.0.2");
        InetAddress c4 = InetAddress.ofLiteral("127.0.0.3");
        assertEquals(List.of(a6, a4, b6, b4, c4), HappyEyeballs.interleave(List.of(a6, b6, a4, b4, c4, a6)));
        assertEquals(List.of(a4, a6, b4, b6, c4), HappyEyeballs.interleave(List.of(a4, b4, c4, a6, b6)));
        assertEquals(List.of(a4, b4), HappyEyeballs.interleave(List.of(a4, b4)));
        assertEquals(List.of(), HappyEyeballs.interleave(List.of()));
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldConnectToLocalhostByName(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL);
                 TcpStream c = TcpStream.connect("localhost", l.localAddress().getPort());
                 TcpStream s = l.accept()) {
                assertConnected(c, s);
                assertTrue(c.peerAddress().getAddress().isLoopbackAddress());
            }
            return null;
        });
    }

    /** [::1 (nothing there), 127.0.0.1]: the refusal starts the IPv4 attempt at once, not after the delay. */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFallBackAtOnceFromARefusedAddress(Backend backend) throws Exception {
        FakeLookup lookup = new FakeLookup().answer("dual.test", "::1", "127.0.0.1");
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL)) {
                int port = l.localAddress().getPort();
                // An attempt delay of an hour: only the refusal can start the second attempt before the guard.
                try (TcpStream c = connector(lookup, FOREVER).connect("dual.test", port, GUARD);
                     TcpStream s = l.accept()) {
                    assertConnected(c, s);
                    assertEquals(at("127.0.0.1", port), c.peerAddress());
                }
            }
            return null;
        });
    }

    /** [a listener that never answers, a good one]: the second attempt starts after the attempt delay and wins. */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldStartTheNextAttemptWhenTheFirstDoesNotAnswer(Backend backend) throws Exception {
        FakeLookup lookup = new FakeLookup().answer("hole.test", "127.0.0.1", "127.0.0.2");
        run(backend, () -> {
            try (Blackhole hole = new Blackhole();
                 TcpListener good = TcpListener.bind(at("127.0.0.2", hole.port()))) {
                try (TcpStream c = connector(lookup, Duration.ofMillis(50)).connect("hole.test", hole.port(), GUARD);
                     TcpStream s = good.accept()) {
                    assertConnected(c, s);
                    assertEquals(at("127.0.0.2", hole.port()), c.peerAddress());
                }
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNameEveryAddressTriedInOrderWhenAllFail(Backend backend) throws Exception {
        FakeLookup lookup = new FakeLookup().answer("down.test", "127.0.0.1", "127.0.0.2", "::1", "127.0.0.3");
        run(backend, () -> {
            int port = closedPort();
            ConnectException e = assertThrows(ConnectException.class,
                    () -> connector(lookup, FOREVER).connect("down.test", port, GUARD));
            String m = e.getMessage();
            assertTrue(m.startsWith("connect(down.test:" + port + "): all 4 addresses failed: 127.0.0.1:" + port
                    + " (ECONNREFUSED"), m);
            int v4a = m.indexOf("127.0.0.1:" + port);
            int v6 = m.indexOf("[0:0:0:0:0:0:0:1]:" + port);
            int v4b = m.indexOf("127.0.0.2:" + port);
            int v4c = m.indexOf("127.0.0.3:" + port);
            assertTrue(v4a < v6 && v6 < v4b && v4b < v4c, "families interleaved, in order tried: " + m);
            assertEquals(4, e.getSuppressed().length, "each address's own failure");
            assertTrue(e.getSuppressed()[0].getMessage().startsWith("connect(127.0.0.1:" + port + "): ECONNREFUSED"),
                    e.getSuppressed()[0].getMessage());
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTimeOutNamingTheHostWhenNoAddressAnswers(Backend backend) throws Exception {
        FakeLookup lookup = new FakeLookup().answer("hole.test", "127.0.0.1", "127.0.0.1");
        run(backend, () -> {
            try (Blackhole hole = new Blackhole()) {
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                        () -> connector(lookup, FOREVER).connect("hole.test", hole.port(), Duration.ofMillis(300)));
                assertEquals("connect(hole.test:" + hole.port() + "): no address connected in time; 127.0.0.1:"
                        + hole.port() + " (no answer yet)", e.getMessage());
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFailClearlyWhenTheNameDoesNotResolve(Backend backend) throws Exception {
        FakeLookup lookup = new FakeLookup();
        UnknownHostException e = run(backend, () -> assertThrows(UnknownHostException.class,
                () -> connector(lookup, FOREVER).connect("nowhere.test", 80)));
        assertEquals("connect(nowhere.test:80): resolve(nowhere.test): Name or service not known", e.getMessage());
        assertInstanceOf(UnknownHostException.class, e.getCause());
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRejectBadArguments(Backend backend) throws Exception {
        run(backend, () -> {
            IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                    () -> TcpStream.connect("localhost", 70000));
            assertEquals("connect(localhost:70000): port out of range (0-65535)", port.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> TcpStream.connect("localhost", 80, Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class, () -> TcpStream.connect("", 80));
            assertThrows(NullPointerException.class, () -> TcpStream.connect((String) null, 80));
            assertThrows(IllegalArgumentException.class,
                    () -> TcpConnector.builder().attemptDelay(Duration.ofMillis(-1)));
            return null;
        });
        assertThrows(IllegalStateException.class, () -> TcpStream.connect("localhost", 80), "not on a loop");
    }

    /**
     * Attempts that race (no delay: both addresses at once, both listening), never answer, or outlive their
     * cancelled caller leave no descriptor behind: every loser is cancelled or closed before connect returns.
     */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNotLeakDescriptorsWhenAttemptsRace(Backend backend) throws Exception {
        FakeLookup lookup = new FakeLookup().answer("both.test", "127.0.0.1", "127.0.0.2")
                .answer("hole.test", "127.0.0.1", "127.0.0.2").answer("only-hole.test", "127.0.0.1");
        run(backend, () -> {
            races(lookup); // warm-up: classes loaded, lazy state made
            int fdsBefore = Leaks.openFds();
            races(lookup);
            assertEquals(fdsBefore, Leaks.openFds(), "every losing attempt's socket is closed");
            return null;
        });
    }

    private static void races(FakeLookup lookup) throws Exception {
        TcpConnector atOnce = connector(lookup, Duration.ZERO);
        try (TcpListener a = TcpListener.bind(ANY_LOCAL);
             TcpListener b = TcpListener.bind(at("127.0.0.2", a.localAddress().getPort()))) {
            for (int i = 0; i < 20; i++) {
                try (TcpStream c = atOnce.connect("both.test", a.localAddress().getPort(), GUARD)) {
                    assertTrue(Set.of(a.localAddress(), b.localAddress()).contains(c.peerAddress()));
                }
            }
        }
        try (Blackhole hole = new Blackhole();
             TcpListener good = TcpListener.bind(at("127.0.0.2", hole.port()))) {
            for (int i = 0; i < 5; i++) {
                try (TcpStream c = atOnce.connect("hole.test", hole.port(), GUARD); TcpStream s = good.accept()) {
                    assertConnected(c, s);
                }
            }
            // A caller cancelled while its only attempt hangs: the attempt is cancelled and its socket closed.
            JoinHandle<TcpStream> waiting = Tasks.spawn(() -> atOnce.connect("only-hole.test", hole.port()));
            while (waiting.thread().getState() != Thread.State.WAITING) { // parked for its attempt's outcome
                Thread.yield();
            }
            waiting.cancel();
            assertInstanceOf(CancellationException.class, catching(waiting));
        }
    }

    private static Throwable catching(JoinHandle<?> h) throws InterruptedException {
        try {
            h.join();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        }
    }

    /**
     * A listener on 127.0.0.1 that answers no SYN: backlog 1 and never accepting, filled until a connect times
     * out (the kernel then drops further SYNs, so a connect neither succeeds nor is refused).
     */
    private static final class Blackhole implements AutoCloseable {
        private final TcpListener listener;
        private final List<TcpStream> filling = new ArrayList<>();

        Blackhole() throws IOException {
            listener = TcpListener.builder().backlog(1).bind(ANY_LOCAL);
            for (int i = 0; i < 16; i++) {
                try {
                    filling.add(TcpStream.connect(listener.localAddress(), Duration.ofMillis(200)));
                } catch (SocketTimeoutException full) {
                    return;
                }
            }
            close();
            throw new AssertionError("a listener with backlog 1 took 16 connections");
        }

        int port() {
            return listener.localAddress().getPort();
        }

        @Override
        public void close() throws IOException {
            for (TcpStream s : filling) {
                s.close();
            }
            listener.close();
        }
    }
}
