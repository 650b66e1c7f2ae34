package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.cli.proxy.ProxyServer;
import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.loop.Backend;
import io.ringloop.net.CopyMode;
import io.ringloop.net.TcpServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ringloop proxy}'s server with the echo server of {@code ringloop echo} behind it, byte for byte, on
 * every backend and copy mode (NIO cannot splice); and with peers that reset and a target nobody listens on: one
 * line per failed connection, and the server goes on serving.
 */
class ProxyServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final InetSocketAddress ANY_LOCAL = new InetSocketAddress(LOOPBACK, 0);

    static Stream<Arguments> backendsAndModes() {
        List<Arguments> all = new ArrayList<>();
        for (Backend b : List.of(Backend.IO_URING, Backend.EPOLL, Backend.NIO)) {
            for (CopyMode m : CopyMode.values()) {
                if (b != Backend.NIO || m != CopyMode.SPLICE) {
                    all.add(Arguments.of(b, m));
                }
            }
        }
        return all.stream();
    }

    private static Ringloop start(Backend backend) throws IOException {
        Assumptions.assumeTrue(backend != Backend.IO_URING || IoUringDriver.unusableReason() == null);
        return Ringloop.builder().backend(backend).threads(1).start();
    }

    /** Errors the proxy printed, one per line. */
    private static final class Lines {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        List<String> lines() {
            synchronized (stream) {
                return bytes.toString(StandardCharsets.UTF_8).lines().toList();
            }
        }
    }

    /** Writes {@code data} then half-closes, while reading everything back: what came back. */
    private static byte[] echoThrough(int port, byte[] data) throws IOException {
        try (Socket c = new Socket(LOOPBACK, port)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    c.getOutputStream().write(data);
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] back = new byte[data.length];
            new DataInputStream(c.getInputStream()).readFully(back);
            assertEquals(-1, c.getInputStream().read(), "the echo's end comes through after the client's");
            writer.join();
            return back;
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("backendsAndModes")
    void shouldRelayALargeTransferAndManyConnectionsByteForByte(Backend backend, CopyMode mode) throws Exception {
        try (Ringloop rt = start(backend)) {
            TcpServer echo = rt.serve(ANY_LOCAL, s -> EchoCommand.echo(s, 16 * 1024, false));
            Lines errors = new Lines();
            ProxyServer proxy = new ProxyServer("127.0.0.1", echo.localAddress().getPort(), mode, 32 * 1024,
                    errors.stream);
            int port = proxy.serve(rt, ANY_LOCAL).localAddress().getPort();
            byte[] large = random(8 * 1024 * 1024, 1);
            assertArrayEquals(large, echoThrough(port, large), "8 MiB");
            int clients = 40;
            try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    byte[] data = random(64 * 1024 + i, 100 + i);
                    results.add(pool.submit(() -> java.util.Arrays.equals(data, echoThrough(port, data))));
                }
                for (Future<Boolean> r : results) {
                    assertTrue(r.get(), "a connection's bytes came back changed");
                }
            }
            assertEquals(List.of(), errors.lines());
            assertEquals(clients + 1, proxy.connections());
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("backendsAndModes")
    void shouldSayOneLinePerConnectionToAnUnreachableTargetAndGoOn(Backend backend, CopyMode mode)
            throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = s.getLocalPort();
        }
        try (Ringloop rt = start(backend)) {
            Lines errors = new Lines();
            ProxyServer proxy = new ProxyServer("127.0.0.1", closedPort, mode, 4096, errors.stream);
            int port = proxy.serve(rt, ANY_LOCAL).localAddress().getPort();
            for (int i = 1; i <= 3; i++) {
                try (Socket c = new Socket(LOOPBACK, port)) {
                    assertEquals(-1, c.getInputStream().read(), "the proxy closes a client it cannot serve");
                }
                int n = i;
                waitFor(() -> errors.lines().size() == n);
            }
            for (String line : errors.lines()) {
                assertTrue(line.matches("ringloop proxy: 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:" + closedPort
                        + ": .*ECONNREFUSED.*"), line);
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("backendsAndModes")
    void shouldSayOneLineWhenTheTargetResetsAndGoOn(Backend backend, CopyMode mode) throws Exception {
        try (Ringloop rt = start(backend); ServerSocket target = new ServerSocket(0, 50, LOOPBACK)) {
            Lines errors = new Lines();
            ProxyServer proxy = new ProxyServer("127.0.0.1", target.getLocalPort(), mode, 4096, errors.stream);
            int port = proxy.serve(rt, ANY_LOCAL).localAddress().getPort();
            for (int i = 1; i <= 2; i++) {
                try (Socket c = new Socket(LOOPBACK, port)) {
                    c.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                    try (Socket t = target.accept()) {
                        assertEquals("hello", new String(t.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                        t.setSoLinger(true, 0); // close = RST
                    }
                    assertEquals(-1, c.getInputStream().read(), "the client's leg closes after the target's reset");
                }
                int n = i;
                waitFor(() -> errors.lines().size() == n);
            }
            for (String line : errors.lines()) {
                assertTrue(line.matches("ringloop proxy: 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:\\d+: target side "
                        + "failed after 5 bytes up, 0 down: .*ECONNRESET.*"), line);
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("backendsAndModes")
    void shouldSayOneLineWhenTheClientResetsAndGoOn(Backend backend, CopyMode mode) throws Exception {
        try (Ringloop rt = start(backend)) {
            TcpServer echo = rt.serve(ANY_LOCAL, s -> EchoCommand.echo(s, 4096, false));
            Lines errors = new Lines();
            ProxyServer proxy = new ProxyServer("127.0.0.1", echo.localAddress().getPort(), mode, 4096,
                    errors.stream);
            int port = proxy.serve(rt, ANY_LOCAL).localAddress().getPort();
            try (Socket c = new Socket(LOOPBACK, port)) {
                c.getOutputStream().write(new byte[3]);
                assertEquals(3, c.getInputStream().readNBytes(3).length);
                c.setSoLinger(true, 0);
            }
            waitFor(() -> errors.lines().size() == 1);
            String line = errors.lines().getFirst();
            assertTrue(line.matches("ringloop proxy: 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:\\d+: client side "
                    + "failed after 3 bytes up, 3 down: .*ECONNRESET.*"), line);
            byte[] after = random(100_000, 3);
            assertArrayEquals(after, echoThrough(port, after), "the proxy still serves");
        }
    }

    /** Waits for a condition another thread makes true (no clock decides the outcome; a hang fails the test). */
    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(1);
        }
    }
}
