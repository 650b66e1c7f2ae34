package io.ringloop.unix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.driver.fault.Fault;
import io.ringloop.driver.fault.FaultInjectingDriver;
import io.ringloop.loop.Backend;
import io.ringloop.loop.internal.Loop;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Unix listener accepts as a TCP listener does: it backs off when the system refuses for want of descriptors
 * (the fault driver refuses half the accepts with EMFILE, and every client is served), takes one accept at a
 * time, and names itself when closed.
 */
class UnixAcceptTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeEveryClientWhileHalfTheAcceptsAreRefused(Backend backend) throws Exception {
        Path sock = dir.resolve("refused.sock");
        try (Ringloop rt = withRefusedAccepts(backend)) {
            UnixListener l = rt.blockOn(() -> UnixListener.bind(sock));
            rt.spawnOn(0, () -> UnixEcho.serve(l).join());
            for (int i = 0; i < 20; i++) {
                roundTrip(sock, i);
            }
            FaultInjectingDriver d = (FaultInjectingDriver) Loop.of(rt.loop(0)).driver();
            long refused = CompletableFuture.supplyAsync(() -> d.count(Fault.ACCEPT_EMFILE), rt.loop(0)).get();
            assertTrue(refused > 0, "no accept was refused");
            l.close();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTakeOneAcceptAtATimeAndNameTheClosedListener(Backend backend) throws Exception {
        Path sock = dir.resolve("one.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                UnixListener l = UnixListener.bind(sock);
                JoinHandle<UnixStream> first = Tasks.spawn(l::accept);
                Tasks.yieldNow(); // the first accept parks: the loop runs it before us again
                IllegalStateException second = assertThrows(IllegalStateException.class, l::accept);
                assertTrue(second.getMessage().startsWith("accept(UnixListener[" + sock), second.getMessage());
                l.close();
                ExecutionException waiting = assertThrows(ExecutionException.class, first::join);
                assertTrue(waiting.getCause() instanceof AsynchronousCloseException
                        && waiting.getCause().getMessage().contains("listener closed while the call was waiting"),
                        String.valueOf(waiting.getCause()));
                ClosedChannelException after = assertThrows(ClosedChannelException.class, l::accept);
                assertTrue(after.getMessage().startsWith("accept(UnixListener[" + sock)
                        && after.getMessage().endsWith("listener closed"), after.getMessage());
                return null;
            });
        }
    }

    @Test
    void shouldRefuseABacklogUnderOneAsTcpListenerDoes() {
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> UnixListener.builder().backlog(bad));
            assertEquals("backlog(" + bad + "): must be at least 1", e.getMessage());
        }
    }

    /** A one-loop runtime whose driver refuses half the accepts with EMFILE (seed 7). */
    static Ringloop withRefusedAccepts(Backend backend) throws IOException {
        String before = System.getProperty(FaultInjectingDriver.MIX_PROPERTY);
        System.setProperty(FaultInjectingDriver.SEED_PROPERTY, "7");
        System.setProperty(FaultInjectingDriver.MIX_PROPERTY, "accept_emfile=0.5");
        try {
            return Ringloop.builder().backend(backend).threads(1).start();
        } finally {
            System.clearProperty(FaultInjectingDriver.SEED_PROPERTY);
            if (before == null) {
                System.clearProperty(FaultInjectingDriver.MIX_PROPERTY);
            } else {
                System.setProperty(FaultInjectingDriver.MIX_PROPERTY, before);
            }
        }
    }

    /**
     * One message echoed over a plain JDK Unix channel, within 10 s (an accept that failed for good would leave
     * the client waiting in the backlog: the channel is closed then, and the test fails).
     */
    static void roundTrip(Path sock, int i) throws Exception {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(sock));
            byte[] msg = ("hello " + i).getBytes();
            c.write(ByteBuffer.wrap(msg));
            ByteBuffer in = ByteBuffer.allocate(msg.length);
            CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
                try {
                    while (in.hasRemaining() && c.read(in) >= 0) {
                        // until the whole echo is in
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                read.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("client " + i + " was not served within 10 s", e);
            }
            assertArrayEquals(msg, in.array());
            assertEquals(msg.length, in.position());
        }
    }
}
