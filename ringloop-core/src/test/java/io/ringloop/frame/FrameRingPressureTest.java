package io.ringloop.frame;

import static io.ringloop.frame.FrameEchoTest.connect;
import static io.ringloop.frame.FrameEchoTest.frame;
import static io.ringloop.frame.FrameEchoTest.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.Ringloop;
import io.ringloop.net.ServerLimits;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many connections holding partial frames while the receive memory is scarce (io_uring: a ring of 8 provided
 * buffers, so multishot receives run dry with ENOBUFS and fall back): every connection still progresses.
 */
class FrameRingPressureTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldServeEveryConnectionWhenTheRingRunsDry(FrameSetup setup) throws Exception {
        int connections = 24;
        byte[] payload = new byte[150_000];
        new Random(11).nextBytes(payload);
        byte[] f = frame(payload);
        try (Ringloop rt = setup.builder().receiveBuffers(8).threads(1).start();
             FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS,
                     FrameEchoTest.LengthPrefixed::new)) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    Socket s = connect(server);
                    sockets.add(s);
                    s.getOutputStream().write(f, 0, 3 + i); // each holds a partial frame
                }
                List<CompletableFuture<Void>> writers = new ArrayList<>();
                for (Socket s : sockets) {
                    int sent = 3 + sockets.indexOf(s);
                    writers.add(CompletableFuture.runAsync(() -> {
                        try {
                            s.getOutputStream().write(f, sent, f.length - sent);
                            s.getOutputStream().write(f); // and a second frame behind it
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }));
                }
                for (Socket s : sockets) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    for (int k = 0; k < 2; k++) {
                        assertEquals(payload.length, in.readInt());
                        assertEquals(sum(payload), in.readInt());
                    }
                }
                for (CompletableFuture<Void> w : writers) {
                    w.get(30, TimeUnit.SECONDS);
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }
}
