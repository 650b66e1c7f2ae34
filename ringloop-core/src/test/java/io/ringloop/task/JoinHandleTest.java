package io.ringloop.task;

import static io.ringloop.net.TcpEchoTestAccess.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** JoinHandle: cancel before start, join with a deadline, the handle as a JDK future. */
class JoinHandleTest {

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNeverRunTaskCancelledBeforeItStarted(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            AtomicBoolean ran = new AtomicBoolean();
            long spawnedBefore = rt.loop(0).metrics().tasks().spawned();
            JoinHandle<String> h = rt.blockOn(() -> {
                // The spawn is queued behind this task on the one loop: it cannot have started yet.
                JoinHandle<String> child = Tasks.spawn(() -> {
                    ran.set(true);
                    return "ran";
                });
                assertEquals(Future.State.RUNNING, child.state());
                assertTrue(child.cancel(), "a task not yet started can be cancelled");
                assertThrows(CancellationException.class, child::join);
                return child;
            });
            assertFalse(ran.get(), "the body of a task cancelled before it started ran");
            assertTrue(h.isCancelled());
            assertEquals(Future.State.CANCELLED, h.state());
            assertFalse(h.cancel(), "cancelling a finished task answers false");
            // blockOn's own task counts once; the cancelled child was never started.
            assertEquals(spawnedBefore + 1, rt.loop(0).metrics().tasks().spawned());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTimeOutJoinWithDeadlineNamingTheCall(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            CountDownLatch release = new CountDownLatch(1);
            JoinHandle<String> h = rt.spawn(() -> {
                release.await();
                return "done";
            });
            TimeoutException e = assertThrows(TimeoutException.class, () -> h.join(Duration.ofMillis(20)));
            assertTrue(e.getMessage().startsWith("JoinHandle.join(PT0.02S): task ringloop-task-"), e.getMessage());
            assertFalse(h.isDone(), "a join that timed out leaves the task running");
            assertThrows(IllegalArgumentException.class, () -> h.join(Duration.ofMillis(-1)), "negative: refused");
            release.countDown();
            assertEquals("done", h.join(Duration.ofDays(365 * 1000)), "a huge limit is no overflow");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCompleteFutureWithValueOrFailure(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            CompletableFuture<Integer> ok = rt.spawn(() -> 7).toCompletableFuture();
            assertEquals(8, ok.thenApply(v -> v + 1).get());
            CompletableFuture<Object> bad = rt.spawn(() -> {
                throw new IllegalStateException("expected by the test");
            }).toCompletableFuture();
            ExecutionException e = assertThrows(ExecutionException.class, bad::get);
            assertInstanceOf(IllegalStateException.class, e.getCause());
            CompletionException viaJoin = assertThrows(CompletionException.class, bad::join);
            assertInstanceOf(IllegalStateException.class, viaJoin.getCause());
            assertEquals("staged", rt.spawn(() -> "staged").toCompletionStage().toCompletableFuture().get());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCancelTaskInReadWhenItsFutureIsCancelled(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                     TcpStream s = l.accept()) {
                    JoinHandle<Integer> reader = Tasks.spawn(() -> s.read(new byte[16]));
                    CompletableFuture<Integer> f = reader.toCompletableFuture();
                    Tasks.spawn(() -> null).join(); // the reader reaches its read and parks
                    assertTrue(f.cancel(true));
                    assertThrows(CancellationException.class, reader::join);
                    assertTrue(reader.isCancelled());
                    c.writeAll("kept".getBytes());
                    byte[] b = new byte[4];
                    s.readFully(b, 0, 4);
                    assertArrayEquals("kept".getBytes(), b);
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReportStateAndOutcomeWithoutWaiting(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            JoinHandle<String> ok = rt.spawn(() -> "v");
            ok.join();
            assertEquals(Future.State.SUCCESS, ok.state());
            assertEquals("v", ok.resultNow());
            assertThrows(IllegalStateException.class, ok::exceptionNow);
            JoinHandle<Object> bad = rt.spawn(() -> {
                throw new ArithmeticException("expected by the test");
            });
            assertThrows(ExecutionException.class, bad::join);
            assertEquals(Future.State.FAILED, bad.state());
            assertInstanceOf(ArithmeticException.class, bad.exceptionNow());
        }
    }
}
