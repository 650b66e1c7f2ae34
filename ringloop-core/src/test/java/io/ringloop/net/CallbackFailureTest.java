package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Backends;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A callback that throws is user code called from the driver's completion path: it is reported like a failed
 * task and the loop keeps serving, whether the operation completed at once (delivered through the loop's queue)
 * or had to wait (delivered from inside the driver's poll).
 */
class CallbackFailureTest {
    private static final long HANG_SEC = 30; // only a hang gets near it: not a timing assertion

    /** How the throwing callback's read completes. */
    enum Path {
        IMMEDIATE, PENDING
    }

    record Report(String source, Throwable failure) {
    }

    static Stream<Arguments> backendsAndPaths() {
        return Backends.all().stream().flatMap(b -> Stream.of(Path.values()).map(p -> Arguments.of(b, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndPaths")
    void shouldReportAThrowingCallbackAndKeepTheLoopServing(Backend backend, Path path) throws Exception {
        BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1)
                .uncaughtFailureHandler((loop, source, failure) -> reports.add(new Report(source, failure)))
                .start()) {
            CompletableFuture<TcpListener> bound = new CompletableFuture<>();
            CompletableFuture<TcpStream> readIssued = new CompletableFuture<>();
            // Heap memory: on io_uring a heap read tries recv(2) first, so it can complete at once.
            MemorySegment buf = MemorySegment.ofArray(new byte[16]);
            IoCallback throwing = callback(n -> {
                thrown.set(new IllegalStateException("thrown by the test's callback")); // its stack: the path
                throw thrown.get();
            });
            rt.execute(() -> {
                try {
                    TcpListener l = TcpListener.bind(TcpEchoTest.ANY_LOCAL);
                    l.accept(new AcceptCallback() {
                        @Override
                        public void accepted(TcpStream s) {
                            // PENDING: nothing has been sent yet, so this read waits for the client's bytes.
                            // IMMEDIATE: a first read waits for them, and the second finds the rest there.
                            IoCallback first = path == Path.PENDING ? throwing
                                    : callback(n -> s.read(buf, 0, 1, throwing));
                            s.read(buf, 0, 1, first);
                            readIssued.complete(s);
                        }

                        @Override
                        public void failed(Throwable error) {
                            readIssued.completeExceptionally(error);
                        }
                    });
                    bound.complete(l);
                } catch (Exception e) {
                    bound.completeExceptionally(e);
                }
            });
            TcpListener listener = bound.get(HANG_SEC, TimeUnit.SECONDS);
            try (SocketChannel client = SocketChannel.open(listener.localAddress())) {
                TcpStream server = readIssued.get(HANG_SEC, TimeUnit.SECONDS);
                client.write(ByteBuffer.wrap(new byte[] {1, 2})); // one write: both bytes arrive together

                Report report = reports.poll(HANG_SEC, TimeUnit.SECONDS);
                assertNotNull(report, "the throwing callback was reported");
                assertSame(thrown.get(), report.failure());
                assertTrue(report.source().startsWith("IoCallback.completed after read(fd="), report.source());
                boolean fromPoll = Arrays.stream(thrown.get().getStackTrace()).anyMatch(
                        e -> e.getMethodName().equals("poll") && e.getClassName().startsWith("io.ringloop.driver"));
                assertEquals(path == Path.PENDING, fromPoll, "the completion path the test meant to take");

                // The loop still serves: the same stream reads on, a new connection is accepted, tasks run.
                assertFalse(rt.loop(0).isTerminated());
                client.write(ByteBuffer.wrap(new byte[] {3}));
                CompletableFuture<Integer> next = new CompletableFuture<>();
                rt.execute(() -> server.read(buf, 0, 16, callback(next::complete)));
                assertTrue(next.get(HANG_SEC, TimeUnit.SECONDS) >= 1);
                CompletableFuture<TcpStream> accepted = new CompletableFuture<>();
                rt.execute(() -> listener.accept(new AcceptCallback() {
                    @Override
                    public void accepted(TcpStream s) {
                        accepted.complete(s);
                    }

                    @Override
                    public void failed(Throwable error) {
                        accepted.completeExceptionally(error);
                    }
                }));
                try (SocketChannel _ = SocketChannel.open(listener.localAddress())) {
                    assertNotNull(accepted.get(HANG_SEC, TimeUnit.SECONDS));
                }
                assertEquals("alive", rt.blockOn(() -> "alive"));
                assertNull(reports.poll(), "one report, nothing else");
            }
        }
    }

    @FunctionalInterface
    interface OnCompleted {
        void completed(int n);
    }

    private static IoCallback callback(OnCompleted onCompleted) {
        return new IoCallback() {
            @Override
            public void completed(int n) {
                onCompleted.completed(n);
            }

            @Override
            public void failed(Throwable error) {
                throw new AssertionError("the test's read failed", error);
            }
        };
    }
}
