package io.ringloop.frame;

import static io.ringloop.frame.FrameEchoTest.connect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.net.ServerLimits;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The callback style's fairness budget: at most 128 handler calls per connection per loop turn. */
class FrameBudgetTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldCallAFloodedHandlerAtMost128TimesPerTurn(FrameSetup setup) throws Exception {
        int[] maxPerTurn = new int[1];
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, () -> new FrameHandler() {
                 private long turn = -1;
                 private int calls;

                 @Override
                 public long onData(FrameConnection c, FrameView in) {
                     long now = c.loop().turns();
                     calls = now == turn ? calls + 1 : 1;
                     turn = now;
                     maxPerTurn[0] = Math.max(maxPerTurn[0], calls);
                     c.send(in, 0, 1); // one byte per call: a flood of tiny frames
                     return 1;
                 }
             });
             Socket s = connect(server)) {
            byte[] data = new byte[300_000];
            new Random(1).nextBytes(data);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    s.getOutputStream().write(data);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertArrayEquals(data, new DataInputStream(s.getInputStream()).readNBytes(data.length));
            writer.get(30, TimeUnit.SECONDS);
            CompletableFuture<Integer> read = new CompletableFuture<>();
            rt.loop(0).execute(() -> read.complete(maxPerTurn[0])); // written on the loop thread: read there
            int max = read.get(10, TimeUnit.SECONDS);
            assertTrue(max <= FrameInbound.CALLS_PER_TURN && max > 1, "handler calls in one turn: " + max);
        }
    }
}
