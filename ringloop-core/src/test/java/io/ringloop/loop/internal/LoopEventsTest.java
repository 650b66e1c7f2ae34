package io.ringloop.loop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import io.ringloop.task.JoinHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * The runtime's Flight Recorder events, each triggered inside a {@link Recording} that is then dumped and parsed
 * (deterministic: an event committed before {@code stop()} is in the dump, no stream flush to wait for).
 */
class LoopEventsTest {
    private static final long SECOND_NS = 1_000_000_000L;

    @Test
    void shouldRecordTheBackendEachLoopChoseAndWhy() throws Exception {
        List<RecordedEvent> events = record("io.ringloop.BackendChosen", () -> {
            try (Loop loop = Loop.start(Backend.EPOLL, "jfr-backend")) {
                assertEquals("epoll", loop.backendName());
            }
        });
        RecordedEvent e = only(events, "jfr-backend");
        assertEquals("epoll", e.getString("backend"));
        assertEquals("requested", e.getString("reason"));
    }

    @Test
    void shouldRecordALoopStallWithTheStackThatHoldsTheLoop() throws Exception {
        List<RecordedEvent> events = record("io.ringloop.LoopStall", () -> {
            try (Loop loop = Loop.start(Backend.EPOLL, "jfr-stalled")) {
                CountDownLatch inside = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                loop.execute(() -> holdTheLoop(inside, release));
                inside.await();
                try {
                    LoopWatchdog w = new LoopWatchdog(List.of(loop), Duration.ofSeconds(1), 0, false);
                    assertEquals(1, w.sample(3 * SECOND_NS), "blocked for three times the threshold");
                } finally {
                    release.countDown();
                }
            }
        });
        RecordedEvent e = only(events, "jfr-stalled");
        assertEquals(Duration.ofSeconds(3), e.getDuration("stalledFor"));
        assertTrue(e.getString("stack").contains("holdTheLoop"), "names the code that blocks: " + e);
    }

    @Test
    void shouldRecordATaskFailureButNotACancellation() throws Exception {
        List<RecordedEvent> events = record("io.ringloop.TaskFailure", () -> {
            try (Ringloop rt = Ringloop.builder().backend(Backend.EPOLL).threads(1).name("jfr-fail").start()) {
                JoinHandle<Object> failing = rt.spawn(() -> {
                    throw new IllegalStateException("boom (expected by the test)");
                });
                assertThrows(ExecutionException.class, failing::join);
                CountDownLatch started = new CountDownLatch(1);
                JoinHandle<Object> cancelled = rt.spawn(() -> {
                    started.countDown();
                    io.ringloop.time.Time.sleep(Duration.ofHours(1));
                    return null;
                });
                started.await();
                cancelled.cancel();
                assertThrows(java.util.concurrent.CancellationException.class, cancelled::join);
            }
        });
        RecordedEvent e = only(events, "jfr-fail-0");
        assertEquals(IllegalStateException.class.getName(), e.getString("exception"));
        assertEquals("boom (expected by the test)", e.getString("message"));
        assertTrue(e.getString("source").startsWith("ringloop-task-"), e.toString());
        assertTrue(e.getString("stack").contains("LoopEventsTest"), "the failure's own stack: " + e);
    }

    @Test
    void shouldRecordASlowOperationOnlyWhenAThresholdIsSet() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        List<RecordedEvent> events = record("io.ringloop.SlowOperation", () -> {
            try (Ringloop rt = Ringloop.builder().backend(Backend.EPOLL).threads(1).name("jfr-slow").start();
                 TcpListener listener = TcpListener.builder().loop(rt.loop(0)).bind(loopback)) {
                rt.blockOn(() -> {
                    try (TcpStream a = TcpStream.connect(listener.localAddress()); TcpStream b = listener.accept()) {
                        waitForOneByte(a, b); // threshold off: not measured
                        LoopEvents.slowOperationThreshold(Duration.ofNanos(1));
                        try {
                            waitForOneByte(a, b); // any wait is over one nanosecond
                        } finally {
                            LoopEvents.slowOperationThreshold(Duration.ZERO);
                        }
                    }
                    return null;
                });
            }
        });
        RecordedEvent e = only(events, "jfr-slow-0");
        assertEquals("read", e.getString("operation"));
        assertTrue(e.getDuration("waited").toNanos() > 1, e.toString());
        assertTrue(e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
                .anyMatch(f -> f.getMethod().getName().equals("waitForOneByte")), "the waiting task's stack: " + e);
    }

    // ---- helpers ----

    /** A read on {@code a} that must wait: {@code b} writes its byte from another task after the read began. */
    private static void waitForOneByte(TcpStream a, TcpStream b) throws Exception {
        JoinHandle<Object> writer = io.ringloop.task.Tasks.spawn(() -> {
            b.writeAll(ByteBuffer.wrap(new byte[] {1}));
            return null;
        });
        assertEquals(1, a.read(ByteBuffer.allocate(1)));
        writer.join();
    }

    private static void holdTheLoop(CountDownLatch inside, CountDownLatch release) {
        inside.countDown();
        try {
            release.await(); // the loop thread stays inside this turn
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action} inside a recording with event {@code name} enabled; returns those events. */
    private static List<RecordedEvent> record(String name, Action action) throws Exception {
        Path file = Files.createTempFile("ringloop-jfr", ".jfr");
        try (Recording r = new Recording()) {
            r.enable(name);
            r.start();
            action.run();
            r.stop();
            r.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals(name)).toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The one event of loop {@code loop} (other tests' loops may run meanwhile). */
    private static RecordedEvent only(List<RecordedEvent> events, String loop) {
        List<RecordedEvent> mine = events.stream().filter(e -> loop.equals(e.getString("loop"))).toList();
        assertEquals(1, mine.size(), "events of " + loop + ": " + events);
        return mine.get(0);
    }
}
