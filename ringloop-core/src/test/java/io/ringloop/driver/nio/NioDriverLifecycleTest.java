package io.ringloop.driver.nio;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import static io.ringloop.driver.nio.NioDriverTest.await;
import static io.ringloop.driver.nio.NioDriverTest.connect;
import static io.ringloop.driver.nio.NioDriverTest.connectPair;
import static io.ringloop.driver.nio.NioDriverTest.listen;
import static io.ringloop.driver.nio.NioDriverTest.pollUntil;
import static io.ringloop.driver.nio.NioDriverTest.text;
import static io.ringloop.driver.nio.NioDriverTest.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.nio.NioDriverTest.Pair;
import io.ringloop.driver.nio.NioDriverTest.Recorder;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cancellation, close of a handle and of the whole driver, and wake-ups, for the NIO backend. */
final class NioDriverLifecycleTest {
    private Driver driver;
    private Arena arena;

    @BeforeEach
    void open() throws IOException {
        driver = new NioDriver();
        arena = Arena.ofShared();
    }

    @AfterEach
    void close() {
        driver.close();
        arena.close();
    }

    @Test
    void shouldCancelPendingReadExactlyOnceWithoutLosingData() throws IOException {
        Pair p = connectPair(driver, listen(driver));
        MemorySegment buffer = arena.allocate(64);
        Recorder cancelled = new Recorder();
        assertEquals(Driver.PENDING, driver.read(p.server(), buffer, cancelled));
        assertTrue(cancelled.isPending());
        assertTrue(driver.cancel(cancelled));
        assertEquals(List.of(-Errno.ECANCELED), cancelled.results);
        assertFalse(cancelled.isPending());
        assertFalse(driver.cancel(cancelled), "nothing pending any more");

        writeAll(driver, p.client(), text("kept"));
        Recorder next = new Recorder();
        assertEquals(4, await(driver, next, driver.read(p.server(), buffer, next)), "the data waited in the socket");
        assertEquals("kept", text(buffer, 4));
        assertEquals(List.of(-Errno.ECANCELED), cancelled.results, "still exactly one completion");
    }

    @Test
    void shouldCancelPendingWriteAndWriteAgainLater() throws IOException {
        Pair p = connectPair(driver, listen(driver));
        MemorySegment big = arena.allocate(1 << 20);
        Recorder cancelled = new Recorder();
        long written = 0;
        int r;
        for (int i = 0; i < 64 && (r = driver.write(p.client(), big, cancelled)) != Driver.PENDING; i++) {
            assertTrue(r > 0, "write: " + r);
            written += r;
        }
        assertTrue(cancelled.isPending(), "a write waits once the buffers are full");
        assertTrue(driver.cancel(cancelled));
        assertEquals(List.of(-Errno.ECANCELED), cancelled.results);
        MemorySegment sink = arena.allocate(1 << 20);
        for (long read = 0; read < written; ) {
            int n = NioDriverTest.readOnce(driver, p.server(), sink);
            assertTrue(n > 0, "read: " + n);
            read += n;
        }
        writeAll(driver, p.client(), text("after"));
        assertEquals(5, NioDriverTest.readOnce(driver, p.server(), sink));
        assertEquals(1, cancelled.results.size());
    }

    @Test
    void shouldCancelPendingAcceptAndAcceptLater() throws IOException {
        int l = listen(driver);
        Recorder cancelled = new Recorder();
        assertEquals(Driver.PENDING, driver.accept(l, cancelled));
        assertTrue(driver.cancel(cancelled));
        assertEquals(List.of(-Errno.ECANCELED), cancelled.results);
        int c = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertTrue(connect(driver, l, c) >= 0);
        assertEquals(1, cancelled.results.size());
    }

    @Test
    void shouldCancelPendingOpsOnCloseAndIgnoreStaleEventsAfterHandleReuse() throws IOException {
        int l = listen(driver);
        Pair first = connectPair(driver, l);
        int secondClient = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        Recorder old = new Recorder();
        assertEquals(Driver.PENDING, driver.read(first.server(), arena.allocate(64), old));

        assertEquals(0, driver.close(first.server()));
        assertEquals(List.of(-Errno.ECANCELED), old.results, "close completes the pending read");
        assertEquals(-Errno.EBADF, driver.close(first.server()));
        assertEquals(-Errno.EBADF, driver.read(first.server(), arena.allocate(8), new Recorder()));

        int reused = connect(driver, l, secondClient);
        assertEquals(first.server(), reused, "the freed handle number is handed out again");
        MemorySegment buffer = arena.allocate(64);
        Recorder fresh = new Recorder();
        assertEquals(Driver.PENDING, driver.read(reused, buffer, fresh));
        // Data for the old socket arrives (the peer does not know it is closed), then for the new one.
        writeAll(driver, first.client(), text("stale"));
        writeAll(driver, secondClient, text("new"));
        assertEquals(3, await(driver, fresh, Driver.PENDING));
        assertEquals("new", text(buffer, 3));
        assertEquals(List.of(-Errno.ECANCELED), old.results, "the old op never hears of its socket again");
    }

