package io.ringloop.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.unix.UnixListener;
import io.ringloop.unix.UnixStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TLS over a Unix domain stream (a ByteStream like TCP), both ends ours, every backend. */
@Timeout(60)
class TlsOverUnixTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEchoOneMebibyteThroughTlsOverAUnixStream(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        TlsConfig client = TlsConfig.client().trust(c.ca()).build();
        Path sock = dir.resolve("tls.sock");
        byte[] sent = new byte[1 << 20];
        new Random(13).nextBytes(sent);
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            byte[] back = rt.blockOn(() -> {
                try (UnixListener l = UnixListener.bind(sock)) {
                    JoinHandle<Void> echo = Tasks.spawn(() -> {
                        try (TlsStream s = TlsStream.server(l.accept(), server)) {
                            byte[] buf = new byte[20_000];
                            int n;
                            while ((n = s.read(buf, 0, buf.length)) > 0) {
                                s.writeAll(buf, 0, n);
                            }
                        }
                        return null;
                    });
                    try (TlsStream s = TlsStream.client(UnixStream.connect(sock), client, "localhost", 0)) {
                        JoinHandle<Void> writer = Tasks.spawn(() -> {
                            s.writeAll(sent, 0, sent.length);
                            s.shutdownOutput(); // close_notify
                            return null;
                        });
                        byte[] got = new byte[sent.length];
                        int at = 0;
                        int n;
                        while (at < got.length && (n = s.read(got, at, got.length - at)) > 0) {
                            at += n;
                        }
                        writer.join();
                        echo.join();
                        assertEquals(-1, s.read(new byte[1], 0, 1), "the server's close_notify after ours");
                        return got;
                    }
                }
            });
            assertArrayEquals(sent, back);
        }
    }
}
