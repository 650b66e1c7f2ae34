package io.ringloop.unix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.driver.fault.Fault;
import io.ringloop.driver.fault.FaultInjectingDriver;
import io.ringloop.loop.Backend;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.CallbackEcho;
import java.lang.foreign.Arena;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Unix sockets in callback style, every backend: {@link UnixListener#accept(UnixAcceptCallback)} on the loop thread
 * (several connections, the back-off of refused accepts, one accept at a time, a closed listener named) and a
 * {@link UnixStream} as a {@link io.ringloop.net.CallbackStream} (callback echo, {@code readAsync/writeAsync}).
 */
@Timeout(60)
class UnixCallbackTest {
    private static final long HANG_SEC = 20; // only a hang gets near it: not a timing assertion
    private static final int ROUNDS = 50;

    @TempDir
    Path dir;

    /** Accepts by callback on the listener's loop until it fails; each connection echoes by callback. */
    private static final class Acceptor implements UnixAcceptCallback {
        final UnixListener listener;
        final Arena arena;
        final AtomicInteger accepted = new AtomicInteger();
        final CompletableFuture<Throwable> ended = new CompletableFuture<>();

        Acceptor(UnixListener listener, Arena arena) {
            this.listener = listener;
            this.arena = arena;
        }

        @Override
        public void accepted(UnixStream stream) {
            accepted.incrementAndGet();
            CallbackEcho.start(stream, arena.allocate(4096));
            listener.accept(this);
        }

        @Override
        public void failed(Throwable error) {
            ended.complete(error);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldAcceptSeveralConnectionsByCallbackAndEchoEach(Backend backend) throws Exception {
        Path sock = dir.resolve("several.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start(); Arena arena = Arena.ofShared()) {
            UnixListener l = rt.blockOn(() -> UnixListener.bind(sock));
            Acceptor acceptor = new Acceptor(l, arena);
            rt.execute(() -> l.accept(acceptor));
            List<SocketChannel> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) { // all connected before any is served: several accepts in a row
                    SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                    clients.add(c);
                    c.connect(UnixDomainSocketAddress.of(sock));
                }
                for (int i = 0; i < clients.size(); i++) {
                    byte[] msg = ("client " + i).getBytes();
                    clients.get(i).write(ByteBuffer.wrap(msg));
                    ByteBuffer in = ByteBuffer.allocate(msg.length);
                    while (in.hasRemaining() && clients.get(i).read(in) >= 0) {
                        // until the whole echo is in
                    }
                    assertArrayEquals(msg, in.array(), "client " + i);
                }
            } finally {
                for (SocketChannel c : clients) {
                    c.close();
                }
            }
            assertEquals(5, acceptor.accepted.get());
            l.close(); // the accept pending in the driver fails, named
            Throwable end = acceptor.ended.get(HANG_SEC, TimeUnit.SECONDS);
            assertInstanceOf(AsynchronousCloseException.class, end);
            assertEquals("accept(" + l + "): listener closed while the call was waiting", end.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEchoByCallbackThroughReadAsyncAndWriteAsync(Backend backend) throws Exception {
        Path sock = dir.resolve("async.sock");
        byte[] msg = new byte[256 * 1024];
        new Random(31).nextBytes(msg);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start(); Arena arena = Arena.ofShared()) {
            UnixListener l = rt.blockOn(() -> UnixListener.bind(sock));
            rt.execute(() -> l.accept(new Acceptor(l, arena)));
            UnixStream c = rt.blockOn(() -> UnixStream.connect(sock));
            ByteBuffer out = ByteBuffer.wrap(msg);
            while (out.hasRemaining()) { // from this thread, not the loop's: stages
                assertTrue(c.writeAsync(out).toCompletableFuture().get(HANG_SEC, TimeUnit.SECONDS) > 0);
            }
            ByteBuffer in = ByteBuffer.allocate(msg.length);
            while (in.hasRemaining()) {
                assertTrue(c.readAsync(in).toCompletableFuture().get(HANG_SEC, TimeUnit.SECONDS) > 0, "early end");
            }
            assertArrayEquals(msg, in.array());
            assertThrows(IllegalArgumentException.class, () -> c.readAsync(ByteBuffer.allocate(1).asReadOnlyBuffer()));
            c.close();
            ExecutionException closed = assertThrows(ExecutionException.class,
                    () -> c.readAsync(ByteBuffer.allocate(1)).toCompletableFuture().get(HANG_SEC, TimeUnit.SECONDS));
            assertInstanceOf(ClosedChannelException.class, closed.getCause());
            assertTrue(closed.getCause().getMessage().matches("read\\(UnixStream\\[fd=\\d+, closed, .*\\]\\): stream closed"),
                    closed.getCause().getMessage()); // named as what the user holds, not its TCP core
            l.close();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTakeOneCallbackAcceptAtATimeOnTheLoopThreadAndNameAClosedListener(Backend backend) throws Exception {
        Path sock = dir.resolve("closed.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start(); Arena arena = Arena.ofShared()) {
            UnixListener l = rt.blockOn(() -> UnixListener.bind(sock));
            IllegalStateException offLoop = assertThrows(IllegalStateException.class,
                    () -> l.accept(new Acceptor(l, arena)));
            assertTrue(offLoop.getMessage().startsWith("accept(UnixListener[" + sock + ", ")
                    && offLoop.getMessage().contains("runs on the loop thread"), offLoop.getMessage());
            Acceptor first = new Acceptor(l, arena);
            IllegalStateException second = CompletableFuture.supplyAsync(() -> {
                l.accept(first);
                return assertThrows(IllegalStateException.class, () -> l.accept(new Acceptor(l, arena)));
            }, rt.loop(0)).get(HANG_SEC, TimeUnit.SECONDS);
            assertTrue(second.getMessage().contains("another accept on this listener is in progress"),
                    second.getMessage());
            l.close();
            assertInstanceOf(AsynchronousCloseException.class, first.ended.get(HANG_SEC, TimeUnit.SECONDS));
            Acceptor after = new Acceptor(l, arena);
            rt.execute(() -> l.accept(after));
            Throwable refused = after.ended.get(HANG_SEC, TimeUnit.SECONDS);
            assertInstanceOf(ClosedChannelException.class, refused);
            assertEquals("accept(" + l + "): listener closed", refused.getMessage());
            assertEquals(0, first.accepted.get() + after.accepted.get());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeEveryClientWhileHalfTheCallbackAcceptsAreRefused(Backend backend) throws Exception {
        Path sock = dir.resolve("refused.sock");
        try (Ringloop rt = UnixAcceptTest.withRefusedAccepts(backend); Arena arena = Arena.ofShared()) {
            UnixListener l = rt.blockOn(() -> UnixListener.bind(sock));
            Acceptor acceptor = new Acceptor(l, arena);
            rt.execute(() -> l.accept(acceptor));
            for (int i = 0; i < 20; i++) {
                UnixAcceptTest.roundTrip(sock, i);
            }
            FaultInjectingDriver d = (FaultInjectingDriver) Loop.of(rt.loop(0)).driver();
            long refused = CompletableFuture.supplyAsync(() -> d.count(Fault.ACCEPT_EMFILE), rt.loop(0)).get();
            assertTrue(refused > 0, "no accept was refused");
            assertEquals(20, acceptor.accepted.get());
            assertTrue(!acceptor.ended.isDone(), "a refusal reached the callback: " + acceptor.ended.getNow(null));
            l.close();
            assertInstanceOf(AsynchronousCloseException.class, acceptor.ended.get(HANG_SEC, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldLeakNoDescriptorOrNativeMemoryOverRepeatedCallbackAccepts(Backend backend) throws Exception {
        Path sock = dir.resolve("leak.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            round(rt, sock); // the first round makes the loop's lazily made state
            int fdsBefore = Leaks.openFds();
            long nativeBefore = Leaks.nativeBytes();
            for (int i = 0; i < ROUNDS; i++) {
                round(rt, sock);
            }
            assertEquals(fdsBefore, Leaks.openFds(), "descriptors after " + ROUNDS + " rounds");
            assertEquals(nativeBefore, Leaks.nativeBytes(), "native bytes after " + ROUNDS + " rounds");
        }
    }

    /** A listener, a callback accept, a byte each way through stages, and everything closed. */
    private static void round(Ringloop rt, Path sock) throws Exception {
        UnixListener l = rt.blockOn(() -> UnixListener.bind(sock));
        CompletableFuture<UnixStream> accepted = new CompletableFuture<>();
        rt.execute(() -> l.accept(new UnixAcceptCallback() {
            @Override
            public void accepted(UnixStream stream) {
                accepted.complete(stream);
            }

            @Override
            public void failed(Throwable error) {
                accepted.completeExceptionally(error);
            }
        }));
        try (l; UnixStream c = rt.blockOn(() -> UnixStream.connect(sock));
             UnixStream s = accepted.get(HANG_SEC, TimeUnit.SECONDS)) {
            assertEquals(1, c.writeAsync(ByteBuffer.wrap(new byte[] {7})).toCompletableFuture()
                    .get(HANG_SEC, TimeUnit.SECONDS));
            ByteBuffer in = ByteBuffer.allocate(1);
            assertEquals(1, s.readAsync(in).toCompletableFuture().get(HANG_SEC, TimeUnit.SECONDS));
            assertEquals(7, in.get(0));
            assertEquals("a client of " + sock, s.peerDescription());
            assertEquals(sock.toString(), c.peerDescription());
        }
    }
}
