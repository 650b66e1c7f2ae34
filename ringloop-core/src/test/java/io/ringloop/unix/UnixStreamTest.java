package io.ringloop.unix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Backends;
import io.ringloop.Ringloop;
import io.ringloop.io.StreamReader;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.net.IoCallback;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Unix streams through the public API, every backend: echo, large transfers, EOF, close, buffered reading. */
class UnixStreamTest {
    @TempDir
    Path dir;

    static Stream<Arguments> backendsAndSizes() {
        int[] sizes = {1, 64 * 1024 + 7, 16 << 20};
        return Backends.all().stream().flatMap(b -> Arrays.stream(sizes).mapToObj(n -> Arguments.of(b, n)));
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("backendsAndSizes")
    void shouldEchoEveryByteInOrder(Backend backend, int size) throws Exception {
        Path sock = dir.resolve("echo.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UnixListener l = UnixListener.bind(sock)) {
                    UnixEcho.serve(l);
                    try (UnixStream c = UnixStream.connect(sock)) {
                        byte[] msg = new byte[size];
                        new Random(size).nextBytes(msg);
                        // Write from a second task so a large message cannot deadlock on full socket buffers.
                        JoinHandle<Void> writer = Tasks.spawn(() -> {
                            c.writeAll(msg);
                            c.shutdownOutput();
                            return null;
                        });
                        byte[] back = new byte[size];
                        c.readFully(back, 0, size);
                        writer.join();
                        assertArrayEquals(msg, back);
                        assertEquals(-1, c.read(new byte[1]), "the server half-closed after our half-close");
                    }
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReadEndOfStreamAfterPeerHalfClosesAndStillWrite(Backend backend) throws Exception {
        Path sock = dir.resolve("half.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UnixListener l = UnixListener.bind(sock); UnixStream c = UnixStream.connect(sock);
                     UnixStream s = l.accept()) {
                    c.writeAll("last words".getBytes(StandardCharsets.US_ASCII));
                    c.shutdownOutput();
                    byte[] got = new byte[10];
                    s.readFully(got, 0, 10);
                    assertEquals("last words", new String(got, StandardCharsets.US_ASCII));
                    assertEquals(-1, s.read(new byte[4]), "end of stream after the peer's shutdownOutput");
                    s.writeAll("reply".getBytes(StandardCharsets.US_ASCII)); // the other direction still works
                    byte[] reply = new byte[5];
                    c.readFully(reply, 0, 5);
                    assertEquals("reply", new String(reply, StandardCharsets.US_ASCII));
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFailPendingReadWithAsynchronousCloseWhenClosed(Backend backend) throws Exception {
        Path sock = dir.resolve("close.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UnixListener l = UnixListener.bind(sock)) {
                    UnixStream c = UnixStream.connect(sock);
                    UnixStream s = l.accept();
                    CountDownLatch reading = new CountDownLatch(1);
                    JoinHandle<Class<?>> reader = Tasks.spawn(() -> {
                        reading.countDown();
                        try {
                            c.read(new byte[16]);
                            return null;
                        } catch (IOException e) {
                            return e.getClass();
                        }
                    });
                    reading.await();
                    Tasks.yieldNow(); // the reader parks in its read: the loop runs it before us again
                    c.close();
                    Class<?> thrown = reader.join();
                    assertTrue(thrown != null && AsynchronousCloseException.class.isAssignableFrom(thrown),
                            "a read waiting when the stream closes throws AsynchronousCloseException: " + thrown);
                    assertFalse(c.isOpen());
                    assertEquals(-1, s.read(new byte[1]), "the peer sees the close as end of stream");
                    s.close();
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeLinesThroughStreamReader(Backend backend) throws Exception {
        Path sock = dir.resolve("lines.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UnixListener l = UnixListener.bind(sock)) {
                    UnixEcho.serve(l);
                    try (UnixStream c = UnixStream.connect(sock)) {
                        c.writeAll("one\ntwo\nthree\n".getBytes(StandardCharsets.US_ASCII));
                        StreamReader in = new StreamReader(c);
                        assertEquals("one", in.readLine(100).toString());
                        assertEquals("two", in.readLine(100).toString());
                        assertEquals("three", in.readLine(100).toString());
                    }
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEchoInCallbackStyleOnTheLoopThreadAndTakeTheJdksAddress(Backend backend) throws Exception {
        Path sock = dir.resolve("callback.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
             Arena arena = Arena.ofShared()) {
            MemorySegment out = arena.allocate(8).copyFrom(MemorySegment.ofArray(
                    "callback".getBytes(StandardCharsets.US_ASCII)));
            MemorySegment in = arena.allocate(out.byteSize());
            CompletableFuture<Integer> done = new CompletableFuture<>();
            UnixStream c = rt.blockOn(() -> {
                UnixListener l = UnixListener.bind(UnixDomainSocketAddress.of(sock));
                Tasks.spawn(() -> {
                    try (l) {
                        UnixEcho.echo(l.accept());
                    }
                    return null;
                });
                return UnixStream.connect(UnixDomainSocketAddress.of(sock));
            });
            rt.loop(0).execute(() -> c.write(out, 0, (int) out.byteSize(), new IoCallback() {
                @Override
                public void completed(int written) {
                    c.read(in, 0, written, new IoCallback() {
                        @Override
                        public void completed(int read) {
                            done.complete(read);
                        }

                        @Override
                        public void failed(Throwable error) {
                            done.completeExceptionally(error);
                        }
                    });
                }

                @Override
                public void failed(Throwable error) {
                    done.completeExceptionally(error);
                }
            }));
            int read = done.get();
            assertTrue(read > 0);
            assertEquals("callback".substring(0, read),
                    new String(in.asSlice(0, read).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            assertThrows(IllegalStateException.class, () -> c.read(in, 0, 1, null), "off the loop thread");
            c.close();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFailToConnectToAMissingPathNamingIt(Backend backend) throws Exception {
        Path sock = dir.resolve("nobody.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            IOException e = rt.blockOn(() -> assertThrows(IOException.class, () -> UnixStream.connect(sock)));
            assertTrue(e instanceof NoSuchFileException, e.toString());
            assertTrue(e.getMessage().contains(sock.toString()) && e.getMessage().contains("ENOENT"),
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEchoOverAnAbstractAddressWhereTheBackendHasOne(Backend backend) throws Exception {
        UnixAddress name = UnixAddress.abstractName("ringloop-test-" + ProcessHandle.current().pid() + "-" + backend);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                if (backend == Backend.NIO) {
                    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                            () -> UnixListener.bind(name));
                    assertTrue(e.getMessage().contains("nio") && e.getMessage().contains("abstract"),
                            e.getMessage());
                    assertThrows(UnsupportedOperationException.class, () -> UnixStream.connect(rt.loops().get(0),
                            name));
                    return null;
                }
                try (UnixListener l = UnixListener.bind(name)) {
                    assertEquals("@" + name.name(), l.address().toString());
                    UnixEcho.serve(l);
                    try (UnixStream c = UnixStream.connect(UnixAddress.parse(name.toString()))) {
                        c.writeAll(new byte[] {1, 2, 3});
                        byte[] back = new byte[3];
                        c.readFully(back, 0, 3);
                        assertArrayEquals(new byte[] {1, 2, 3}, back);
                    }
                }
                assertFalse(Files.exists(Path.of(name.name())), "an abstract name makes no file");
                return null;
            });
        }
    }
}
