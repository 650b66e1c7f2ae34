package io.ringloop.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.net.ServerLimits;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Handler code that throws is a bug nobody else may see (a handler's {@code onClosed} may ignore its cause): it is
 * reported to the loop's uncaught-failure handler, its connection ends, and the loop serves everyone else. In
 * task style the parser's failure is the task's to hear, from {@code parse}, and is not reported twice.
 */
class FrameHandlerFailureTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private record Report(String source, Throwable failure) {
    }

    /** Echoes frames like {@link FrameEchoTest.LengthPrefixed}, but throws on a payload starting with "bad". */
    private static final class Throwing implements FrameHandler {
        private final FrameEchoTest.LengthPrefixed echo = new FrameEchoTest.LengthPrefixed();

        @Override
        public long onData(FrameConnection c, FrameView in) throws Exception {
            if (in.length() >= 7 && in.get(4) == 'b' && in.get(5) == 'a' && in.get(6) == 'd') {
                throw new IllegalStateException("handler bug");
            }
            return echo.onData(c, in);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldReportAThrowingHandlerAndServeTheOthers(FrameSetup setup) throws Exception {
        List<Report> reports = new CopyOnWriteArrayList<>();
        try (Ringloop rt = setup.builder().threads(1)
                .uncaughtFailureHandler((loop, source, failure) -> reports.add(new Report(source, failure))).start();
             FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, Throwing::new)) {
            try (Socket bystander = connect(server); Socket victim = connect(server)) {
                roundTrip(bystander, "before".getBytes());
                victim.getOutputStream().write(FrameEchoTest.frame("bad frame".getBytes()));
                assertEquals(-1, readOrReset(victim.getInputStream()), "the failing connection is ended");
                roundTrip(bystander, "after".getBytes()); // the loop goes on serving the others
            }
            assertEquals(1, reports.size(), String.valueOf(reports));
            Report r = reports.get(0);
            assertTrue(r.source().startsWith("FrameHandler.onData (FrameConnection[fd="), r.source());
            assertEquals("handler bug", r.failure().getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldHandAThrowingParserToItsTaskNotTheUncaughtHandler(FrameSetup setup) throws Exception {
        List<Report> reports = new CopyOnWriteArrayList<>();
        CompletableFuture<Throwable> heard = new CompletableFuture<>();
        try (Ringloop rt = setup.builder().threads(1)
                .uncaughtFailureHandler((loop, source, failure) -> reports.add(new Report(source, failure))).start();
             FrameServer server = FrameServer.startTasks(rt, ANY, ServerLimits.DEFAULTS, stream -> {
                 try {
                     stream.parse(in -> {
                         throw new IllegalStateException("parser bug");
                     });
                     heard.complete(null);
                 } catch (IOException e) {
                     heard.complete(e);
                 }
             })) {
            try (Socket c = connect(server)) {
                c.getOutputStream().write(FrameEchoTest.frame("anything".getBytes()));
                Throwable e = heard.get(10, TimeUnit.SECONDS);
                assertTrue(e != null && e.getCause() instanceof IllegalStateException
                        && e.getCause().getMessage().equals("parser bug"), String.valueOf(e));
                assertEquals(-1, readOrReset(c.getInputStream()), "the connection is ended");
            }
            assertEquals(List.of(), reports, "the task heard it: nothing to report");
        }
    }

    private static Socket connect(FrameServer server) throws IOException {
        Socket s = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    private static void roundTrip(Socket c, byte[] payload) throws IOException {
        c.getOutputStream().write(FrameEchoTest.frame(payload));
        int sum = 0;
        for (byte b : payload) {
            sum = sum * 31 + b;
        }
        assertArrayEquals(FrameEchoTest.answer(payload.length, sum), c.getInputStream().readNBytes(8));
    }

    /** -1 at end of stream or on a reset (an abort may send RST): the connection is gone either way. */
    private static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException reset) {
            return -1;
        }
    }
}
