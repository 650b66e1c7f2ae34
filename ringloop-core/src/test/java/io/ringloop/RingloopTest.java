package io.ringloop;

import static io.ringloop.net.TcpEchoTestAccess.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.TcpServer;
import io.ringloop.net.TcpStream;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import io.ringloop.sys.Affinity;
import io.ringloop.sys.Libc;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.TaskLocal;
import io.ringloop.task.Tasks;
import io.ringloop.task.internal.LoopContext;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The loop group: spreading, placement, blocking pool, work stealing, task locals, shutdown, signals. */
class RingloopTest {

    static Stream<Arguments> backendsAndSpreads() {
        return Backends.all().stream().flatMap(b -> Stream.of(TcpServer.Spread.values()).map(s -> Arguments.of(b, s)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndSpreads")
    void shouldSpreadConnectionsOverLoops(Backend backend, TcpServer.Spread spread) throws Exception {
        int connections = 64;
        Map<EventLoop, AtomicInteger> servedOn = new ConcurrentHashMap<>();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(2).start()) {
            TcpServer server = rt.serve(ANY_LOCAL, spread, s -> {
                servedOn.computeIfAbsent(Tasks.currentLoop(), l -> new AtomicInteger()).incrementAndGet();
                byte[] b = new byte[1];
                s.readFully(b, 0, 1);
                s.writeAll(b);
            });
            rt.blockOn(() -> {
                List<JoinHandle<Void>> clients = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    clients.add(Tasks.spawn(() -> {
                        try (TcpStream c = TcpStream.connect(server.localAddress())) {
                            c.writeAll(new byte[] {7});
                            byte[] b = new byte[1];
                            c.readFully(b, 0, 1);
                            assertEquals(7, b[0]);
                        }
                        return null;
                    }));
                }
                for (JoinHandle<Void> h : clients) {
                    h.join();
                }
                return null;
            });
            int[] perLoop = server.acceptedPerLoop();
            assertEquals(connections, perLoop[0] + perLoop[1]);
            assertEquals(2, servedOn.size(), "both loops served connections: " + servedOn);
            if (spread == TcpServer.Spread.ACCEPTOR) {
                assertArrayEquals(new int[] {connections / 2, connections / 2}, perLoop, "round robin");
            }
            assertEquals(connections, servedOn.values().stream().mapToInt(AtomicInteger::get).sum());
            server.close();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldKeepServingWhileTaskWaitsOnBlockingPool(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blockingStarted = new CountDownLatch(1);
            TcpServer server = rt.serve(ANY_LOCAL, s -> {
                byte[] b = new byte[3];
                s.readFully(b, 0, 3);
                s.writeAll(b);
            });
            // A task on the only loop waits for a job that blocks its platform thread.
            JoinHandle<String> waiting = rt.spawn(() -> rt.spawnBlocking(() -> {
                blockingStarted.countDown();
                release.await();
                return "unblocked";
            }).join());
            blockingStarted.await();
            // Meanwhile the same loop echoes.
            byte[] got = rt.blockOn(() -> {
                try (TcpStream c = TcpStream.connect(server.localAddress())) {
                    c.writeAll("abc".getBytes());
                    byte[] b = new byte[3];
                    c.readFully(b, 0, 3);
                    return b;
                }
            });
            assertArrayEquals("abc".getBytes(), got);
            assertFalse(waiting.isDone(), "the blocking job is still running");
            release.countDown();
            assertEquals("unblocked", waiting.join());
            server.close();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRunWorkStealingTasksOffLoopWithIoOnLoop(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).workStealing(true).start()) {
            TcpServer server = rt.serve(ANY_LOCAL, s -> {
                byte[] b = new byte[5];
                s.readFully(b, 0, 5);
                s.writeAll(b);
            });
            Object[] seen = rt.blockOn(() -> {
                try (TcpStream c = TcpStream.connect(server.localAddress())) {
                    c.writeAll("hello".getBytes());
                    byte[] b = new byte[5];
                    c.readFully(b, 0, 5);
                    return new Object[] {new String(b), LoopContext.onCarrier(Loop.of(rt.loop(0))),
                        Tasks.currentLoop()};
                }
            });
            assertEquals("hello", seen[0]);
            assertEquals(false, seen[1], "a work-stealing task runs on the ForkJoinPool, not the loop");
            assertSame(rt.loop(0), seen[2], "but it belongs to a loop, which does its I/O");
            server.close();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldInheritTaskLocalsOnlyWhenAsked(Backend backend) throws Exception {
        TaskLocal<String> requestId = TaskLocal.newInstance();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            String[] seen = rt.blockOn(() -> TaskLocal.where(requestId, "r-17").call(() -> new String[] {
                requestId.get(),
                Tasks.spawnInheriting(requestId::get).join(),
                Tasks.spawn(() -> requestId.orElse("unbound")).join()
            }));
            assertArrayEquals(new String[] {"r-17", "r-17", "unbound"}, seen);
            assertThrows(NoSuchElementException.class, requestId::get);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldDrainThenCancelOnGracefulShutdown(Backend backend) throws Exception {
        // The JDK opens a few fds once per process on first use (NIO's pre-close socket pair): warm up first.
        try (Ringloop warm = Ringloop.builder().backend(backend).threads(1).start()) {
            warm.serve(ANY_LOCAL, s -> { });
        }
        int fdsBefore = Leaks.openFds();
        Ringloop rt = Ringloop.builder().backend(backend).threads(2).start();
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch finishing = new CountDownLatch(1);
        JoinHandle<String> quick = rt.spawn(() -> {
            started.countDown();
            finishing.await();
            return "finished during the drain";
        });
        JoinHandle<String> stuck = rt.spawn(() -> {
            started.countDown();
            new CountDownLatch(1).await(); // never released: must be cancelled
            return "unreachable";
        });
        TcpServer server = rt.serve(ANY_LOCAL, s -> s.read(new byte[1]));
        started.await();
        ShutdownHandle handle = rt.shutdownHandle();
        Thread stopper = Thread.ofPlatform().start(() -> handle.shutdown(Duration.ofMillis(500)));
        finishing.countDown();
        stopper.join();
        assertEquals("finished during the drain", quick.join());
        assertThrows(CancellationException.class, stuck::join);
        assertTrue(handle.isShutdown());
        for (EventLoop l : rt.loops()) {
            assertTrue(l.isTerminated());
        }
        handle.shutdown(Duration.ZERO); // idempotent
        assertEquals(fdsBefore, Leaks.openFds(), "listeners and loops closed their fds");
        assertThrows(IllegalStateException.class, () -> rt.spawn(() -> 1));
        assertNotSame(null, server);
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldDeliverSignalToWaitingTask(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            Signals.Listener hup = Signals.listen(Signal.HUP);
            JoinHandle<Signal> waiter = rt.spawn(hup::await);
            Signals.raise(Signal.HUP);
            assertEquals(Signal.HUP, waiter.join());
            assertEquals("loop still serves", rt.blockOn(() -> "loop still serves"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldPinLoopsToCpus(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(2).pinCpus(true).start()) {
            int cpus = Runtime.getRuntime().availableProcessors();
            for (int i = 0; i < 2; i++) {
                EventLoop loop = rt.loop(i);
                assertEquals(i % cpus, loop.pinnedCpu());
                CompletableFuture<BitSet> allowed = new CompletableFuture<>();
                loop.execute(() -> {
                    try (var arena = Arena.ofConfined()) {
                        allowed.complete(Affinity.currentAllowed(
                                Libc.allocateCallState(arena)));
                    }
                });
                BitSet expected = new BitSet();
                expected.set(i % cpus);
                assertEquals(expected, allowed.get(), "the loop thread may run on its CPU only");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldDetectBlockedLoop(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1)
                .blockedLoopThreshold(Duration.ofMillis(50)).start()) {
            // A task that computes without yielding holds the loop until the detector has seen it.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            rt.blockOn(() -> {
                while (rt.blockedLoopEpisodes() == 0 && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
                return null;
            });
            assertTrue(rt.blockedLoopEpisodes() >= 1, "the watchdog reported the blocked loop");
            long before = rt.blockedLoopEpisodes();
            for (int i = 0; i < 20; i++) {
                rt.blockOn(() -> null); // short turns are not reported
            }
            assertEquals(before, rt.blockedLoopEpisodes());
        }
    }
}
