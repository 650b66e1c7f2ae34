package io.ringloop.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.RingloopMetrics;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import io.ringloop.task.JoinHandle;
import io.ringloop.time.Time;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The counters behind {@code metrics()}, family by family, on every backend, through the public API. */
class LoopMetricsTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int ROUND_TRIPS = 100;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCountEveryOperationOfAnEchoOnceSubmittedAndOnceCompleted(Backend backend) throws Exception {
        LoopMetrics quiet;
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            EventLoop loop = rt.loop(0);
            int port = rt.serve(LOOPBACK, LoopMetricsTest::echo).localAddress().getPort();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.setTcpNoDelay(true);
                roundTrips(client);
                quiet = await(loop, LoopMetricsTest::onlyAcceptAndReadWait);
            }
            LoopMetrics.Operations ops = quiet.operations();
            assertTrue(ops.completed().reads() >= ROUND_TRIPS, "reads completed: " + ops);
            assertTrue(ops.completed().writes() >= ROUND_TRIPS, "writes completed: " + ops);
            assertEquals(1, ops.completed().accepts(), "one connection accepted: " + ops);
            assertEquals(2, ops.submitted().accepts(), "and the acceptor waits for the next: " + ops);
            assertEquals(0, ops.submitted().connects() + ops.submitted().other(), "nothing else: " + ops);
            assertEquals(0, ops.cancelled().total(), "nothing cancelled yet: " + ops);
            assertEquals(2, quiet.tasks().spawned(), "the acceptor and the connection's handler: " + quiet.tasks());
            assertTrue(quiet.tasks().resumptions() >= ROUND_TRIPS, "each read waited: " + quiet.tasks());
            assertTrue(quiet.kernelWaits() > 0, "the loop waited in the kernel: " + quiet);
            assertTrue(quiet.wakes().syscalls() <= quiet.wakes().requested(), "a wake syscall needs a request: "
                    + quiet.wakes());
            assertEquals(backend.name().toLowerCase(java.util.Locale.ROOT), quiet.backend());
            assertEquals(loop.backendReason(), quiet.backendReason());
            LoopMetrics.Time time = quiet.time();
            assertTrue(time.asleepNs() > 0, "it slept waiting for the client: " + time);
            assertTrue(time.busyNs() > 0, "and worked for it: " + time);
            LoopMetrics closed = await(loop, m -> m.tasks().finished() == 1); // the client closed: the handler ends
            assertEquals(ops.completed().reads() + 1, closed.operations().completed().reads(), "its end of stream");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCompleteEveryOperationByShutdownAndCountTheCancelledOnes(Backend backend) throws Exception {
        Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
        int port = rt.serve(LOOPBACK, LoopMetricsTest::echo).localAddress().getPort();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            roundTrips(client);
            await(rt.loop(0), LoopMetricsTest::onlyAcceptAndReadWait);
            rt.close(); // the handler's waiting read and the acceptor's waiting accept end cancelled
        }
        RingloopMetrics after = rt.metrics();
        LoopMetrics.Operations ops = after.total().operations();
        assertEquals(0, ops.inFlight(), "every operation submitted was completed: " + ops);
        assertEquals(ops.submitted(), ops.completed(), "kind by kind");
        assertEquals(1, ops.cancelled().accepts(), "the acceptor's wait: " + ops);
        assertEquals(1, ops.cancelled().reads(), "the handler's read: " + ops);
        assertEquals(2, after.total().tasks().finished(), "both tasks ended: " + after.total().tasks());
        assertEquals(0, after.total().tasks().failed(), "a cancellation is no failure: " + after.total().tasks());
        assertEquals(List.of(after.total()), List.of(LoopMetrics.sum(after.loops())), "one loop: the total is it");
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCountATimedOutReadAsCancelled(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
             TcpListener listener = TcpListener.builder().loop(rt.loop(0)).bind(LOOPBACK)) {
            rt.blockOn(() -> {
                try (TcpStream quiet = TcpStream.connect(listener.localAddress());
                     TcpStream peer = listener.accept()) {
                    quiet.readTimeout(Duration.ofMillis(20));
                    ByteBuffer buf = ByteBuffer.allocateDirect(16);
                    assertThrows(java.net.SocketTimeoutException.class, () -> quiet.read(buf));
                    peer.writeAll(ByteBuffer.wrap(new byte[] {7}));
                    assertEquals(1, quiet.read(buf), "the stream stays usable");
                }
                return null;
            });
            LoopMetrics.Operations ops = rt.metrics().total().operations();
            assertEquals(1, ops.cancelled().reads(), "the read that timed out: " + ops);
            assertEquals(1, ops.completed().connects(), ops.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCountTasksAndTimersExactly(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            List<JoinHandle<Object>> ok = new ArrayList<>();
            List<JoinHandle<Object>> failing = new ArrayList<>();
            List<JoinHandle<Object>> cancelled = new ArrayList<>();
            CountDownLatch sleeping = new CountDownLatch(2);
            for (int i = 0; i < 4; i++) {
                ok.add(rt.spawn(() -> {
                    Time.sleep(Duration.ofMillis(1)); // one timer armed and fired
                    return null;
                }));
            }
            for (int i = 0; i < 3; i++) {
                failing.add(rt.spawn(() -> {
                    throw new IllegalStateException("boom (expected by the test)");
                }));
            }
            for (int i = 0; i < 2; i++) {
                cancelled.add(rt.spawn(() -> {
                    sleeping.countDown();
                    Time.sleep(Duration.ofHours(1)); // armed; cancelled by the interrupt
                    return null;
                }));
            }
            for (JoinHandle<Object> h : ok) {
                h.join();
            }
            for (JoinHandle<Object> h : failing) {
                assertThrows(ExecutionException.class, h::join);
            }
            sleeping.await();
            for (JoinHandle<Object> h : cancelled) {
                h.cancel();
                assertThrows(CancellationException.class, h::join);
            }
            LoopMetrics m = afterQueuedWork(rt.loop(0));
            assertEquals(new LoopMetrics.Tasks(9, 9, 3, m.tasks().resumptions(), 0), m.tasks());
            assertEquals(0, m.tasks().live());
            assertEquals(6, m.timers().armed(), m.timers().toString());
            assertEquals(4, m.timers().fired(), m.timers().toString());
            assertEquals(2, m.timers().cancelled(), m.timers().toString());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSampleQueueDepthsAndCountWakesRequestedFromOtherThreads(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            EventLoop loop = rt.loop(0);
            long requestedBefore = loop.metrics().wakes().requested();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> {
                inside.countDown();
                try {
                    release.await(); // the loop stays inside this turn while the inbox fills
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            inside.await();
            int posted = 300;
            for (int i = 0; i < posted; i++) {
                loop.execute(() -> { });
            }
            release.countDown();
            LoopMetrics m = afterQueuedWork(loop);
            assertTrue(m.queues().maxInbox() >= posted, "one turn took them all: " + m.queues());
            assertTrue(m.queues().maxRunQueue() >= posted, "and the next turn began with them queued: " + m.queues());
            assertTrue(m.wakes().requested() - requestedBefore >= posted + 2, m.wakes().toString());
            assertTrue(m.turns() > 0);
        }
    }

    @org.junit.jupiter.api.Test
    void shouldReportTheBudgetYieldsTheTaskLayerCounts() throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(Backend.EPOLL).threads(1).start()) {
            io.ringloop.loop.internal.LoopCounters counters = io.ringloop.loop.internal.Loop.of(rt.loop(0)).counters();
            rt.blockOn(() -> {
                counters.budgetYield(); // what the fairness budget calls, from a task, before it yields
                counters.budgetYield();
                return null;
            });
            assertEquals(2, rt.metrics().total().tasks().budgetYields());
        }
    }

    // ---- helpers ----

    /** The echo's last write is done and its next read waits, beside the acceptor's accept. */
    private static boolean onlyAcceptAndReadWait(LoopMetrics m) {
        LoopMetrics.Operations ops = m.operations();
        return ops.inFlight() == 2 && ops.submitted().writes() == ops.completed().writes()
                && ops.submitted().accepts() == ops.completed().accepts() + 1;
    }

    /** Runs one runnable on {@code loop} from outside and waits for it: work queued before it has run. */
    private static LoopMetrics afterQueuedWork(EventLoop loop) throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(ran::countDown);
        ran.await();
        return loop.metrics();
    }

    /** The first snapshot that satisfies {@code done}; fails after 10 s (the state is reached, not hoped for). */
    private static LoopMetrics await(EventLoop loop, Predicate<LoopMetrics> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        LoopMetrics m = loop.metrics();
        while (!done.test(m)) {
            assertTrue(System.nanoTime() - deadline < 0, "never reached; last: " + m);
            Thread.onSpinWait();
            m = loop.metrics();
        }
        return m;
    }

    private static void roundTrips(Socket client) throws IOException {
        OutputStream out = client.getOutputStream();
        DataInputStream in = new DataInputStream(client.getInputStream());
        byte[] msg = new byte[64];
        byte[] back = new byte[64];
        for (int i = 0; i < ROUND_TRIPS; i++) {
            msg[0] = (byte) i;
            out.write(msg);
            in.readFully(back);
            assertArrayEquals(msg, back);
        }
    }

    private static void echo(TcpStream s) throws IOException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(4096);
            int n;
            while ((n = s.read(buf, 0, 4096)) > 0) {
                s.writeAll(buf, 0, n);
            }
        }
    }
}
