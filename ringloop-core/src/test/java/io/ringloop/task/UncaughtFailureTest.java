package io.ringloop.task;

import static io.ringloop.net.TcpEchoTestAccess.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpServer;
import io.ringloop.net.TcpStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A failure nobody observes is reported to the runtime's uncaught-failure handler: a task nobody joins, a
 * connection handler (with its peer). A joined failure, a blockOn failure and a cancelled task are not.
 *
 * <p>A task's report is made before its handle completes, so "not reported" is checked by a sentinel: a task
 * that fails unobserved afterwards must be the first report.
 */
class UncaughtFailureTest {
    private static final long HANG_SEC = 30; // only a hang gets near it: not a timing assertion

    record Report(String source, Throwable failure) {
    }

    private static Ringloop start(Backend backend, BlockingQueue<Report> reports) throws Exception {
        return Ringloop.builder().backend(backend).threads(1)
                .uncaughtFailureHandler((loop, source, failure) -> reports.add(new Report(source, failure)))
                .start();
    }

    private static Report next(BlockingQueue<Report> reports) throws InterruptedException {
        Report r = reports.poll(HANG_SEC, TimeUnit.SECONDS);
        assertNotNull(r, "a report");
        return r;
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReportAFailedTaskNobodyJoins(Backend backend) throws Exception {
        BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
        try (Ringloop rt = start(backend, reports)) {
            IllegalStateException thrown = new IllegalStateException("nobody joins this task");
            rt.spawn(() -> {
                throw thrown;
            });
            Report r = next(reports);
            assertSame(thrown, r.failure());
            assertTrue(r.source().startsWith("task ringloop-task-"), r.source());
            assertEquals("still serving", rt.blockOn(() -> "still serving"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNotReportAJoinedFailureNorABlockOnFailureNorACancelledTask(Backend backend) throws Exception {
        BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
        try (Ringloop rt = start(backend, reports)) {
            rt.blockOn(() -> {
                // One loop: a child starts only once its parent parks, here inside join (or after taking the stage).
                JoinHandle<Object> joined = Tasks.spawn(() -> {
                    throw new IllegalStateException("joined");
                });
                assertInstanceOf(IllegalStateException.class,
                        assertThrows(ExecutionException.class, joined::join).getCause());
                JoinHandle<Object> staged = Tasks.spawn(() -> {
                    throw new IllegalStateException("staged");
                });
                CountDownLatch failed = new CountDownLatch(1);
                staged.toCompletionStage().whenComplete((v, e) -> failed.countDown());
                failed.await();
                JoinHandle<Object> early = Tasks.spawnJoined(Tasks.currentLoop(), false, () -> {
                    throw new IllegalStateException("fails before its join begins");
                });
                Tasks.spawn(() -> null).join(); // parks: the child runs and fails first
                assertTrue(early.isDone());
                assertThrows(ExecutionException.class, early::join);
                return null;
            });
            assertThrows(IllegalStateException.class, () -> rt.blockOn(() -> {
                throw new IllegalStateException("blockOn rethrows it");
            }));
            JoinHandle<Object> cancelled = rt.spawn(() -> {
                new CountDownLatch(1).await(); // until cancelled
                return null;
            });
            while (cancelled.thread() == null || cancelled.thread().getState() != Thread.State.WAITING) {
                Thread.onSpinWait(); // until it waits in await: the cancel then interrupts a started task
            }
            assertTrue(cancelled.cancel());
            while (!cancelled.isDone()) {
                Thread.onSpinWait(); // its failure was decided before isDone
            }
            IllegalStateException sentinel = new IllegalStateException("sentinel");
            rt.spawn(() -> {
                throw sentinel;
            });
            assertSame(sentinel, next(reports).failure(), "nothing but the sentinel was reported");
            assertThrows(CancellationException.class, cancelled::join);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNotReportATaskStoppedByShutdown(Backend backend) throws Exception {
        BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
        Ringloop rt = start(backend, reports);
        CountDownLatch listening = new CountDownLatch(1);
        JoinHandle<TcpStream> acceptor = rt.spawn(() -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL)) {
                listening.countDown();
                return l.accept(); // the shutdown closes the listener under it
            }
        });
        listening.await();
        rt.close(); // returns when every loop has ended: every report has been made
        assertTrue(acceptor.isDone());
        assertNull(reports.poll(), "stopped by the shutdown, not a failure");
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReportAFailedConnectionHandlerWithItsPeer(Backend backend) throws Exception {
        BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
        try (Ringloop rt = start(backend, reports)) {
            TcpServer server = rt.serve(ANY_LOCAL, s -> {
                byte[] b = new byte[1];
                s.readFully(b, 0, 1);
                if (b[0] == 1) {
                    throw new IllegalStateException("handler failed, stream still open");
                }
                if (b[0] == 2) {
                    try (TcpStream _ = s) {
                        throw new IllegalStateException("handler failed after closing its stream");
                    }
                }
                s.writeAll(b); // anything else: echo
            });
            Set<String> expected = new HashSet<>();
            for (byte kind = 1; kind <= 2; kind++) {
                try (SocketChannel c = SocketChannel.open(server.localAddress())) {
                    InetSocketAddress local = (InetSocketAddress) c.getLocalAddress();
                    c.write(ByteBuffer.wrap(new byte[] {kind}));
                    Report r = next(reports);
                    assertInstanceOf(IllegalStateException.class, r.failure());
                    expected.add("connection handler (peer 127.0.0.1:" + local.getPort() + ")");
                    assertTrue(expected.contains(r.source()), r.source() + " names the peer " + local);
                }
            }
            try (SocketChannel c = SocketChannel.open(server.localAddress())) {
                c.write(ByteBuffer.wrap(new byte[] {7}));
                ByteBuffer back = ByteBuffer.allocate(1);
                c.read(back);
                assertEquals(7, back.get(0), "the server goes on serving");
            }
            server.close();
        }
    }
}
