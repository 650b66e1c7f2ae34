package io.ringloop.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.io.StreamReader;
import io.ringloop.io.StreamWriter;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TlsStream against Debian's {@code openssl s_client} and {@code s_server}, every backend. The commands are in
 * each test (and those making the certificates in {@link TestCerts}); skipped without openssl.
 */
@Timeout(90)
class TlsOpensslTest {
    private static final int TOTAL = 16 << 20;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeOpensslClientOverTls13And12WithAlpnSniAndCloseNotify(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).sni("b.test", c.bTest(), c.bTestKey())
                .alpn("http/1.1", "h2").build();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            for (String version : List.of("1.3", "1.2")) {
                var served = TlsTesting.serve(rt, server, 1, s -> {
                    StreamReader in = new StreamReader(s);
                    StreamWriter out = new StreamWriter(s);
                    in.flushBeforeRead(out);
                    for (var line = in.readLine(100); line != null; line = in.readLine(100)) {
                        out.writeAscii("echo " + line + "\n");
                    }
                    return s.session().getProtocol() + " " + s.applicationProtocol() + " ended by close_notify";
                });
                try (OpensslPeer client = OpensslPeer.start(c, "s_client", "-connect", "127.0.0.1:" + served.port(),
                        "-tls" + version.replace('.', '_'), "-servername", "b.test", "-alpn", "h2,http/1.1",
                        "-CAfile", "ca.pem", "-verify_return_error", "-verify_hostname", "b.test")) {
                    client.send("hello\n");
                    client.awaitLine("echo hello");
                    client.closeInput(); // s_client sends close_notify at the end of its input
                    assertEquals(0, client.exitCode(), client.transcript());
                    String said = client.transcript();
                    assertTrue(said.contains("subject=CN = b.test") && said.contains("ALPN protocol: http/1.1")
                            && said.contains("New, TLSv" + version + ",")
                            && said.contains("Verify return code: 0 (ok)"), said);
                }
                assertEquals(List.of("TLSv" + version + " http/1.1 ended by close_notify"), served.join());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldConnectToOpensslServerSendItsCloseNotifyAndSeeItsTruncation(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig client = TlsConfig.client().trust(c.ca()).alpn("h2", "http/1.1").build();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            for (String version : List.of("1.3", "1.2")) {
                for (boolean weClose : List.of(true, false)) {
                    // b.test: s_server's second certificate; an IP: no SNI, its first (a name it does not know
                    // would get a TLS 1.2 unrecognized_name warning, which the JDK's engine takes as fatal)
                    String name = weClose ? "b.test" : "127.0.0.1";
                    try (OpensslPeer server = OpensslPeer.server(c, "-tls" + version.replace('.', '_'),
                            "-cert", "localhost.pem", "-key", "localhost.key", "-servername", "b.test",
                            "-cert2", "b.test.pem", "-key2", "b.test.key", "-alpn", "http/1.1")) {
                        int port = server.acceptedPort();
                        CountDownLatch gotPong = new CountDownLatch(1);
                        JoinHandle<Integer> task = rt.spawn(() -> TlsTesting.client(rt, client, name, port, s -> {
                            // s_server answers ALPN from its first context only, not the one -servername picks
                            assertEquals(weClose ? null : "http/1.1", s.applicationProtocol());
                            assertEquals("TLSv" + version, s.session().getProtocol());
                            X509Certificate leaf = (X509Certificate) s.session().getPeerCertificates()[0];
                            assertEquals(weClose ? "CN=b.test" : "CN=localhost",
                                    leaf.getSubjectX500Principal().getName());
                            s.writeAll("ping\n".getBytes(), 0, 5);
                            byte[] pong = new byte[5];
                            assertEquals(5, s.read(pong, 0, 5));
                            gotPong.countDown();
                            return weClose ? 0 : s.read(pong, 0, 5);
                        }));
                        try {
                            server.awaitLine("ping");
                        } catch (AssertionError noPing) {
                            if (task.isDone()) {
                                task.join(); // the client's own failure says more
                            }
                            throw noPing;
                        }
                        server.send("pong\n");
                        if (weClose) {
                            assertEquals(0, task.join());
                            String said = server.transcript();
                            assertTrue(said.contains("DONE") && !said.contains("unexpected eof"), said);
                        } else {
                            assertTrue(gotPong.await(20, TimeUnit.SECONDS));
                            server.send("Q\n"); // s_server closes its socket, without close_notify
                            ExecutionException e = assertThrows(ExecutionException.class, task::join);
                            assertTrue(e.getCause().getMessage().matches("read from 127.0.0.1:\\d+: the connection "
                                    + "ended without a TLS close_notify; the data may be truncated"), e.toString());
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseOpensslRenegotiationAndAnswerItsKeyUpdate(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig client = TlsConfig.client().trust(c.ca()).build();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            for (String version : List.of("1.3", "1.2")) {
                try (OpensslPeer server = OpensslPeer.server(c, "-tls" + version.replace('.', '_'),
                        "-cert", "localhost.pem", "-key", "localhost.key")) {
                    int port = server.acceptedPort();
                    JoinHandle<String> task = rt.spawn(() -> TlsTesting.client(rt, client, "localhost", port, s -> {
                        StreamReader in = new StreamReader(s);
                        s.writeAll("ready\n".getBytes(), 0, 6);
                        String after = in.readLine(100).toString(); // after a KeyUpdate or a HelloRequest
                        s.writeAll("back\n".getBytes(), 0, 5);
                        return after;
                    }));
                    server.awaitLine("ready");
                    if (version.equals("1.3")) {
                        server.send("K\n"); // s_server: KeyUpdate, update_requested: we answer with ours
                        server.awaitLine("SSL_do_handshake -> 1"); // a command is a line read alone
                        server.send("after\n");
                        assertEquals("after", task.join());
                        server.awaitLine("back");
                    } else {
                        server.send("r\n"); // s_server: HelloRequest, renegotiation
                        ExecutionException e = assertThrows(ExecutionException.class, task::join);
                        assertTrue(e.getCause() instanceof SSLException && e.getCause().getMessage()
                                .matches("TLS renegotiation requested by localhost:\\d+ \\(TLSv1.2\\): refused, "
                                        + "the connection is closed"), String.valueOf(e.getCause()));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTransfer16MiBEachWayWithOpensslClient(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        Path in = tmp.resolve("in.bin");
        Path out = tmp.resolve("out.bin");
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(in))) {
            for (long i = 0; i < TOTAL; i++) {
                o.write(TlsTesting.pattern(i));
            }
        }
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            var served = TlsTesting.serve(rt, server, 1, s -> {
                byte[] buf = new byte[64 * 1024];
                long received = 0;
                while (received < TOTAL) {
                    int n = s.read(buf, 0, buf.length);
                    assertNotEquals(-1, n, "end of stream at " + received);
                    for (int i = 0; i < n; i++) {
                        if (buf[i] != TlsTesting.pattern(received + i)) {
                            throw new AssertionError("byte " + (received + i) + " differs");
                        }
                    }
                    received += n;
                }
                for (long sent = 0; sent < TOTAL; sent += buf.length) {
                    for (int i = 0; i < buf.length; i++) {
                        buf[i] = TlsTesting.pattern(sent + i);
                    }
                    s.writeAll(buf, 0, buf.length);
                }
                return received; // then close: close_notify ends s_client
            });
            // -quiet: only the data on stdout, and no end at the end of the input (-ign_eof)
            Process client = new ProcessBuilder("openssl", "s_client", "-quiet", "-connect",
                    "127.0.0.1:" + served.port(), "-CAfile", "ca.pem", "-verify_return_error")
                    .directory(c.dir().toFile()).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(tmp.resolve("err.txt").toFile()).start();
            try {
                assertTrue(client.waitFor(60, TimeUnit.SECONDS), "s_client ends after the server's close_notify");
            } finally {
                client.destroyForcibly();
            }
            assertEquals(List.of((long) TOTAL), served.join());
            assertEquals(TOTAL, Files.size(out), Files.readString(tmp.resolve("err.txt")));
            try (InputStream got = Files.newInputStream(out)) {
                byte[] buf = got.readAllBytes();
                for (int i = 0; i < TOTAL; i++) {
                    if (buf[i] != TlsTesting.pattern(i)) {
                        throw new AssertionError("byte " + i + " differs");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRejectUntrustedCertificatesBothWays(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            TlsConfig client = TlsConfig.client().trust(c.ca()).build();
            try (OpensslPeer server = OpensslPeer.server(c, "-cert", "untrusted.pem", "-key", "untrusted.key")) {
                int port = server.acceptedPort();
                SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                        () -> TlsTesting.client(rt, client, "localhost", port, s -> null));
                assertTrue(e.getMessage().contains("PKIX path building failed"), e.getMessage());
            }
            TlsConfig untrusted = TlsConfig.server(c.untrusted(), c.untrustedKey()).build();
            var served = TlsTesting.serve(rt, untrusted, 1, s -> s.read(new byte[1], 0, 1));
            try (OpensslPeer openssl = OpensslPeer.start(c, "s_client", "-connect", "127.0.0.1:" + served.port(),
                    "-CAfile", "ca.pem", "-verify_return_error")) {
                openssl.closeInput();
                assertNotEquals(0, openssl.exitCode());
                assertTrue(openssl.transcript().contains("self-signed certificate"), openssl.transcript());
            }
            SSLHandshakeException e = served.failure(SSLHandshakeException.class);
            assertTrue(e.getMessage().matches("TLS handshake with /127.0.0.1:\\d+ failed: .*Alert: unknown_ca"),
                    e.getMessage());
        }
    }
}
