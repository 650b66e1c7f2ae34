package io.ringloop.task;

import static io.ringloop.net.TcpEchoTestAccess.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import io.ringloop.task.internal.LoopContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tasks: results, failures, cancellation, where they run, and what shutdown leaves behind. */
class TaskTest {

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCarryResultAndExceptionAcrossJoin(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            assertEquals(42, rt.spawn(() -> 42).join());
            JoinHandle<Object> failing = rt.spawn(() -> {
                throw new IllegalArgumentException("expected by the test");
            });
            ExecutionException e = assertThrows(ExecutionException.class, failing::join);
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            // The loop survived the failing task.
            assertEquals("still here", rt.blockOn(() -> "still here"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRunTasksOnTheLoopThread(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            EventLoop loop = rt.loop(0);
            boolean[] seen = rt.blockOn(() -> new boolean[] {
                Thread.currentThread().isVirtual(),
                LoopContext.onCarrier(Loop.of(loop)),
                Tasks.currentLoop() == loop
            });
            assertTrue(seen[0], "a task is a virtual thread");
            assertEquals(Tasks.loopScheduled(), seen[1], "loop-scheduled tasks run on the loop's carrier");
            assertTrue(seen[2], "a task knows its loop");
            assertTrue(Tasks.loopScheduled(), "the test JVM opens java.lang, so tasks must be loop-scheduled");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCancelPendingReadWithoutLosingLaterData(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                     TcpStream s = l.accept()) {
                    CountDownLatch reading = new CountDownLatch(1);
                    JoinHandle<Integer> reader = Tasks.spawn(() -> {
                        reading.countDown();
                        return s.read(new byte[16]);
                    });
                    reading.await();
                    Tasks.spawn(() -> null).join(); // let the reader reach its read and park
                    assertTrue(reader.cancel());
                    assertThrows(CancellationException.class, reader::join);
                    assertTrue(reader.isCancelled());
                    // The stream is intact: data sent after the cancel reaches the next reader.
                    c.writeAll("after".getBytes());
                    byte[] b = new byte[5];
                    s.readFully(b, 0, 5);
                    assertArrayEquals("after".getBytes(), b);
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldLeaveNoFdOrNativeMemoryAfterShutdownWithLiveConnections(Backend backend) throws Exception {
        // Warm up class loading and one-time allocations first, so the baseline is stable.
        liveConnectionsThenShutdown(backend, 2);
        int fdsBefore = Leaks.openFds();
        long nativeBefore = Leaks.nativeBytes();
        liveConnectionsThenShutdown(backend, 50);
        assertEquals(fdsBefore, Leaks.openFds(), "file descriptors after shutdown");
        assertEquals(nativeBefore, Leaks.nativeBytes(), "native bytes after shutdown");
    }

    private static void liveConnectionsThenShutdown(Backend backend, int connections) throws Exception {
        Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
        CountDownLatch allConnected = new CountDownLatch(connections);
        rt.spawn(() -> {
            TcpListener l = TcpListener.bind(ANY_LOCAL);
            List<TcpStream> clients = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                clients.add(TcpStream.connect(l.localAddress()));
                TcpStream server = l.accept();
                Tasks.spawn(() -> server.read(new byte[1])); // parked in a read when shutdown comes
                allConnected.countDown();
            }
            return l.accept(); // parked in accept; never returns
        });
        allConnected.await();
        rt.close();
        for (EventLoop loop : rt.loops()) {
            assertTrue(loop.isTerminated());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSpawnFromTaskOnSameLoop(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            EventLoop[] loops = rt.blockOn(() -> {
                EventLoop mine = Tasks.currentLoop();
                EventLoop child = Tasks.spawn(Tasks::currentLoop).join();
                return new EventLoop[] {mine, child};
            });
            assertSame(loops[0], loops[1]);
        }
    }
}
