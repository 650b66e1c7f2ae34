package io.ringloop.frame;

import static io.ringloop.frame.FrameEchoTest.connect;
import static io.ringloop.frame.FrameEchoTest.frame;
import static io.ringloop.frame.FrameEchoTest.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.net.ServerLimits;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ServerLimits on a framing server: maxConnections, idle and read timeouts, drain of one server. */
class FrameServerLimitsTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    private static void roundTrip(Socket s, byte[] payload) throws Exception {
        s.getOutputStream().write(frame(payload));
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertEquals(payload.length, in.readInt());
        assertEquals(sum(payload), in.readInt());
    }

    private static boolean endOfStream(Socket s) throws Exception {
        try {
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldPauseAcceptingAtMaxConnections(FrameSetup setup) throws Exception {
        ServerLimits limits = ServerLimits.DEFAULTS.withMaxConnections(2);
        try (Ringloop rt = setup.start(2);
             FrameServer server = FrameServer.start(rt, ANY, limits, FrameEchoTest.LengthPrefixed::new);
             Socket b = connect(server)) {
            Socket a = connect(server);
            roundTrip(a, "a".getBytes());
            roundTrip(b, "b".getBytes());
            try (Socket c = connect(server)) { // completes in the kernel's backlog
                c.getOutputStream().write(frame("c".getBytes()));
                roundTrip(a, "a2".getBytes()); // the loops have gone round with c waiting
                roundTrip(b, "b2".getBytes());
                assertEquals(2, server.openConnections(), "the third is not accepted while two are open");
                a.close(); // not a try resource: closed here, before the third is served
                DataInputStream in = new DataInputStream(c.getInputStream());
                assertEquals(1, in.readInt(), "accepted once one closed");
                assertEquals(sum("c".getBytes()), in.readInt());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldCloseIdleConnectionsButNeverMidFrame(FrameSetup setup) throws Exception {
        ServerLimits limits = ServerLimits.DEFAULTS.withIdleTimeout(Duration.ofMillis(200));
        BlockingQueue<Throwable> causes = new LinkedBlockingQueue<>();
        CompletableFuture<Void> partial = new CompletableFuture<>();
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt, ANY, limits, () -> new FrameEchoTest.LengthPrefixed(
                     new CompletableFuture<>() {
                         @Override
                         public boolean complete(Throwable cause) {
                             causes.add(cause);
                             return super.complete(cause);
                         }
                     }, partial));
             Socket midFrame = connect(server)) {
            byte[] f = frame("slow".getBytes());
            OutputStream out = midFrame.getOutputStream();
            out.write(f, 0, 2); // a partial frame: the idle timeout does not apply
            out.flush();
            partial.get(30, TimeUnit.SECONDS);
            try (Socket idle = connect(server)) { // opened after the partial frame was sent
                assertTrue(endOfStream(idle), "an idle connection is closed");
            }
            out.write(f, 2, f.length - 2); // longer than the idle timeout after its first bytes
            DataInputStream in = new DataInputStream(midFrame.getInputStream());
            assertEquals(4, in.readInt(), "the connection with a partial frame was kept");
            assertEquals(sum("slow".getBytes()), in.readInt());
            assertTrue(endOfStream(midFrame), "idle after its answer: closed too");
            for (int i = 0; i < 2; i++) { // onClosed runs after the socket's close, which the client may see first
                Throwable cause = causes.poll(30, TimeUnit.SECONDS);
                assertInstanceOf(SocketTimeoutException.class, cause, "connection " + i);
                assertTrue(cause.getMessage().startsWith("idle timeout"), cause.getMessage());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldAbortASlowLorisAtTheReadTimeout(FrameSetup setup) throws Exception {
        ServerLimits limits = ServerLimits.DEFAULTS.withReadTimeout(Duration.ofMillis(200));
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt, ANY, limits,
                     () -> new FrameEchoTest.LengthPrefixed(closed));
             Socket s = connect(server)) {
            roundTrip(s, "whole frames are never timed".getBytes());
            s.getOutputStream().write(frame("never finished".getBytes()), 0, 9);
            Throwable cause = closed.get(30, TimeUnit.SECONDS);
            assertInstanceOf(SocketTimeoutException.class, cause);
            assertTrue(cause.getMessage().startsWith("read timeout"), cause.getMessage());
            assertTrue(endOfStream(s));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldDrainOneServerAndLeaveTheOther(FrameSetup setup) throws Exception {
        CompletableFuture<Throwable> busyClosed = new CompletableFuture<>();
        CompletableFuture<Void> partial = new CompletableFuture<>();
        try (Ringloop rt = setup.start(2);
             FrameServer other = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, FrameEchoTest.LengthPrefixed::new);
             Socket untouched = connect(other)) {
            FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS,
                    () -> new FrameEchoTest.LengthPrefixed(busyClosed, partial));
            try (Socket idle = connect(server); Socket busy = connect(server)) {
                roundTrip(idle, "i".getBytes());
                roundTrip(busy, "b".getBytes());
                byte[] f = frame("finishing".getBytes());
                busy.getOutputStream().write(f, 0, 5);
                busy.getOutputStream().flush();
                partial.get(30, TimeUnit.SECONDS); // the server holds the busy one's partial frame
                CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
                    try {
                        return server.drain(Duration.ofSeconds(20));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertTrue(endOfStream(idle), "the idle connection closes at once");
                busy.getOutputStream().write(f, 5, f.length - 5);
                DataInputStream in = new DataInputStream(busy.getInputStream());
                assertEquals(9, in.readInt(), "the busy one finishes its frame");
                assertEquals(sum("finishing".getBytes()), in.readInt());
                assertTrue(endOfStream(busy), "then closes");
                assertTrue(drained.get(30, TimeUnit.SECONDS), "drained gracefully");
                assertNull(busyClosed.get(30, TimeUnit.SECONDS));
                assertEquals(0, server.openConnections());
            }
            roundTrip(untouched, "still served".getBytes());
            try (Socket late = connect(other)) {
                roundTrip(late, "still accepting".getBytes());
            }
        }
    }
}
