package io.ringloop.tls;

import static io.ringloop.tls.TlsTesting.jdkClient;
import static io.ringloop.tls.TlsTesting.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.AcceptCallback;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TlsStream's callback style: handshake, reads and writes driven on the loop thread without a task, against the
 * JDK's SSLSocket and SSLServerSocket, on every backend.
 */
@Timeout(120)
class TlsCallbackStyleTest {
    private static final long HANG_SEC = 60; // only a hang gets near it: not a timing assertion
    private static final int SIXTEEN_MIB = 16 << 20;

    /**
     * A callback-style TLS echo server on loop 0: every accepted connection handshakes and echoes until the
     * peer's close_notify, then closes (its own close_notify). What happens is put in {@code events}:
     * "handshaken PROTOCOL", "end" (a read of -1), or the failure.
     */
    static final class EchoServer {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final TcpListener listener;
        /** Called with each handshaken stream before it echoes (a test's hook); may throw. */
        volatile Consumer<TlsStream> onHandshake = s -> { };
        /** Called with each read's count before it is echoed (a test's hook); may throw. */
        volatile Consumer<Integer> onRead = n -> { };

        EchoServer(Ringloop rt, TlsConfig config) throws Exception {
            CompletableFuture<TcpListener> bound = new CompletableFuture<>();
            rt.execute(() -> {
                try {
                    TcpListener l = TcpListener.bind(TlsTesting.LOOPBACK);
                    l.accept(new AcceptCallback() {
                        @Override
                        public void accepted(TcpStream tcp) {
                            TlsStream.server(tcp, config, new TlsHandshakeCallback() {
                                @Override
                                public void handshaken(TlsStream s) {
                                    events.add("handshaken " + s.session().getProtocol());
                                    onHandshake.accept(s);
                                    echo(s);
                                }

                                @Override
                                public void failed(Throwable error) {
                                    events.add(error);
                                }
                            });
                            l.accept(this);
                        }

                        @Override
                        public void failed(Throwable error) {
                            // the listener closed with the runtime
                        }
                    });
                    bound.complete(l);
                } catch (IOException e) {
                    bound.completeExceptionally(e);
                }
            });
            listener = bound.get(HANG_SEC, TimeUnit.SECONDS);
        }

        int port() {
            return listener.localAddress().getPort();
        }

        Object next() throws InterruptedException {
            Object e = events.poll(HANG_SEC, TimeUnit.SECONDS);
            assertNotNull(e, "the server reported nothing");
            return e;
        }

