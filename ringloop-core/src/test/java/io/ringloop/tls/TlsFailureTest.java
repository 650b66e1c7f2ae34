package io.ringloop.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.BadInputs;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What goes wrong: bad certificates, peers that stop mid-handshake or stay silent, truncation; every backend. */
@Timeout(60)
class TlsFailureTest {
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRejectUntrustedCertificateAndWrongHostWithClearErrors(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig client = TlsConfig.client().trust(c.ca()).build();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            SSLHandshakeException untrusted = handshakeWithJdkServer(rt, client, "localhost",
                    TlsConfig.server(c.untrusted(), c.untrustedKey()).build().context());
            assertTrue(untrusted.getMessage().matches(
                    "TLS handshake with localhost:\\d+ failed: \\(certificate_unknown\\) "
                    + "PKIX path building failed: .*unable to find valid certification path.*"),
                    untrusted.getMessage());
            SSLHandshakeException wrongHost = handshakeWithJdkServer(rt, client, "localhost",
                    TlsConfig.server(c.aTest(), c.aTestKey()).build().context());
            assertTrue(wrongHost.getMessage().matches(
                    "TLS handshake with localhost:\\d+ failed: \\(certificate_unknown\\) "
                    + "No subject alternative DNS name matching localhost found.*"), wrongHost.getMessage());
        }
    }

    /** A JDK server with {@code server}'s certificate; the ringloop client's handshake error. */
    private static SSLHandshakeException handshakeWithJdkServer(Ringloop rt, TlsConfig client, String host,
                                                               SSLContext server) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0)) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                } catch (IOException expected) {
                    // the client refuses the certificate with an alert
                }
            });
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> TlsTesting.client(rt, client, host, listener.getLocalPort(), s -> null));
            peer.join();
            return e;
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFailClearlyWhenPeerClosesMidHandshake(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        TlsConfig client = TlsConfig.client().trust(c.ca()).build();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            var served = TlsTesting.serve(rt, server, 1, s -> null);
            try (Socket half = TlsTesting.plain(served.port())) {
                half.getOutputStream().write(new byte[] {0x16, 3, 1, 2, 0, 1, 0, 1, (byte) 0xfc, 3, 3}); // a start
            }
            SSLHandshakeException e = served.failure(SSLHandshakeException.class);
            assertTrue(e.getMessage().matches("TLS handshake with /127.0.0.1:\\d+ failed: the peer closed the "
                    + "connection before the handshake finished"), e.getMessage());

            try (ServerSocket silent = new ServerSocket(0)) {
                Thread peer = Thread.ofPlatform().start(() -> {
                    try (Socket s = silent.accept()) {
                        s.getInputStream().read(); // the ClientHello starts; close
                    } catch (IOException ignore) {
                        // the test asserts on the client's error
                    }
                });
                SSLHandshakeException ce = assertThrows(SSLHandshakeException.class,
                        () -> TlsTesting.client(rt, client, "localhost", silent.getLocalPort(), s -> null));
                assertTrue(ce.getMessage().endsWith("the peer closed the connection before the handshake "
                        + "finished"), ce.getMessage());
                peer.join();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTimeOutSilentHandshakeInTaskAndPlainThreadAndCloseTransport(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig client = TlsConfig.client().trust(c.ca()).handshakeTimeout(Duration.ofMillis(200)).build();
        try (Ringloop rt = TlsTesting.runtime(backend); ServerSocket silent = new ServerSocket(0)) {
            CountDownLatch done = new CountDownLatch(1);
            Thread peer = Thread.ofPlatform().start(() -> {
                List<Socket> accepted = new ArrayList<>();
                try {
                    accepted.add(silent.accept());
                    accepted.add(silent.accept());
                    done.await(); // never answers
                } catch (IOException | InterruptedException ignore) {
                    // the test asserts on the client's error
                } finally {
                    accepted.forEach(TlsFailureTest::closeQuietly);
                }
            });
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", silent.getLocalPort());
            TcpStream[] inTask = new TcpStream[1];
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> rt.blockOn(() -> {
                inTask[0] = TcpStream.connect(at);
                return TlsStream.client(inTask[0], client, "localhost", at.getPort());
            }));
            assertEquals("TLS handshake with localhost:" + at.getPort() + ": not finished within 200 ms",
                    e.getMessage());
            assertFalse(inTask[0].isOpen(), "the transport is closed");

            TcpStream plain = TcpStream.connect(rt.loop(0), at, null); // from this plain thread
            SocketTimeoutException pe = assertThrows(SocketTimeoutException.class,
                    () -> TlsStream.client(plain, client, "localhost", at.getPort()));
            assertEquals(e.getMessage(), pe.getMessage());
            assertFalse(plain.isOpen());
            assertFalse(Thread.interrupted(), "the timeout's interrupt does not leak to the caller");
            done.countDown();
            peer.join();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReportTruncationWhenTcpEndsWithoutCloseNotify(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            var served = TlsTesting.serve(rt, server, 1, s -> {
                byte[] b = new byte[10];
                assertEquals(1, s.read(b, 0, b.length));
                return s.read(b, 0, b.length);
            });
            try (Socket tcp = TlsTesting.plain(served.port());
                 SSLSocket tls = (SSLSocket) jdk.getSocketFactory().createSocket(tcp, "localhost", served.port(),
                         false)) {
                tls.getOutputStream().write('x');
                tcp.shutdownOutput(); // FIN without close_notify
                SSLException e = served.failure(SSLException.class);
                assertTrue(e.getMessage().matches("read from /127.0.0.1:\\d+: the connection ended without a TLS "
                        + "close_notify; the data may be truncated"), e.getMessage());
            }
        }
    }

    /** A closed TLS stream names the call and the peer, as a closed TcpStream does (ClosedUseTest). */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNameTheCallOnAClosedTlsStream(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        TlsConfig client = TlsConfig.client().trust(c.ca()).build();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            var served = TlsTesting.serve(rt, server, 1, s -> s.read(new byte[1], 0, 1));
            List<String> messages = TlsTesting.client(rt, client, "localhost", served.port(), s -> {
                s.close();
                s.close(); // idempotent
                List<String> m = new ArrayList<>();
                m.add(assertThrows(ClosedChannelException.class, () -> s.read(new byte[1], 0, 1)).getMessage());
                BadInputs.tried("read, write, shutdownOutput of a closed TlsStream");
                m.add(assertThrows(ClosedChannelException.class, () -> s.writeAll(new byte[1], 0, 1)).getMessage());
                m.add(assertThrows(ClosedChannelException.class, s::shutdownOutput).getMessage());
                return m;
            });
            assertEquals(3, messages.size());
            String[] calls = {"read", "write", "shutdownOutput"};
            for (int i = 0; i < calls.length; i++) {
                assertTrue(messages.get(i).matches(calls[i] + "\\(TLS with localhost:\\d+\\): stream closed"),
                        messages.get(i));
            }
            assertEquals(-1, served.join().get(0), "the server saw the close");
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignore) {
            // a test peer: its close does not matter
        }
    }
}
