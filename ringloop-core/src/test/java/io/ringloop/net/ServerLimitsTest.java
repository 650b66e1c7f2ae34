package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Backends;
import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ServerLimits} on {@link TcpServer}, every backend: the connection limit over all loops (both spreads),
 * the idle, request (read) and write timeouts, each beside a bystander connection they must not touch, and no
 * descriptor left behind.
 */
class ServerLimitsTest {
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress("127.0.0.1", 0);
    private static final Duration SHORT = Duration.ofMillis(300);
    /** Long enough that a loaded machine does not stall the flowing client's next byte past it. */
    private static final Duration IDLE = Duration.ofSeconds(1);

    /** What a handler saw: the bytes it echoed and how it ended (null: end of stream). */
    record Ending(int echoed, Throwable failure, boolean streamOpen) {
    }

    static Stream<Arguments> backendsAndSpreads() {
        return Backends.all().stream().flatMap(b -> Stream.of(TcpServer.Spread.values()).map(s -> Arguments.of(b, s)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndSpreads")
    void shouldServeTheConnectionPastTheLimitOnlyWhenOneCloses(Backend backend, TcpServer.Spread spread)
            throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        BlockingQueue<String> served = new LinkedBlockingQueue<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(2).start()) {
            int fdsBefore = fdsAfterWarmUp();
            TcpServer server = rt.serve(ANY_LOCAL, spread, ServerLimits.DEFAULTS.withMaxConnections(2), s -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                byte[] b = new byte[1];
                s.readFully(b, 0, 1);
                String name = String.valueOf((char) b[0]);
                log.add("serve " + name);
                served.add(name);
                s.writeAll(b);
                while (s.read(b) > 0) {
                    s.writeAll(b);
                }
                log.add("end " + name);
                running.decrementAndGet();
            });
            InetSocketAddress at = server.localAddress();
            Client a = new Client(at);
            Client b = new Client(at);
            assertEquals("a", a.ask("a"));
            assertEquals("b", b.ask("b"));
            served.clear();
            try (Client c = new Client(at); Client d = new Client(at)) {
                c.send("c"); // connected (the backlog), but not served while a and b are
                d.send("d");
                assertEquals("b", b.ask("b"), "the connections being served go on");
                a.close();
                // Which of c and d comes first is the kernel's choice (REUSE_PORT: each loop has its backlog).
                String first = served.poll(10, TimeUnit.SECONDS);
                assertTrue("c".equals(first) || "d".equals(first), "one more is served once a closed: " + first);
                Client firstClient = first.equals("c") ? c : d;
                Client second = first.equals("c") ? d : c;
                assertEquals(first, firstClient.read(1));
                assertTrue(log.indexOf("end a") < log.indexOf("serve " + first), "only after a ended: " + log);
                assertFalse(log.contains("serve " + (first.equals("c") ? "d" : "c")), "not both: " + log);
                b.close();
                String last = first.equals("c") ? "d" : "c";
                assertEquals(last, second.read(1), "served once b closed");
                assertTrue(log.indexOf("end b") < log.indexOf("serve " + last), "only after b ended: " + log);
                assertTrue(peak.get() <= 2, "at most maxConnections handlers at once: " + peak.get());
                assertEquals(2, server.connections());
                assertTrue(server.drain(Duration.ofSeconds(10)), "the idle echo connections close at once");
            }
            assertEquals(0, server.connections());
            assertFdsBack(rt, fdsBefore);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCloseAnIdleConnectionAndNeverOneWhoseDataFlows(Backend backend) throws Exception {
        BlockingQueue<Ending> endings = new LinkedBlockingQueue<>();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            int fdsBefore = fdsAfterWarmUp();
            TcpServer server = rt.serve(ANY_LOCAL, TcpServer.Spread.ACCEPTOR,
                    ServerLimits.DEFAULTS.withIdleTimeout(IDLE), s -> echo(s, endings));
            try (Client flowing = new Client(server.localAddress());
                 Client idle = new Client(server.localAddress())) {
                assertEquals("x", flowing.ask("x"));
                long armedBefore = rt.loop(0).metrics().timers().armed();
                long untilNs = System.nanoTime() + 2 * IDLE.toNanos();
                int rounds = 0;
                while (rounds < 200 || System.nanoTime() - untilNs < 0) { // several idle timeouts' worth of data
                    assertEquals("x", flowing.ask("x")); // the server's read waits for each
                    rounds++;
                }
                long armed = rt.loop(0).metrics().timers().armed() - armedBefore;
                assertTrue(armed < rounds / 2, "no timer per read: " + armed + " timers for " + rounds + " reads");
                assertEquals(-1, idle.in.read(), "the idle connection is closed by the server");
                Ending e = endings.poll(10, TimeUnit.SECONDS);
                assertNotNull(e);
                assertEquals(0, e.echoed());
                assertInstanceOf(SocketTimeoutException.class, e.failure());
                assertTrue(e.failure().getMessage().startsWith("read(fd="), e.failure().getMessage());
                assertTrue(e.failure().getMessage().contains("peer 127.0.0.1:")
                        && e.failure().getMessage().contains("ServerLimits.idleTimeout"), e.failure().getMessage());
                assertFalse(e.streamOpen(), "the stream is closed with the timeout");
                assertEquals("x", flowing.ask("x"), "the flowing connection was never timed out");
                assertNull(endings.peek());
            }
            assertTrue(server.drain(Duration.ofSeconds(10)));
            assertFdsBack(rt, fdsBefore);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTimeOutASlowRequestButNotTheWaitBetweenRequests(Backend backend) throws Exception {
        BlockingQueue<Ending> endings = new LinkedBlockingQueue<>();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            TcpServer server = rt.serve(ANY_LOCAL, TcpServer.Spread.ACCEPTOR,
                    ServerLimits.DEFAULTS.withReadTimeout(SHORT), s -> lines(s, endings));
            try (Client slow = new Client(server.localAddress());
                 Client fast = new Client(server.localAddress())) {
                assertEquals("ok\n", fast.ask("request\n"));
                Thread.sleep(2 * SHORT.toMillis()); // idle between requests: the request timeout does not apply
                assertEquals("ok\n", fast.ask("request\n"));
                Thread loris = Thread.ofPlatform().start(() -> slow.trickle(SHORT.toMillis() / 6, 200));
                assertEquals("408\n", slow.read(4), "the slow request is answered, then the connection closes");
                assertEquals(-1, slow.in.read());
                loris.interrupt();
                loris.join();
                Ending e = endings.poll(10, TimeUnit.SECONDS);
                assertNotNull(e);
                assertInstanceOf(SocketTimeoutException.class, e.failure());
                assertTrue(e.failure().getMessage().contains("ServerLimits.readTimeout"), e.failure().getMessage());
                assertTrue(e.streamOpen(), "the request timeout leaves the stream open for an answer");
                assertEquals("ok\n", fast.ask("request\n"), "the bystander is served throughout");
            }
            assertTrue(server.drain(Duration.ofSeconds(10)));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNotApplyTheIdleTimeoutInsideARequest(Backend backend) throws Exception {
        BlockingQueue<Ending> endings = new LinkedBlockingQueue<>();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            TcpServer server = rt.serve(ANY_LOCAL, TcpServer.Spread.ACCEPTOR, ServerLimits.DEFAULTS
                    .withIdleTimeout(SHORT).withReadTimeout(Duration.ofSeconds(30)), s -> lines(s, endings));
            try (Client c = new Client(server.localAddress())) {
                c.send("GE");
                Thread.sleep(2 * SHORT.toMillis()); // mid-request, longer than the idle timeout
                c.send("T\n");
                assertEquals("ok\n", c.read(3), "the request timeout governs a request, not the idle one");
                assertEquals(-1, c.in.read(), "between requests the idle timeout closes the connection");
                Ending e = endings.poll(10, TimeUnit.SECONDS);
                assertNotNull(e);
                assertEquals(1, e.echoed(), "one request served");
                assertTrue(e.failure().getMessage().contains("ServerLimits.idleTimeout"), e.failure().getMessage());
            }
            assertTrue(server.drain(Duration.ofSeconds(10)));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFailAWriteThePeerDoesNotTakeAndCloseTheConnection(Backend backend) throws Exception {
        BlockingQueue<Ending> endings = new LinkedBlockingQueue<>();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            TcpServer server = rt.serve(ANY_LOCAL, TcpServer.Spread.ACCEPTOR,
                    ServerLimits.DEFAULTS.withWriteTimeout(SHORT), s -> {
                        byte[] b = new byte[1];
                        s.readFully(b, 0, 1);
                        if (b[0] == 'f') { // flood: write until the peer, who never reads, stops taking bytes
                            byte[] chunk = new byte[64 * 1024];
                            int written = 0;
                            try {
                                while (true) {
                                    s.writeAll(chunk);
                                    written += chunk.length;
                                }
                            } catch (IOException e) {
                                endings.add(new Ending(written, e, s.isOpen()));
                            }
                        } else {
                            s.writeAll(b);
                            echo(s, endings);
                        }
                    });
            try (Client sink = new Client(server.localAddress());
                 Client bystander = new Client(server.localAddress())) {
                sink.send("f"); // and never reads
                Ending e = endings.poll(20, TimeUnit.SECONDS);
                assertNotNull(e, "the write timed out");
                assertInstanceOf(SocketTimeoutException.class, e.failure());
                assertTrue(e.failure().getMessage().startsWith("write(fd=")
                        && e.failure().getMessage().contains("ServerLimits.writeTimeout"), e.failure().getMessage());
                assertFalse(e.streamOpen(), "the connection is closed with the timeout");
                assertTrue(e.echoed() > 0, "bytes were taken until the peer's window filled");
                assertEquals("e", bystander.ask("e"));
                assertEquals("x", bystander.ask("x"), "the bystander is served");
            }
            assertTrue(server.drain(Duration.ofSeconds(10)));
        }
    }

    /**
     * Open descriptors, after one loopback connection of the JDK's own sockets: their first use keeps a socket
     * open for the process's life (the JDK's probe), which a leak count must not see as ours.
     */
    static int fdsAfterWarmUp() throws IOException {
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Socket c = new Socket(ss.getInetAddress(), ss.getLocalPort());
             Socket s = ss.accept()) {
            c.getOutputStream().write(1);
            s.getInputStream().read();
        }
        return Leaks.openFds();
    }

    /**
     * Descriptors are back to {@code fdsBefore} once every loop has polled twice: NIO closes a channel that was
     * registered with its selector at the selector's next select, not in close().
     */
    static void assertFdsBack(Ringloop rt, int fdsBefore) throws Exception {
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < rt.loops().size(); i++) {
                rt.spawnOn(i, () -> {
                    io.ringloop.task.Tasks.yieldNow(); // waits for the loop's next poll
                    return null;
                }).join();
            }
        }
        assertEquals(fdsBefore, Leaks.openFds(), "every connection and listener closed");
    }

    /** Echoes until end of stream or a failure, then records how it ended. */
    static void echo(TcpStream s, BlockingQueue<Ending> endings) {
        byte[] b = new byte[1024];
        int echoed = 0;
        try {
            int n;
            while ((n = s.read(b)) > 0) {
                s.writeAll(b, 0, n);
                echoed += n;
            }
        } catch (IOException e) {
            endings.add(new Ending(echoed, e, s.isOpen()));
        }
    }

    /** Line requests: "ok\n" for each; a request timeout is answered "408\n" and ends the connection. */
    private static void lines(TcpStream s, BlockingQueue<Ending> endings) throws IOException {
        ServerConnection c = ServerConnection.of(s);
        byte[] b = new byte[1];
        int requests = 0;
        try {
            while (s.read(b) > 0) {
                c.requestStarted();
                while (b[0] != '\n') {
                    s.readFully(b, 0, 1);
                }
                c.requestDone();
                s.writeAll("ok\n".getBytes(StandardCharsets.US_ASCII));
                requests++;
            }
        } catch (SocketTimeoutException e) {
            endings.add(new Ending(requests, e, s.isOpen()));
            if (!s.isOpen()) {
                return; // the idle timeout: nothing to answer
            }
            s.writeAll("408\n".getBytes(StandardCharsets.US_ASCII));
            c.requestDone(); // the rest of the request is not waited for: discard input until the peer closes
            s.shutdownOutput();
            while (s.read(b) > 0) {
                continue;
            }
        }
    }

    /** A blocking test client; a hung server fails the test after 10 s instead of stalling it. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final InputStream in;

        Client(InetSocketAddress at) throws IOException {
            socket = new Socket(at.getAddress(), at.getPort());
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
        }

        void send(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        }

        String read(int n) throws IOException {
            return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
        }

        String ask(String text) throws IOException {
            send(text);
            return read(text.equals("request\n") ? 3 : text.length());
        }

        /** Sends one byte of a never-ending request line every {@code intervalMs}, until refused or done. */
        void trickle(long intervalMs, int bytes) {
            try {
                for (int i = 0; i < bytes; i++) {
                    send("G");
                    Thread.sleep(intervalMs);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed: the point of the exercise
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
