package io.ringloop.tls;

import static io.ringloop.tls.TlsTesting.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.unix.UnixAcceptCallback;
import io.ringloop.unix.UnixListener;
import io.ringloop.unix.UnixStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS's callback style over a Unix domain stream, every backend: a callback accept hands each {@link UnixStream} to
 * {@link TlsStream#server(io.ringloop.net.CallbackStream, TlsConfig, TlsHandshakeCallback)} and the echo runs on
 * the loop thread; against our blocking client over a Unix stream (the JDK's engine) and against
 * {@code openssl s_client -unix PATH}, TLS 1.3 and 1.2, 16 MiB byte for byte; the callback client too.
 */
@Timeout(180)
class TlsCallbackUnixTest {
    private static final long HANG_SEC = 60; // only a hang gets near it: not a timing assertion
    private static final int SIXTEEN_MIB = 16 << 20;

    @TempDir
    Path dir;

    /** A callback-style TLS echo on a Unix listener of loop 0; "handshaken PROTOCOL", "end" or failures in events. */
    private static final class Server implements UnixAcceptCallback {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final UnixListener listener;
        final TlsConfig config;
        final long closeAfterBytes;

        /** Serves {@code sock} with the test certificate for localhost; closes after that many bytes echoed. */
        Server(Ringloop rt, Path sock, TestCerts c, long closeAfterBytes) throws Exception {
            this.listener = rt.blockOn(() -> UnixListener.bind(sock));
            this.config = TlsConfig.server(c.localhost(), c.localhostKey()).build();
            this.closeAfterBytes = closeAfterBytes;
            rt.execute(() -> listener.accept(this));
        }

        @Override
        public void accepted(UnixStream stream) {
            TlsStream.server(stream, config, new TlsHandshakeCallback() {
                @Override
                public void handshaken(TlsStream s) {
                    events.add("handshaken " + s.session().getProtocol());
                    TlsCallbackEcho.start(s, events, n -> { }, closeAfterBytes);
                }

                @Override
                public void failed(Throwable error) {
                    events.add(error);
                }
            });
            listener.accept(this);
        }

        @Override
        public void failed(Throwable error) {
            // the listener closed with the runtime
        }

        Object next() throws InterruptedException {
            Object e = events.poll(HANG_SEC, TimeUnit.SECONDS);
            assertNotNull(e, "the server reported nothing");
            return e;
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEcho16MiBToABlockingClientOverUnixWithTls13And12(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        Path sock = dir.resolve("jdk.sock");
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            Server server = new Server(rt, sock, c, Long.MAX_VALUE);
            for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                TlsConfig client = TlsConfig.client().trust(c.ca()).protocols(protocol).build();
                long[] result = rt.blockOn(() -> {
                    try (TlsStream s = TlsStream.client(UnixStream.connect(sock), client, "localhost", 0)) {
                        JoinHandle<Void> writer = Tasks.spawn(() -> {
                            byte[] chunk = new byte[64 * 1024];
                            for (long sent = 0; sent < SIXTEEN_MIB; sent += chunk.length) {
                                for (int i = 0; i < chunk.length; i++) {
                                    chunk[i] = pattern(sent + i);
                                }
                                s.writeAll(chunk, 0, chunk.length);
                            }
                            return null;
                        });
                        byte[] buf = new byte[50_000];
                        long received = 0;
                        long mismatches = 0;
                        int n;
                        while (received < SIXTEEN_MIB && (n = s.read(buf, 0, buf.length)) > 0) {
                            for (int i = 0; i < n; i++) {
                                mismatches += buf[i] == pattern(received + i) ? 0 : 1;
                            }
                            received += n;
                        }
                        writer.join();
                        s.shutdownOutput(); // close_notify: the echo's read gets -1 and it closes with its own
                        return new long[] {received, mismatches, s.read(buf, 0, 1)};
                    }
                });
                assertEquals(SIXTEEN_MIB, result[0], protocol);
                assertEquals(0, result[1], protocol + ": bytes differ");
                assertEquals(-1, result[2], protocol + ": the server's close_notify after ours");
                assertEquals("handshaken " + protocol, server.next());
                assertEquals("end", server.next());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTransfer16MiBWithOpensslClientOverUnixWithTls13And12(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        Path in = dir.resolve("in.bin");
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(in))) {
            for (long i = 0; i < SIXTEEN_MIB; i++) {
                o.write(pattern(i));
            }
        }
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            for (String version : List.of("1.3", "1.2")) {
                Path sock = dir.resolve("openssl-" + version + ".sock");
                Path out = dir.resolve("out-" + version + ".bin");
                Path err = dir.resolve("err-" + version + ".txt");
                // The echo closes after 16 MiB (close_notify): s_client -quiet does not end at the end of its input.
                Server server = new Server(rt, sock, c, SIXTEEN_MIB);
                Process client = new ProcessBuilder("openssl", "s_client", "-quiet", "-unix", sock.toString(),
                        "-tls" + version.replace('.', '_'), "-CAfile", "ca.pem", "-verify_return_error")
                        .directory(c.dir().toFile()).redirectInput(in.toFile()).redirectOutput(out.toFile())
                        .redirectError(err.toFile()).start();
                try {
                    assertTrue(client.waitFor(HANG_SEC, TimeUnit.SECONDS), "s_client ends after our close_notify");
                } finally {
                    client.destroyForcibly();
                }
                assertEquals("handshaken TLSv" + version, server.next(), Files.readString(err));
                assertEquals("closed after " + SIXTEEN_MIB, server.next());
                assertEquals(SIXTEEN_MIB, Files.size(out), Files.readString(err));
                try (InputStream got = Files.newInputStream(out)) {
                    byte[] buf = got.readAllBytes();
                    for (int i = 0; i < SIXTEEN_MIB; i++) {
                        if (buf[i] != pattern(i)) {
                            throw new AssertionError("TLSv" + version + ": byte " + i + " differs");
                        }
                    }
                }
                server.listener.close();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldHandshakeACallbackClientOverUnixWithABlockingServer(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        Path sock = dir.resolve("client.sock");
        TlsConfig serverConfig = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        TlsConfig clientConfig = TlsConfig.client().trust(c.ca()).build();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            UnixListener l = rt.blockOn(() -> UnixListener.bind(sock));
            JoinHandle<String> served = rt.spawn(() -> {
                try (l; TlsStream s = TlsStream.server(l.accept(), serverConfig)) {
                    byte[] ping = new byte[4];
                    s.readFully(ping, 0, 4);
                    s.writeAll("pong".getBytes(StandardCharsets.US_ASCII));
                    return new String(ping, StandardCharsets.US_ASCII) + " then " + s.read(ping, 0, 4);
                }
            });
            UnixStream unix = rt.blockOn(() -> UnixStream.connect(sock));
            CompletableFuture<TlsStream> handshaken = new CompletableFuture<>();
            rt.execute(() -> TlsStream.client(unix, clientConfig, "localhost", 0, new TlsHandshakeCallback() {
                @Override
                public void handshaken(TlsStream s) {
                    handshaken.complete(s);
                }

                @Override
                public void failed(Throwable error) {
                    handshaken.completeExceptionally(error);
                }
            }));
            TlsStream s = handshaken.get(HANG_SEC, TimeUnit.SECONDS);
            assertEquals(4, s.writeAsync(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)))
                    .toCompletableFuture().get(HANG_SEC, TimeUnit.SECONDS));
            ByteBuffer pong = ByteBuffer.allocate(4);
            while (pong.hasRemaining()) {
                assertTrue(s.readAsync(pong).toCompletableFuture().get(HANG_SEC, TimeUnit.SECONDS) > 0, "early end");
            }
            assertArrayEquals("pong".getBytes(StandardCharsets.US_ASCII), pong.array());
            rt.execute(() -> {
                try {
                    s.close(); // on the loop thread: close_notify without blocking, then the socket's close
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertEquals("ping then -1", served.join(), "our close_notify is the server's end of stream");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNameTheUnixPeerWhenACallbackHandshakeFails(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        Path sock = dir.resolve("names.sock");
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            Server server = new Server(rt, sock, c, Long.MAX_VALUE);
            try (SocketChannel plain = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                plain.connect(UnixDomainSocketAddress.of(sock));
                plain.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                Object failure = server.next();
                SSLException e = assertInstanceOf(SSLException.class, failure, String.valueOf(failure));
                assertTrue(e.getMessage().startsWith("TLS handshake with a client of " + sock + " failed"),
                        e.getMessage());
            }
        }
    }
}