    @Test
    void shouldIgnoreTheEventOfAHandleClosedEarlierInTheSameRound() throws IOException {
        Pair a = connectPair(driver, listen(driver));
        int other = listen(driver);
        Recorder onAccept = new Recorder();
        int[] reuse = {-1};
        // A's completion closes the other listener and reopens its number. When A is dispatched first, the
        // listener's own readiness is already in the same select batch: it must reach nobody, neither the
        // closed listener's op (completed once, -ECANCELED) nor the socket that now has the number.
        Completion onA = new Completion() {
            @Override
            public void complete(int result) {
                if (onAccept.results.isEmpty()) {
                    driver.close(other);
                    reuse[0] = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
                }
            }
        };
        assertEquals(Driver.PENDING, driver.read(a.server(), arena.allocate(16), onA));
        assertEquals(Driver.PENDING, driver.accept(other, onAccept));
        // A's data first: epoll reports in arrival order, so A is usually dispatched first.
        writeAll(driver, a.client(), text("aa"));
        int c = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        driver.connect(c, driver.localAddress(other), new Recorder());
        pollUntil(driver, () -> !onA.isPending() && !onAccept.isPending());
        assertEquals(1, onAccept.results.size(), "completed once: " + onAccept.results);
        if (onAccept.results.getFirst() == -Errno.ECANCELED) {
            assertEquals(other, reuse[0], "the closed number was reused");
            Recorder probe = new Recorder();
            assertEquals(-Errno.EINVAL, driver.accept(reuse[0], probe), "a fresh socket, not a listener");
        } else {
            assertTrue(onAccept.results.getFirst() >= 0, "accepted: " + onAccept.results);
        }
    }

    @Test
    void shouldServeCallsFromVirtualThreads() throws Exception {
        // On a loop, tasks are virtual threads: other Thread objects than the one that polls. Nothing in the
        // driver may be confined to the thread that made it.
        Pair p = connectPair(driver, listen(driver));
        MemorySegment buffer = arena.allocate(16);
        Recorder r = new Recorder();
        int[] submitted = new int[2];
        Thread.ofVirtual().start(() -> submitted[0] = driver.read(p.server(), buffer, r)).join();
        assertEquals(Driver.PENDING, submitted[0]);
        Thread.ofVirtual().start(() -> submitted[1] = driver.write(p.client(), text("vt"), new Recorder())).join();
        assertEquals(2, submitted[1]);
        assertEquals(2, await(driver, r, Driver.PENDING));
        assertEquals("vt", text(buffer, 2));
    }

    @Test
    void shouldUnblockPollForeverWhenWokenFromAnotherThread() throws InterruptedException {
        driver.wakeup();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> driver.poll(-1), "a wakeup before poll counts");
        CountDownLatch polling = new CountDownLatch(1);
        Thread waker = Thread.ofPlatform().start(() -> {
            try {
                polling.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            driver.wakeup(); // before or during the poll below: either way it must return
        });
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            polling.countDown();
            return driver.poll(-1);
        });
        waker.join();
        assertTrue(driver.wakeupCount() >= 1 && driver.wakeupCount() <= 2, "count " + driver.wakeupCount());
    }

    @Test
    void shouldCloseEveryChannelAndCompletePendingOpsOnClose() throws IOException {
        runEverything(new NioDriver()); // loads classes and JDK caches before the baseline is taken
        long baseline = openFds();
        List<Integer> results = runEverything(new NioDriver());
        assertEquals(List.of(-Errno.ECANCELED, -Errno.ECANCELED, -Errno.ECANCELED), results);
        assertEquals(baseline, openFds(), "file descriptors left behind");
    }

    /** Opens one of everything with ops pending, closes the driver, returns what the pending ops got. */
    private List<Integer> runEverything(Driver d) throws IOException {
        int l = listen(d);
        Pair p = connectPair(d, l);
        int udp = d.socket(Driver.AF_INET6, Driver.SOCK_DGRAM);
        assertEquals(0, d.bind(udp, new InetSocketAddress(NioDriverTest.LOOPBACK, 0)));
        d.socket(Driver.AF_INET, Driver.SOCK_STREAM); // never made a channel
        Recorder read = new Recorder();
        Recorder accept = new Recorder();
        Recorder receive = new Recorder();
        assertEquals(Driver.PENDING, d.read(p.server(), arena.allocate(16), read));
        assertEquals(Driver.PENDING, d.accept(l, accept));
        assertEquals(Driver.PENDING, d.receiveFrom(udp, arena.allocate(16), arena.allocate(128), receive));
        d.poll(0);
        assertEquals(5, d.openHandles());
        d.close();
        assertEquals(0, d.openHandles());
        d.close(); // idempotent
        return Stream.of(read, accept, receive).map(r -> r.results.size() == 1 ? r.results.getFirst() : 999)
                .toList();
    }

    private static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
