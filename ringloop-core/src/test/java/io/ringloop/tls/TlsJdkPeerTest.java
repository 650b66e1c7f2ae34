package io.ringloop.tls;

import static io.ringloop.tls.TlsTesting.jdkClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.io.StreamReader;
import io.ringloop.io.StreamWriter;
import io.ringloop.loop.Backend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TlsStream against the JDK's SSLSocket and SSLServerSocket (on plain threads), every backend. */
@Timeout(60)
class TlsJdkPeerTest {
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeJdkClientLinesWithAlpnOverTls13And12AndSeeCloseNotifyBothWays(Backend backend)
            throws Exception {
        TestCerts c = TestCerts.get();
        AtomicInteger engineTasks = new AtomicInteger();
        Set<String> taskThreads = ConcurrentHashMap.newKeySet();
        Executor counting = r -> Thread.ofPlatform().daemon().start(() -> {
            engineTasks.incrementAndGet();
            taskThreads.add(Thread.currentThread().getName());
            r.run();
        });
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).alpn("http/1.1", "h2")
                .taskExecutor(counting).build();
        SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            var served = TlsTesting.serve(rt, server, PROTOCOLS.size(), s -> {
                StreamReader in = new StreamReader(s);
                StreamWriter out = new StreamWriter(s);
                in.flushBeforeRead(out);
                var line = in.readLine(100);
                for (; line != null; line = in.readLine(100)) {
                    out.writeAscii("echo " + line + "\n");
                }
                return s.session().getProtocol() + " " + s.applicationProtocol() + " " + Thread.currentThread();
            });
            for (String protocol : PROTOCOLS) {
                try (SSLSocket client = jdkClient(jdk, served.port(), protocol, null, "h2", "http/1.1")) {
                    assertEquals("http/1.1", client.getApplicationProtocol(), "the server's first choice");
                    client.getOutputStream().write("one\ntwo\n".getBytes(StandardCharsets.US_ASCII));
                    var lines = new BufferedReader(new InputStreamReader(client.getInputStream()));
                    assertEquals("echo one", lines.readLine());
                    assertEquals("echo two", lines.readLine());
                    client.shutdownOutput(); // close_notify: the server's readLine gets the end
                    assertEquals(null, lines.readLine(), "the server's close_notify ends the stream");
                }
            }
            List<String> results = served.join();
            assertTrue(results.get(0).startsWith("TLSv1.3 http/1.1"), results.get(0));
            assertTrue(results.get(1).startsWith("TLSv1.2 http/1.1"), results.get(1));
        }
        assertTrue(engineTasks.get() > 0, "the engine's delegated tasks went to the executor");
        assertTrue(taskThreads.stream().noneMatch(n -> n.contains("loop")), taskThreads.toString());
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldPickCertificateBySniNameAndKeyType(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey())
                .sni("a.test", c.aTest(), c.aTestKey())
                .sni("B.TEST", c.bTest(), c.bTestKey()) // RSA: the JDK asks for EC first and must get null
                .build();
        List<String> names = List.of("a.test", "b.test", "other.test");
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            var served = TlsTesting.serve(rt, server, names.size(), s -> s.read(new byte[1], 0, 1));
            for (String name : names) {
                // A context each: the JDK's client cache is by address, and resuming it sends the old SNI name
                SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
                try (SSLSocket client = jdkClient(jdk, served.port(), "TLSv1.3", name)) {
                    X509Certificate leaf = (X509Certificate) client.getSession().getPeerCertificates()[0];
                    String expected = name.equals("other.test") ? "localhost" : name;
                    assertEquals("CN=" + expected, leaf.getSubjectX500Principal().getName());
                    assertEquals(name.equals("b.test") ? "RSA" : "EC", leaf.getPublicKey().getAlgorithm());
                    client.getOutputStream().write(1);
                }
            }
            served.join();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldResumeSessionOnSecondConnectionOverTls13And12(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        SSLContext jdkServer = TlsConfig.server(c.localhost(), c.localhostKey()).build().context();
        for (String protocol : PROTOCOLS) {
            AtomicInteger certificateChecks = new AtomicInteger();
            TlsConfig client = TlsConfig.of(countingClientContext(c, certificateChecks), true)
                    .protocols(protocol).build();
            try (SSLServerSocket listener = (SSLServerSocket) jdkServer.getServerSocketFactory().createServerSocket(0);
                 Ringloop rt = TlsTesting.runtime(backend)) {
                Thread echo = Thread.ofPlatform().start(() -> jdkEchoOneByte(listener, 2));
                for (int i = 0; i < 2; i++) {
                    TlsTesting.client(rt, client, "localhost", listener.getLocalPort(), s -> {
                        s.writeAll(new byte[] {7}, 0, 1);
                        assertEquals(7, readByte(s)); // after the server's session ticket (TLS 1.3)
                        return null;
                    });
                }
                echo.join();
            }
            assertEquals(1, certificateChecks.get(), protocol + ": the second connection resumed without "
                    + "a certificate");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldAuthenticateClientsWhenNeededOrWanted(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig need = TlsConfig.server(c.localhost(), c.localhostKey()).trust(c.ca())
                .clientAuth(TlsConfig.ClientAuth.NEED).build();
        TlsConfig want = TlsConfig.server(c.localhost(), c.localhostKey()).trust(c.ca())
                .clientAuth(TlsConfig.ClientAuth.WANT).build();
        TlsConfig withCert = TlsConfig.client().trust(c.ca()).identity(c.client(), c.clientKey()).build();
        TlsConfig without = TlsConfig.client().trust(c.ca()).build();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            var refused = TlsTesting.serve(rt, need, 1, s -> s.read(new byte[1], 0, 1));
            assertThrows(SSLException.class, () -> {
                try (SSLSocket client = jdkClient(without.context(), refused.port(), "TLSv1.3", null)) {
                    client.getInputStream().read(); // TLS 1.3: the refusal comes after the client's Finished
                }
            });
            SSLHandshakeException e = refused.failure(SSLHandshakeException.class);
            assertTrue(e.getMessage().startsWith("TLS handshake with /127.0.0.1:"), e.getMessage());

            var needed = TlsTesting.serve(rt, need, 1, s -> s.session().getPeerPrincipal().getName());
            TlsTesting.client(rt, withCert, "localhost", needed.port(), s -> null);
            assertEquals(List.of("CN=client"), needed.join());

            var wanted = TlsTesting.serve(rt, want, 1, s -> {
                assertThrows(SSLPeerUnverifiedException.class, () -> s.session().getPeerPrincipal());
                return s.read(new byte[1], 0, 1);
            });
            TlsTesting.client(rt, without, "localhost", wanted.port(), s -> null);
            assertEquals(List.of(-1), wanted.join(), "no certificate, accepted, then close_notify");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseTls12RenegotiationAndAnswerTls13KeyUpdate(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            var served = TlsTesting.serve(rt, server, 2, s -> {
                byte[] b = new byte[1];
                int n;
                while ((n = s.read(b, 0, 1)) > 0) {
                    s.writeAll(b, 0, n);
                }
                return null;
            });
            try (SSLSocket client = jdkClient(jdk, served.port(), "TLSv1.3", null)) {
                roundTrip(client, 1);
                client.startHandshake(); // TLS 1.3: a KeyUpdate asking for one back
                roundTrip(client, 2);
                roundTrip(client, 3);
            }
            try (SSLSocket client = jdkClient(jdk, served.port(), "TLSv1.2", null)) {
                roundTrip(client, 1);
                client.startHandshake(); // TLS 1.2: renegotiation, which goes on as the client reads
                SSLException refused = assertThrows(SSLException.class, () -> client.getInputStream().read());
                assertTrue(refused.getMessage().contains("close_notify during handshake"), refused.getMessage());
            }
            SSLException e = served.failure(SSLException.class);
            assertTrue(e.getMessage().startsWith("TLS renegotiation requested by /127.0.0.1:")
                    && e.getMessage().contains("(TLSv1.2): refused, the connection is closed"), e.getMessage());
        }
    }

    private static void roundTrip(SSLSocket client, int value) throws Exception {
        client.getOutputStream().write(value);
        assertEquals(value, client.getInputStream().read());
    }

    private static int readByte(TlsStream s) throws Exception {
        byte[] b = new byte[1];
        assertNotEquals(-1, s.read(b, 0, 1));
        return b[0];
    }

    /** Accepts {@code n} connections and echoes one byte on each; a failure ends the test's join. */
    private static void jdkEchoOneByte(SSLServerSocket listener, int n) {
        for (int i = 0; i < n; i++) {
            try (Socket s = listener.accept()) {
                OutputStream out = s.getOutputStream();
                out.write(s.getInputStream().read());
                out.flush();
                s.getInputStream().read(); // the client's close_notify
            } catch (Exception e) {
                throw new AssertionError("JDK server", e);
            }
        }
    }

    /** A client context trusting the test CA whose server-certificate checks are counted. */
    private static SSLContext countingClientContext(TestCerts c, AtomicInteger checks) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", Pem.certificates(c.ca()).getFirst());
        TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
        f.init(store);
        X509ExtendedTrustManager pkix = (X509ExtendedTrustManager) f.getTrustManagers()[0];
        X509ExtendedTrustManager counting = new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String auth, SSLEngine engine)
                    throws java.security.cert.CertificateException {
                checks.incrementAndGet();
                pkix.checkServerTrusted(chain, auth, engine);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String auth, Socket socket) {
                throw new AssertionError("engines only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String auth) {
                throw new AssertionError("engines only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String auth, SSLEngine engine) {
                throw new AssertionError("a client");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String auth, Socket socket) {
                throw new AssertionError("a client");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String auth) {
                throw new AssertionError("a client");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return pkix.getAcceptedIssuers();
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {counting}, null);
        return ctx;
    }
}