        private void echo(TlsStream s) {
            TlsCallbackEcho.start(s, events, n -> onRead.accept(n), Long.MAX_VALUE);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEcho16MiBByteForByteOverTls13And12AndCloseNotifyBothWays(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        Set<String> taskThreads = ConcurrentHashMap.newKeySet();
        Executor recording = r -> Thread.ofPlatform().daemon().start(() -> {
            taskThreads.add(Thread.currentThread().getName());
            r.run();
        });
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).taskExecutor(recording).build();
        SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
        int fdsBefore = Leaks.openFds();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            EchoServer echo = new EchoServer(rt, server);
            for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                try (SSLSocket client = jdkClient(jdk, echo.port(), protocol, null)) {
                    assertEquals("handshaken " + protocol, echo.next());
                    Thread writer = Thread.ofPlatform().start(() -> {
                        try {
                            OutputStream out = client.getOutputStream();
                            byte[] chunk = new byte[64 * 1024];
                            for (long sent = 0; sent < SIXTEEN_MIB; sent += chunk.length) {
                                for (int i = 0; i < chunk.length; i++) {
                                    chunk[i] = pattern(sent + i);
                                }
                                out.write(chunk);
                            }
                            client.shutdownOutput(); // close_notify: the echo's read gets -1
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    InputStream in = client.getInputStream();
                    byte[] buf = new byte[50_000];
                    long received = 0;
                    long mismatches = 0;
                    int n;
                    while ((n = in.read(buf)) > 0) { // -1: the server's close_notify, not a truncation error
                        for (int i = 0; i < n; i++) {
                            mismatches += buf[i] == pattern(received + i) ? 0 : 1;
                        }
                        received += n;
                    }
                    writer.join();
                    assertEquals(SIXTEEN_MIB, received, protocol);
                    assertEquals(0, mismatches, protocol);
                    assertEquals("end", echo.next(), "the client's close_notify ended the server's reads");
                }
            }
            assertTrue(!taskThreads.isEmpty() && !taskThreads.contains(rt.loop(0).thread().getName()),
                    "the engine's delegated tasks ran on the config's executor: " + taskThreads);
        }
        assertEquals(fdsBefore, Leaks.openFds(), "every socket closed");
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldHandshakeAsClientAndTalkThroughStagesFromAnotherThread(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        SSLContext jdkServer = TlsConfig.server(c.localhost(), c.localhostKey()).build().context();
        TlsConfig client = TlsConfig.client().trust(c.ca()).alpn("h2").build();
        try (Ringloop rt = TlsTesting.runtime(backend);
             SSLServerSocket listener = (SSLServerSocket) jdkServer.getServerSocketFactory().createServerSocket(0)) {
            var params = listener.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2"});
            listener.setSSLParameters(params);
            CompletableFuture<String> jdkSide = CompletableFuture.supplyAsync(() -> {
                try (Socket s = listener.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] hello = in.readNBytes(5);
                    s.getOutputStream().write(("re: " + new String(hello, StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII));
                    return "read " + in.read(); // -1: the ringloop client's close_notify
                } catch (IOException e) {
                    return "failed " + e;
                }
            }, Thread::startVirtualThread);
            TcpStream tcp = rt.blockOn(() -> TcpStream.connect(new InetSocketAddress("127.0.0.1",
                    listener.getLocalPort())));
            CompletableFuture<TlsStream> handshaken = new CompletableFuture<>();
            rt.execute(() -> TlsStream.client(tcp, client, "localhost", listener.getLocalPort(),
                    new TlsHandshakeCallback() {
                        @Override
                        public void handshaken(TlsStream stream) {
                            handshaken.complete(stream);
                        }

                        @Override
                        public void failed(Throwable error) {
                            handshaken.completeExceptionally(error);
                        }
                    }));
            TlsStream s = handshaken.get(HANG_SEC, TimeUnit.SECONDS);
            assertEquals("h2", s.applicationProtocol());
            ByteBuffer hello = ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals(5, s.writeAsync(hello).toCompletableFuture().get(HANG_SEC, TimeUnit.SECONDS));
            assertEquals(0, hello.remaining());
            ByteBuffer answer = ByteBuffer.allocate(9);
            while (answer.hasRemaining()) {
                int n = s.readAsync(answer).toCompletableFuture().get(HANG_SEC, TimeUnit.SECONDS);
                assertTrue(n > 0, "read " + n);
            }
            assertEquals("re: hello", new String(answer.array(), StandardCharsets.US_ASCII));
            rt.execute(() -> {
                try {
                    s.close(); // on the loop thread: close_notify goes out without blocking, then the socket closes
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertEquals("read -1", jdkSide.get(HANG_SEC, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldAnswerTls13KeyUpdateAndRefuseTls12Renegotiation(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            EchoServer echo = new EchoServer(rt, server);
            try (SSLSocket client = jdkClient(jdk, echo.port(), "TLSv1.3", null)) {
                roundTrip(client, 1);
                client.startHandshake(); // TLS 1.3: a KeyUpdate asking for one back
                roundTrip(client, 2);
                roundTrip(client, 3);
            }
            assertEquals("handshaken TLSv1.3", echo.next());
            Object closed = echo.next(); // the JDK client closes with close_notify, or a reset before it
            assertTrue("end".equals(closed) || closed instanceof IOException, String.valueOf(closed));
            try (SSLSocket client = jdkClient(jdk, echo.port(), "TLSv1.2", null)) {
                roundTrip(client, 1);
                client.startHandshake(); // TLS 1.2: renegotiation, which goes on as the client reads
                assertThrows(SSLException.class, () -> client.getInputStream().read());
            }
            assertEquals("handshaken TLSv1.2", echo.next());
            SSLException e = assertInstanceOf(SSLException.class, echo.next());
            assertTrue(e.getMessage().startsWith("read from /127.0.0.1:")
                    && e.getMessage().contains("TLS renegotiation requested by /127.0.0.1:")
                    && e.getMessage().contains("(TLSv1.2): refused, the connection is closed"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReportThrowingCallbacksAndKeepTheLoopServing(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        SSLContext jdk = TlsConfig.client().trust(c.ca()).build().context();
        BlockingQueue<String> reports = new LinkedBlockingQueue<>();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1)
                .uncaughtFailureHandler((loop, source, failure) -> reports.add(source + ": " + failure.getMessage()))
                .start()) {
            EchoServer echo = new EchoServer(rt, server);
            echo.onRead = n -> {
                throw new IllegalStateException("thrown by the test's read callback");
            };
            try (SSLSocket client = jdkClient(jdk, echo.port(), "TLSv1.3", null)) {
                client.getOutputStream().write(1);
                String report = reports.poll(HANG_SEC, TimeUnit.SECONDS);
                assertNotNull(report, "the throwing read callback was reported");
                assertTrue(report.startsWith("IoCallback.completed after read(TLS with /127.0.0.1:")
                        && report.endsWith(": thrown by the test's read callback"), report);
            }
            echo.onRead = n -> { };
            echo.onHandshake = s -> {
                throw new IllegalStateException("thrown by the test's handshake callback");
            };
            try (SSLSocket _ = jdkClient(jdk, echo.port(), "TLSv1.3", null)) {
                String report = reports.poll(HANG_SEC, TimeUnit.SECONDS);
                assertNotNull(report, "the throwing handshake callback was reported");
                assertTrue(report.startsWith("TlsHandshakeCallback.handshaken with /127.0.0.1:")
                        && report.endsWith(": thrown by the test's handshake callback"), report);
            }
            echo.onHandshake = s -> { };
            try (SSLSocket client = jdkClient(jdk, echo.port(), "TLSv1.3", null)) {
                roundTrip(client, 7); // the loop lives: a new connection is served
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFailHandshakesClearlyAndRefuseTheWrongThread(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey())
                .handshakeTimeout(Duration.ofMillis(300)).build();
        SSLContext untrusting = TlsConfig.client().trust(c.aTest()).build().context();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            EchoServer echo = new EchoServer(rt, server);
            try (SSLSocket client = (SSLSocket) untrusting.getSocketFactory().createSocket("127.0.0.1",
                    echo.port())) {
                assertThrows(SSLHandshakeException.class, client::startHandshake);
            }
            SSLHandshakeException bad = assertInstanceOf(SSLHandshakeException.class, echo.next());
            assertTrue(bad.getMessage().startsWith("TLS handshake with /127.0.0.1:")
                    && bad.getMessage().contains(" failed: "), bad.getMessage());
            try (Socket silent = TlsTesting.plain(echo.port())) {
                SocketTimeoutException late = assertInstanceOf(SocketTimeoutException.class, echo.next());
                assertTrue(late.getMessage().startsWith("TLS handshake with /127.0.0.1:")
                        && late.getMessage().endsWith(": not finished within 300 ms"), late.getMessage());
                assertEquals(-1, silent.getInputStream().read(), "the transport was closed");
            }
            TcpStream tcp = rt.blockOn(() -> TcpStream.connect(new InetSocketAddress("127.0.0.1", echo.port())));
            TlsHandshakeCallback unused = new TlsHandshakeCallback() {
                @Override
                public void handshaken(TlsStream stream) {
                }

                @Override
                public void failed(Throwable error) {
                }
            };
            IllegalStateException offLoop = assertThrows(IllegalStateException.class, () -> rt.blockOn(() -> {
                TlsStream.client(tcp, TlsConfig.client().build(), "localhost", echo.port(), unused);
                return null;
            }));
            assertTrue(offLoop.getMessage().contains("callback-style TLS runs on the loop thread"),
                    offLoop.getMessage());
            rt.blockOn(() -> {
                tcp.close();
                return null;
            });
        }
    }

    private static void roundTrip(SSLSocket client, int value) throws IOException {
        client.getOutputStream().write(value);
        assertEquals(value, client.getInputStream().read());
    }
}
