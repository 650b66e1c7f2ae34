package io.ringloop.frame;

import static io.ringloop.frame.FrameEchoTest.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.net.ServerLimits;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How framing connections end: {@link FrameConnection#shutdownOutput} (answer, half-close, go on reading: how a
 * protocol refuses a request without a reset), {@link FrameConnection#isDraining} (an answer may say the connection
 * closes after it), and a drain that races a connection being accepted.
 */
class FrameShutdownTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    /** Lines: "bye" answers "ok", half-closes, then counts what still arrives; any other line answers its drain. */
    static final class Lines implements FrameHandler {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private boolean shut;
        private long after;

        @Override
        public long onData(FrameConnection c, FrameView in) {
            if (shut) {
                after += in.length();
                events.add(after);
                return in.length();
            }
            long lf = in.indexOf((byte) '\n');
            if (lf < 0) {
                return NEED_MORE;
            }
            String line = in.toString(0, (int) lf, StandardCharsets.US_ASCII);
            if (line.equals("bye")) {
                c.send("ok\n".getBytes(StandardCharsets.US_ASCII));
                c.shutdownOutput();
                events.add(assertThrows(IllegalStateException.class, () -> c.send(new byte[1])).getMessage());
                shut = true;
            } else {
                c.send((c.isDraining() ? "draining\n" : "open\n").getBytes(StandardCharsets.US_ASCII));
            }
            return lf + 1;
        }

        @Override
        public void onClosed(FrameConnection c, Throwable cause) {
            events.add(cause == null ? "closed" : cause);
        }
    }

    private static String readAll(InputStream in) throws Exception {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldHalfCloseAfterQueuedOutputAndKeepShowingInput(FrameSetup setup) throws Exception {
        Lines handler = new Lines();
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, () -> handler);
             Socket s = connect(server)) {
            s.getOutputStream().write("x\nbye\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("open\nok\n", readAll(s.getInputStream()), "the answers, then end of stream");
            assertTrue(((String) handler.events.poll(30, TimeUnit.SECONDS)).startsWith("send after shutdownOutput"));
            s.getOutputStream().write("still reading".getBytes(StandardCharsets.US_ASCII));
            long seen = 0;
            while (seen < 13) {
                seen = (Long) handler.events.poll(30, TimeUnit.SECONDS);
            }
            assertEquals(13, seen, "input goes on after the half-close");
            s.shutdownOutput();
            assertEquals("closed", handler.events.poll(30, TimeUnit.SECONDS), "the peer's end closes it cleanly");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldTellAHandlerItsServerDrains(FrameSetup setup) throws Exception {
        try (Ringloop rt = setup.start(1)) {
            FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, Lines::new);
            try (Socket busy = connect(server); Socket idle = connect(server)) {
                busy.getOutputStream().write("a\nb".getBytes(StandardCharsets.US_ASCII)); // "b": a partial frame
                InputStream in = busy.getInputStream();
                assertEquals("open\n", new String(in.readNBytes(5), StandardCharsets.US_ASCII));
                idle.getOutputStream().write("c\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("open\n", new String(idle.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
                    try {
                        return server.drain(Duration.ofSeconds(30));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                // The drain closes the idle connection and marks the busy one in the same run on the loop.
                assertEquals("", readAll(idle.getInputStream()), "the idle connection is closed at once");
                assertFalse(drained.isDone(), "the partial frame keeps the busy one open");
                busy.getOutputStream().write("\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("draining\n", readAll(in), "answered as draining, then closed");
                assertTrue(drained.get(30, TimeUnit.SECONDS), "every connection closed gracefully");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldNeverServeAConnectionAcceptedAroundTheDrain(FrameSetup setup) throws Exception {
        try (Ringloop rt = setup.start(2)) {
            for (int round = 0; round < 10; round++) {
                FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, FrameEchoTest.Echo::new);
                try (Socket s = connect(server)) { // in the backlog, or accepted just now
                    assertTrue(server.drain(Duration.ofSeconds(30)), "an idle connection drains at once");
                    assertEquals(0, server.openConnections());
                    s.getOutputStream().write('x');
                    assertEquals("", readOrReset(s.getInputStream()), "round " + round + ": closed, not echoed");
                } catch (java.net.SocketException resetOnWrite) {
                    // closed before the write: the point as well
                }
            }
        }
    }

    private static String readOrReset(InputStream in) throws Exception {
        try {
            return readAll(in);
        } catch (java.net.SocketException reset) {
            return "";
        }
    }
}
