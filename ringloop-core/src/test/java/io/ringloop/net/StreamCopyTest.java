package io.ringloop.net;

import static io.ringloop.net.TcpEchoTest.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link StreamCopy#copyBidirectional} between two ringloop streams, the legs of a proxy: a client (a JDK socket
 * on a platform thread) talks to the front leg, the back leg talks to a target (a JDK server socket). Every
 * backend, through memory and through splice (NIO: splice is refused, naming the backend).
 */
class StreamCopyTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static Stream<Arguments> backendsAndModes() {
        List<Arguments> all = new ArrayList<>();
        for (Backend b : io.ringloop.Backends.all()) {
            for (CopyMode m : CopyMode.values()) {
                all.add(Arguments.of(b, m));
            }
        }
        return all.stream();
    }

    /** The two peers and the copy between the proxy's legs, running in a task. */
    private record Proxied(Socket client, Socket target, JoinHandle<CopyResult> copy) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
            target.close();
        }
    }

    /** Accepts the client on a front leg, connects a back leg to {@code target}, and copies between them. */
    private static Proxied proxy(Ringloop rt, ServerSocket target, CopyMode mode, int bufferBytes)
            throws Exception {
        TcpListener front = rt.blockOn(() -> TcpListener.bind(ANY_LOCAL));
        Socket client = new Socket(LOOPBACK, front.localAddress().getPort()); // the backlog completes it
        JoinHandle<CopyResult> copy = rt.spawn(() -> {
            try (front; TcpStream a = front.accept();
                 TcpStream b = TcpStream.connect(new java.net.InetSocketAddress(LOOPBACK, target.getLocalPort()))) {
                return StreamCopy.copyBidirectional(a, b, mode, bufferBytes);
            }
        });
        Socket t = target.accept();
        return new Proxied(client, t, copy);
    }

    private static boolean refused(Backend backend, CopyMode mode) {
        return backend == Backend.NIO && mode == CopyMode.SPLICE;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    @ParameterizedTest
    @MethodSource("backendsAndModes")
    void shouldCopyBothWaysByteForByteAndForwardEachHalfClose(Backend backend, CopyMode mode) throws Exception {
        int fds = Leaks.openFds();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
             ServerSocket target = new ServerSocket(0, 50, LOOPBACK)) {
            if (refused(backend, mode)) {
                shouldRefuseSpliceNamingTheBackend(rt, target);
                return;
            }
            byte[] up = random(3_000_000, 1);
            byte[] down = random(1_000_000, 2);
            try (Proxied p = proxy(rt, target, mode, 16 * 1024)) {
                CompletableFuture<byte[]> atTarget = CompletableFuture.supplyAsync(() -> io(() -> {
                    byte[] got = readAll(p.target().getInputStream()); // until the client's half-close
                    p.target().getOutputStream().write(down);
                    p.target().shutdownOutput();
                    return got;
                }));
                CompletableFuture<byte[]> atClient = CompletableFuture.supplyAsync(
                        () -> io(() -> readAll(p.client().getInputStream())));
                p.client().getOutputStream().write(up);
                p.client().shutdownOutput();
                assertArrayEquals(up, atTarget.get(), "client to target");
                assertArrayEquals(down, atClient.get(), "target to client, after the client's half-close");
                assertEquals(new CopyResult(up.length, down.length), p.copy().join());
            }
        }
        assertEquals(fds, Leaks.openFds(), "sockets and pipes closed");
    }

    private static void shouldRefuseSpliceNamingTheBackend(Ringloop rt, ServerSocket target) throws Exception {
        rt.blockOn(() -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> StreamCopy.copyBidirectional(c, s, CopyMode.SPLICE, 4096));
                assertTrue(e.getMessage().contains("nio: splice"), e.getMessage());
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCopyBetweenStreamsOfTwoLoopsThroughMemoryAndRefuseToSpliceThem(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(2).start()) {
            TcpListener l = rt.blockOn(() -> TcpListener.bind(ANY_LOCAL));
            JoinHandle<TcpStream> first = rt.spawnOn(0, () -> TcpStream.connect(l.localAddress()));
            JoinHandle<TcpStream> second = rt.spawnOn(1, () -> TcpStream.connect(l.localAddress()));
            try (l; TcpStream a = first.join(); TcpStream b = second.join()) {
                rt.blockOn(() -> {
                    try (TcpStream peerA = l.accept(); TcpStream peerB = l.accept()) {
                        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                                () -> StreamCopy.copyBidirectional(a, b, CopyMode.SPLICE, 4096));
                        assertTrue(e.getMessage().contains("must live on one loop"),
                                e.getMessage());
                        boolean inOrder = peerA.peerAddress().equals(a.localAddress());
                        TcpStream ofA = inOrder ? peerA : peerB;
                        TcpStream ofB = inOrder ? peerB : peerA;
                        JoinHandle<CopyResult> copy = Tasks.spawn(() -> StreamCopy.copyBidirectional(a, b));
                        ofA.writeAll("ping".getBytes(), 0, 4);
                        ofA.shutdownOutput();
                        byte[] got = new byte[4];
                        ofB.readFully(got, 0, 4);
                        assertArrayEquals("ping".getBytes(), got);
                        assertEquals(-1, ofB.read(got, 0, 4), "the half-close came through");
                        ofB.shutdownOutput();
                        assertEquals(-1, ofA.read(got, 0, 4));
                        assertEquals(new CopyResult(4, 0), copy.join());
                    }
                    return null;
                });
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backendsAndModes")
    void shouldHoldBackTheWriterWhileTheTargetDoesNotRead(Backend backend, CopyMode mode) throws Exception {
        if (refused(backend, mode)) {
            return;
        }
        // Far more than the four sockets' buffers (loopback autotuning caps them at a few MiB each) and the copy's
        int total = 64 * 1024 * 1024;
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
             ServerSocket target = new ServerSocket(0, 50, LOOPBACK)) {
            try (Proxied p = proxy(rt, target, mode, 16 * 1024)) {
                AtomicLong written = new AtomicLong();
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> io(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    for (int off = 0; off < total; off += chunk.length) {
                        p.client().getOutputStream().write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    p.client().shutdownOutput();
                    return null;
                }));
                // The writer stalls once the sockets and the copy's one buffer are full: wait until its count
                // stays put across many turns of the loop (no clock), then it must not have written everything.
                long last = -1;
                for (int same = 0; same < 200 && !writer.isDone(); ) {
                    long now = written.get();
                    same = now == last ? same + 1 : 0;
                    last = now;
                    rt.blockOn(() -> {
                        Tasks.yieldNow();
                        return null;
                    });
                }
                assertFalse(writer.isDone(), "64 MiB went through a proxy whose target reads nothing: "
                        + written.get() + " bytes");
                assertTrue(written.get() < total);
                long drained = p.target().getInputStream().transferTo(OutputStreamSink.INSTANCE);
                writer.get();
                assertEquals(total, drained, "every byte arrives once the target reads");
                p.target().shutdownOutput();
                assertEquals(new CopyResult(total, 0), p.copy().join());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backendsAndModes")
    void shouldEndBothDirectionsWhenTheTargetResets(Backend backend, CopyMode mode) throws Exception {
        if (refused(backend, mode)) {
            return;
        }
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
             ServerSocket target = new ServerSocket(0, 50, LOOPBACK)) {
            try (Proxied p = proxy(rt, target, mode, 16 * 1024)) {
                p.client().getOutputStream().write(new byte[1000]);
                p.target().getInputStream().readNBytes(1000);
                p.target().setSoLinger(true, 0);
                p.target().close(); // RST
                ExecutionException e = assertThrows(ExecutionException.class, () -> p.copy().join());
                CopyException c = assertInstanceOf(CopyException.class, e.getCause());
                assertFalse(c.fromA(), c::getMessage);
                assertEquals(1000, c.result().aToB());
                assertTrue(c.getMessage().contains("ECONNRESET"), c::getMessage);
                assertEquals(-1, p.client().getInputStream().read(), "the front leg was closed after the copy");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backendsAndModes")
    void shouldEndBothDirectionsWhenTheClientResets(Backend backend, CopyMode mode) throws Exception {
        if (refused(backend, mode)) {
            return;
        }
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
             ServerSocket target = new ServerSocket(0, 50, LOOPBACK)) {
            try (Proxied p = proxy(rt, target, mode, 16 * 1024)) {
                p.target().getOutputStream().write(new byte[500]);
                p.client().getInputStream().readNBytes(500);
                p.client().setSoLinger(true, 0);
                p.client().close(); // RST
                ExecutionException e = assertThrows(ExecutionException.class, () -> p.copy().join());
                CopyException c = assertInstanceOf(CopyException.class, e.getCause());
                assertTrue(c.fromA(), c::getMessage);
                assertEquals(500, c.result().bToA());
                assertTrue(c.getMessage().contains("ECONNRESET"), c::getMessage);
                assertEquals(-1, p.target().getInputStream().read(), "the back leg was closed after the copy");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backendsAndModes")
    void shouldStopBothDirectionsWhenTheCallerIsCancelled(Backend backend, CopyMode mode) throws Exception {
        if (refused(backend, mode)) {
            return;
        }
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
             ServerSocket target = new ServerSocket(0, 50, LOOPBACK)) {
            try (Proxied p = proxy(rt, target, mode, 16 * 1024)) {
                p.client().getOutputStream().write(new byte[10]);
                p.target().getInputStream().readNBytes(10); // the copy runs and waits on both sides
                assertTrue(p.copy().cancel());
                assertThrows(java.util.concurrent.CancellationException.class, () -> p.copy().join());
                assertEquals(-1, p.target().getInputStream().read(), "the legs were closed: no direction lives on");
                assertEquals(-1, p.client().getInputStream().read());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseBadArguments(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                     TcpStream s = l.accept()) {
                    assertThrows(IllegalArgumentException.class, () -> StreamCopy.copyBidirectional(c, c));
                    assertThrows(IllegalArgumentException.class,
                            () -> StreamCopy.copyBidirectional(c, s, CopyMode.MEMORY, 0));
                    assertThrows(NullPointerException.class, () -> StreamCopy.copyBidirectional(c, null));
                }
                return null;
            });
        }
    }

    /** A sink for transferTo. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    @FunctionalInterface
    private interface Io<T> {
        T run() throws IOException;
    }

    private static <T> T io(Io<T> body) {
        try {
            return body.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
