package io.ringloop.tls;

import static io.ringloop.tls.TlsTesting.jdkClient;
import static io.ringloop.tls.TlsTesting.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.frame.FrameConnection;
import io.ringloop.frame.FrameHandler;
import io.ringloop.frame.FrameOptions;
import io.ringloop.frame.FrameServer;
import io.ringloop.frame.FrameView;
import io.ringloop.frame.FramedStream;
import io.ringloop.loop.Backend;
import io.ringloop.net.ServerLimits;
import io.ringloop.unix.UnixAddress;
import io.ringloop.unix.UnixStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The framing server with TLS ({@link FrameOptions#withTls}): the handler sees plaintext in place and sends
 * plaintext, on every receive path (io_uring with and without multishot receive, epoll, NIO), against the JDK's
 * SSLSocket, a ringloop TlsStream over a Unix socket and openssl s_client: TLS 1.2 and 1.3, ALPN, SNI, frames
 * split across records, 16 MiB byte for byte, close_notify both ways, a failed, cut and silent handshake, a
 * refused renegotiation, the task style, no descriptor left open.
 */
@Timeout(180)
class FrameTlsTest {
    private static final long HANG_SEC = 60; // only a hang gets near it: not a timing assertion
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @TempDir
    Path dir;

    /** A receive path. */
    record Setup(Backend backend, boolean multishot) {
        Ringloop start() throws IOException {
            return Ringloop.builder().backend(backend).multishotReceive(multishot).threads(1).start();
        }

        @Override
        public String toString() {
            return backend + (multishot ? "+multishot" : "");
        }
    }

    static List<Setup> setups() {
        return List.of(new Setup(Backend.IO_URING, true), new Setup(Backend.IO_URING, false),
                new Setup(Backend.EPOLL, false), new Setup(Backend.NIO, false));
    }

    /**
     * Echoes lines, upper-cased ({@code "bye"} closes after its answer), so that a frame may span records and a
     * record hold many frames. Events: "open PROTOCOL ALPN", "closed", or the cause.
     */
    static final class Lines implements FrameHandler {
        final BlockingQueue<Object> events;

        Lines(BlockingQueue<Object> events) {
            this.events = events;
        }

        @Override
        public void onOpen(FrameConnection c) {
            events.add("open " + c.tlsSession().getProtocol() + " " + c.applicationProtocol());
        }

        @Override
        public long onData(FrameConnection c, FrameView in) {
            long nl = in.indexOf((byte) '\n', 0, in.length());
            if (nl < 0) {
                return NEED_MORE;
            }
            String line = in.toString(0, (int) nl, StandardCharsets.US_ASCII);
            c.send((line.toUpperCase() + "\n").getBytes(StandardCharsets.US_ASCII));
            if (line.equals("bye")) {
                c.close();
            }
            return nl + 1;
        }

        @Override
        public void onClosed(FrameConnection c, Throwable cause) {
            events.add(cause == null ? "closed" : cause);
        }
    }

    /** Echoes every byte it is shown. */
    static class Echo implements FrameHandler {
        final BlockingQueue<Object> events;

        Echo(BlockingQueue<Object> events) {
            this.events = events;
        }

        @Override
        public long onData(FrameConnection c, FrameView in) {
            c.send(in, 0, in.length());
            return in.length();
        }

        @Override
        public void onClosed(FrameConnection c, Throwable cause) {
            events.add(cause == null ? "closed" : cause);
        }
    }

    private static Object next(BlockingQueue<Object> events) throws InterruptedException {
        Object e = events.poll(HANG_SEC, TimeUnit.SECONDS);
        assertNotNull(e, "the server reported nothing");
        return e;
    }

    private static FrameServer serve(Ringloop rt, TlsConfig config, FrameHandler handler) throws IOException {
        return FrameServer.start(rt.loops(), LOOPBACK, ServerLimits.DEFAULTS, FrameOptions.DEFAULTS.withTls(config),
                () -> handler);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("end of stream after '" + b + "'");
            }
            b.append((char) c);
        }
        return b.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldServeFramesOverTls13And12WithAlpnAndCloseNotifyBothWays(Setup setup) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig config = TlsConfig.server(c.localhost(), c.localhostKey()).alpn("lines", "http/1.1").build();
        SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
        int fdsBefore = Leaks.openFds();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try (Ringloop rt = setup.start()) {
            FrameServer server = FrameServer.start(rt.loops(), LOOPBACK, ServerLimits.DEFAULTS,
                    FrameOptions.DEFAULTS.withTls(config), () -> new Lines(events));
            int port = server.localAddress().getPort();
            for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                try (SSLSocket s = jdkClient(jdk, port, protocol, null, "lines")) {
                    assertEquals("lines", s.getApplicationProtocol());
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    // Many frames in one record, then one frame spread over three records.
                    out.write("one\ntwo\nthree\n".getBytes(StandardCharsets.US_ASCII));
                    out.write("spl".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    assertEquals("ONE", readLine(in));
                    assertEquals("TWO", readLine(in));
                    assertEquals("THREE", readLine(in));
                    out.write("it acr".getBytes(StandardCharsets.US_ASCII));
                    out.write("oss records\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("SPLIT ACROSS RECORDS", readLine(in));
                    out.write("bye\n".getBytes(StandardCharsets.US_ASCII)); // the server closes: close_notify
                    assertEquals("BYE", readLine(in));
                    assertEquals(-1, in.read(), "the server's close_notify is a clean end for the JDK");
                }
                assertEquals("open " + protocol + " lines", next(events));
                assertEquals("closed", next(events));
                try (SSLSocket s = jdkClient(jdk, port, protocol, null)) {
                    s.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("HI", readLine(s.getInputStream()));
                } // the client's close_notify: a clean end for the server
                assertEquals("open " + protocol + " ", next(events), "no ALPN offered: none agreed");
                assertEquals("closed", next(events));
            }
            server.close();
        }
        assertEquals(fdsBefore, Leaks.openFds(), "every socket closed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldEcho16MibByteForByte(Setup setup) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig config = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        int total = 16 << 20;
        try (Ringloop rt = setup.start(); FrameServer server = serve(rt, config, new Echo(events));
             SSLSocket s = jdkClient(jdk, server.localAddress().getPort(), "TLSv1.3", null)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    byte[] chunk = new byte[24_000]; // not a multiple of a record: records and chunks drift
                    for (long at = 0; at < total; at += chunk.length) {
                        int n = (int) Math.min(chunk.length, total - at);
                        for (int i = 0; i < n; i++) {
                            chunk[i] = pattern(at + i);
                        }
                        s.getOutputStream().write(chunk, 0, n);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            InputStream in = s.getInputStream();
            byte[] buf = new byte[50_000];
            long got = 0;
            while (got < total) {
                int n = in.read(buf);
                assertTrue(n > 0, "end of stream after " + got + " bytes");
                for (int i = 0; i < n; i++) {
                    if (buf[i] != pattern(got + i)) {
                        throw new AssertionError("byte " + (got + i) + " differs");
                    }
                }
                got += n;
            }
            writer.get(HANG_SEC, TimeUnit.SECONDS);
            assertEquals(total, got);
        }
        assertEquals("closed", next(events), "the drain at close ends the connection cleanly");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldReportFailedCutAndSilentHandshakesWithoutOpening(Setup setup) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig config = TlsConfig.server(c.untrusted(), c.untrustedKey())
                .handshakeTimeout(Duration.ofSeconds(1)).build();
        SSLContext trustsCaOnly = TlsConfig.client().trust(c.ca()).build().context();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        int fdsBefore = Leaks.openFds();
        try (Ringloop rt = setup.start(); FrameServer server = serve(rt, config, new Lines(events))) {
            int port = server.localAddress().getPort();
            assertThrows(SSLHandshakeException.class, () -> jdkClient(trustsCaOnly, port, "TLSv1.3", null).close());
            SSLHandshakeException refused = assertInstanceOf(SSLHandshakeException.class, next(events));
            assertTrue(refused.getMessage().startsWith("TLS handshake with /127.0.0.1:"), refused.getMessage());

            try (Socket plain = new Socket("127.0.0.1", port)) {
                plain.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // a ClientHello, cut
                plain.shutdownOutput();
                assertEquals(-1, plain.getInputStream().read(), "the server closes");
            }
            SSLHandshakeException cut = assertInstanceOf(SSLHandshakeException.class, next(events));
            assertTrue(cut.getMessage().contains("the peer closed the connection before the handshake finished"),
                    cut.getMessage());

            try (Socket silent = new Socket("127.0.0.1", port)) {
                assertEquals(-1, silent.getInputStream().read(), "the server gives up on a silent client");
            }
            SocketTimeoutException late = assertInstanceOf(SocketTimeoutException.class, next(events));
            assertTrue(late.getMessage().matches("TLS handshake with /127\\.0\\.0\\.1:\\d+: not finished within "
                    + "1000 ms"), late.getMessage());
            assertTrue(events.isEmpty(), "onOpen was never called: " + events);
        }
        assertEquals(fdsBefore, Leaks.openFds(), "every socket closed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldCloseIdleConnectionsWithCloseNotifyAndAbortPartialRecordsAtTheReadTimeout(Setup setup)
            throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig config = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        ServerLimits limits = ServerLimits.DEFAULTS.withIdleTimeout(Duration.ofSeconds(1))
                .withReadTimeout(Duration.ofSeconds(1));
        try (Ringloop rt = setup.start(); FrameServer server = FrameServer.start(rt.loops(), LOOPBACK, limits,
                FrameOptions.DEFAULTS.withTls(config), () -> new Lines(events))) {
            int port = server.localAddress().getPort();
            try (SSLSocket s = jdkClient(jdk, port, "TLSv1.3", null)) {
                s.getOutputStream().write("x\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("X", readLine(s.getInputStream()));
                assertEquals(-1, s.getInputStream().read(), "idle: the server's close_notify, a clean end");
            }
            assertEquals("open TLSv1.3 ", next(events));
            SocketTimeoutException idle = assertInstanceOf(SocketTimeoutException.class, next(events));
            assertTrue(idle.getMessage().startsWith("idle timeout: no input for 1000 ms"), idle.getMessage());

            try (Socket loris = new Socket("127.0.0.1", port)) {
                loris.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02}); // a record header, cut short
                assertEquals(-1, loris.getInputStream().read(), "the server gives up on the partial record");
            }
            SocketTimeoutException partial = assertInstanceOf(SocketTimeoutException.class, next(events));
            assertTrue(partial.getMessage().startsWith("read timeout: a frame begun 1000 ms ago is still incomplete"),
                    partial.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldAnswerTls13KeyUpdateAndRefuseTls12Renegotiation(Setup setup) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig config = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try (Ringloop rt = setup.start(); FrameServer server = serve(rt, config, new Lines(events))) {
            int port = server.localAddress().getPort();
            try (SSLSocket s = jdkClient(jdk, port, "TLSv1.3", null)) {
                s.getOutputStream().write("a\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("A", readLine(s.getInputStream()));
                s.startHandshake(); // TLS 1.3: a KeyUpdate asking for one back
                s.getOutputStream().write("b\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("B", readLine(s.getInputStream()));
            }
            assertEquals("open TLSv1.3 ", next(events));
            assertEquals("closed", next(events));
            try (SSLSocket s = jdkClient(jdk, port, "TLSv1.2", null)) {
                s.getOutputStream().write("a\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("A", readLine(s.getInputStream()));
                s.startHandshake(); // TLS 1.2: renegotiation, which goes on as the client reads
                assertThrows(IOException.class, () -> readLine(s.getInputStream()));
            }
            assertEquals("open TLSv1.2 ", next(events));
            SSLException e = assertInstanceOf(SSLException.class, next(events));
            assertTrue(e.getMessage().matches("TLS renegotiation requested by /127\\.0\\.0\\.1:\\d+ \\(TLSv1\\.2\\): "
                    + "refused, the connection is closed"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldPickTheCertificateBySniForOpensslAndServeItsLines(Setup setup) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig config = TlsConfig.server(c.localhost(), c.localhostKey()).sni("b.test", c.bTest(), c.bTestKey())
                .alpn("lines").build();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try (Ringloop rt = setup.start(); FrameServer server = serve(rt, config, new Lines(events))) {
            int port = server.localAddress().getPort();
            for (String version : List.of("-tls1_3", "-tls1_2")) {
                try (OpensslPeer client = OpensslPeer.start(c, "s_client", "-connect", "127.0.0.1:" + port, version,
                        "-servername", "b.test", "-alpn", "lines", "-CAfile", c.ca().toString(),
                        "-verify_return_error", "-verify_hostname", "b.test")) {
                    client.awaitLine("ALPN protocol: lines");
                    client.awaitLine("\\s*Verify return code: 0 \\(ok\\)");
                    client.send("from openssl\n");
                    client.awaitLine("FROM OPENSSL");
                    client.send("bye\n");
                    client.awaitLine("BYE");
                }
                Object open = next(events);
                assertEquals("open " + (version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2") + " lines", open);
                assertEquals("closed", next(events));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldServeTlsTasksOnAUnixPath(Setup setup) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig config = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        TlsConfig client = TlsConfig.client().trust(c.ca()).build();
        UnixAddress address = UnixAddress.of(dir.resolve("tls-frames.sock"));
        try (Ringloop rt = setup.start(); FrameServer _ = FrameServer.startTasks(rt.loops(), address,
                ServerLimits.DEFAULTS, FrameOptions.DEFAULTS.withTls(config), FrameTlsTest::upperLines)) {
            String answer = rt.blockOn(() -> {
                try (TlsStream s = TlsStream.client(UnixStream.connect(address), client, "localhost", 0)) {
                    s.writeAll("task\nstyle\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] got = new byte[11];
                    s.readFully(got, 0, got.length);
                    X509Certificate peer = (X509Certificate) s.session().getPeerCertificates()[0];
                    return new String(got, StandardCharsets.US_ASCII) + peer.getSubjectX500Principal().getName();
                }
            });
            assertEquals("TASK\nSTYLE\nCN=localhost", answer);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldSendWhatATaskQueuesBeforeTheHandshakeEnds(Setup setup) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig config = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
        try (Ringloop rt = setup.start(); FrameServer server = FrameServer.startTasks(rt.loops(), LOOPBACK,
                ServerLimits.DEFAULTS, FrameOptions.DEFAULTS.withTls(config), s -> {
                    s.send("220 greeting first\n".getBytes(StandardCharsets.US_ASCII)); // a server-first protocol
                    upperLines(s);
                });
             SSLSocket client = jdkClient(jdk, server.localAddress().getPort(), "TLSv1.3", null)) {
            assertEquals("220 greeting first", readLine(client.getInputStream()));
            client.getOutputStream().write("then lines\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("THEN LINES", readLine(client.getInputStream()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldAuthenticateClientsAndResumeTheirSessions(Setup setup) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig need = TlsConfig.server(c.localhost(), c.localhostKey()).trust(c.ca())
                .clientAuth(TlsConfig.ClientAuth.NEED).build();
        SSLContext withCert = TlsConfig.client().trust(c.ca()).identity(c.client(), c.clientKey()).build().context();
        SSLContext without = TlsConfig.client().trust(c.ca()).build().context();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try (Ringloop rt = setup.start(); FrameServer server = serve(rt, need, new Echo(events) {
            @Override
            public void onOpen(FrameConnection conn) {
                try {
                    events.add(conn.tlsSession().getPeerPrincipal().getName());
                } catch (IOException e) {
                    events.add(e);
                }
            }
        })) {
            int port = server.localAddress().getPort();
            assertThrows(IOException.class, () -> {
                try (SSLSocket s = jdkClient(without, port, "TLSv1.3", null)) {
                    s.getInputStream().read(); // TLS 1.3: the refusal comes after the client's Finished
                }
            });
            assertInstanceOf(SSLHandshakeException.class, next(events), "no client certificate: refused");
            byte[][] sessionIds = new byte[2][];
            for (int i = 0; i < 2; i++) {
                try (SSLSocket s = jdkClient(withCert, port, "TLSv1.2", null)) {
                    s.getOutputStream().write(i);
                    assertEquals(i, s.getInputStream().read());
                    sessionIds[i] = s.getSession().getId();
                }
                assertEquals("CN=client", next(events));
                assertEquals("closed", next(events));
            }
            assertArrayEquals(sessionIds[0], sessionIds[1], "the second connection resumed the first's session");
        }
    }

    /** A task-style server body: upper-cased lines until the end of stream, TLS or not alike. */
    private static void upperLines(FramedStream s) throws IOException {
        while (true) {
            byte[][] line = new byte[1][];
            long n = s.parse(in -> {
                long nl = in.indexOf((byte) '\n', 0, in.length());
                if (nl < 0) {
                    return FrameHandler.NEED_MORE;
                }
                line[0] = in.toString(0, (int) nl + 1, StandardCharsets.US_ASCII).toUpperCase()
                        .getBytes(StandardCharsets.US_ASCII);
                return nl + 1;
            });
            if (n < 0) {
                return;
            }
            s.send(line[0]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void shouldTellTheTlsSessionToTheHandlerAndNothingToAPlainOne(Setup setup) throws Exception {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try (Ringloop rt = setup.start(); FrameServer server = FrameServer.start(rt.loops(), LOOPBACK,
                ServerLimits.DEFAULTS, FrameOptions.DEFAULTS, () -> new FrameHandler() {
                    @Override
                    public void onOpen(FrameConnection c) {
                        events.add(c.tlsSession() == null && c.applicationProtocol() == null ? "plain" : "tls?");
                    }

                    @Override
                    public long onData(FrameConnection c, FrameView in) {
                        return in.length();
                    }
                });
             Socket _ = new Socket("127.0.0.1", server.localAddress().getPort())) {
            assertEquals("plain", next(events));
        }
        TlsConfig client = TlsConfig.client().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrameOptions.DEFAULTS.withTls(client));
        assertTrue(e.getMessage().startsWith("FrameOptions.tls: a framing server needs a server's TlsConfig"),
                e.getMessage());
        assertArrayEquals(new Object[0], events.toArray());
    }
}
