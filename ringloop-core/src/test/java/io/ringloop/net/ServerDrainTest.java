package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.ServerLimitsTest.Client;
import java.io.IOException;
import java.net.ConnectException;
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
 * {@link TcpServer#drain}, every backend: one server drains while another on the same loops serves on; idle
 * connections close at once, a request in progress is answered, and what outlives the deadline is cancelled.
 */
class ServerDrainTest {

    /** Line requests: "ok\n" for each, "ok close\n" and the end once the server drains. */
    private static void lines(TcpStream s, BlockingQueue<String> started) throws IOException {
        ServerConnection c = ServerConnection.of(s);
        byte[] b = new byte[1];
        while (s.read(b) > 0) {
            c.requestStarted();
            started.add("request");
            while (b[0] != '\n') {
                s.readFully(b, 0, 1);
            }
            c.requestDone();
            boolean last = c.draining();
            s.writeAll((last ? "ok close\n" : "ok\n").getBytes(StandardCharsets.US_ASCII));
            if (last) {
                return;
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldDrainOneServerWhileTheOtherServes(Backend backend) throws Exception {
        BlockingQueue<ServerLimitsTest.Ending> endings = new LinkedBlockingQueue<>();
        BlockingQueue<String> started = new LinkedBlockingQueue<>();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(2).start()) {
            int fdsBefore = ServerLimitsTest.fdsAfterWarmUp();
            TcpServer drained = rt.serve(ServerLimitsTest.ANY_LOCAL, s -> lines(s, started));
            TcpServer other = rt.serve(ServerLimitsTest.ANY_LOCAL, s -> ServerLimitsTest.echo(s, endings));
            try (Client idle = new Client(drained.localAddress());
                 Client busy = new Client(drained.localAddress());
                 Client bystander = new Client(other.localAddress())) {
                assertEquals("ok\n", idle.ask("request\n"));
                busy.send("half a requ"); // in progress when the drain starts
                assertEquals("x", bystander.ask("x"));
                for (int i = 0; i < 2; i++) { // idle's request, then busy's (started, not done)
                    assertEquals("request", started.poll(10, TimeUnit.SECONDS));
                }
                CompletableFuture<Boolean> drain = CompletableFuture.supplyAsync(() -> {
                    try {
                        return drained.drain(Duration.ofSeconds(10));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                assertEquals(-1, idle.in.read(), "a connection waiting between requests closes at once");
                assertEquals("y", bystander.ask("y"), "the other server serves during the drain");
                busy.send("est\n");
                assertEquals("ok close\n", busy.read(9), "the request in progress is answered");
                assertTrue(drain.get(20, TimeUnit.SECONDS), "every connection closed before the deadline");
                assertEquals(0, drained.connections());
                assertThrows(ConnectException.class, () -> new Socket(drained.localAddress().getAddress(),
                        drained.localAddress().getPort()).close(), "the drained server accepts no more");
                assertEquals("z", bystander.ask("z"), "the other server is untouched");
                try (Client fresh = new Client(other.localAddress())) {
                    assertEquals("n", fresh.ask("n"), "and still accepts");
                }
            }
            assertTrue(other.drain(Duration.ofSeconds(10)));
            ServerLimitsTest.assertFdsBack(rt, fdsBefore);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCancelWhatOutlivesTheDeadline(Backend backend) throws Exception {
        BlockingQueue<Throwable> cancelled = new LinkedBlockingQueue<>();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            int fdsBefore = ServerLimitsTest.fdsAfterWarmUp();
            TcpServer drained = rt.serve(ServerLimitsTest.ANY_LOCAL, s -> {
                ServerConnection.of(s).requestStarted(); // a request that never ends
                try {
                    s.read(new byte[1]);
                } catch (Throwable t) {
                    cancelled.add(t);
                    throw t;
                }
            });
            TcpServer other = rt.serve(ServerLimitsTest.ANY_LOCAL, s -> ServerLimitsTest.echo(s,
                    new LinkedBlockingQueue<>()));
            try (Client stuck = new Client(drained.localAddress());
                 Client bystander = new Client(other.localAddress())) {
                assertEquals("x", bystander.ask("x"));
                while (drained.connections() < 1) {
                    Thread.onSpinWait();
                }
                assertFalse(drained.drain(Duration.ofMillis(200)), "the handler did not finish in time");
                assertEquals(0, drained.connections(), "it was cancelled and its connection closed");
                assertTrue(cancelled.poll(10, TimeUnit.SECONDS) != null, "the handler's read was cancelled");
                assertEquals(-1, stuck.in.read(), "the client sees the close");
                assertEquals("y", bystander.ask("y"), "the other server is untouched");
            }
            assertTrue(other.drain(Duration.ofSeconds(10)));
            ServerLimitsTest.assertFdsBack(rt, fdsBefore);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseToDrainOnItsOwnLoop(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            TcpServer server = rt.serve(ServerLimitsTest.ANY_LOCAL, s -> { });
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> rt.blockOn(() -> server.drain(Duration.ofSeconds(1))));
            assertTrue(e.getMessage().startsWith("drain(PT1S) on "), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> server.drain(Duration.ofSeconds(-1)));
            assertTrue(server.drain(Duration.ZERO), "no connection: drained at once");
        }
    }
}
