package io.ringloop.driver;

import io.ringloop.driver.epoll.EpollDriver;
import io.ringloop.driver.nio.NioDriver;
import io.ringloop.driver.uring.IoUringDriver;
import static io.ringloop.driver.nio.NioDriverTest.Pair;
import static io.ringloop.driver.nio.NioDriverTest.Recorder;
import static io.ringloop.driver.nio.NioDriverTest.await;
import static io.ringloop.driver.nio.NioDriverTest.connectPair;
import static io.ringloop.driver.nio.NioDriverTest.listen;
import static io.ringloop.driver.nio.NioDriverTest.pollUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.Leaks;
import io.ringloop.sys.Errno;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Driver#readv}/{@link Driver#writev} on every backend, through the driver interface: the test thread is
 * the loop. Buffers mix heap and native memory, with empty ones among them.
 */
class VectoredIoTest {
    private Driver driver;
    private final Arena arena = Arena.ofShared();

    private Driver open(String backend) throws IOException {
        driver = switch (backend) {
            case "io_uring" -> {
                assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
                yield new IoUringDriver(64);
            }
            case "epoll" -> new EpollDriver();
            case "nio" -> new NioDriver();
            default -> throw new IllegalArgumentException(backend);
        };
        return driver;
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        arena.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private MemorySegment nativeCopy(byte[] bytes) {
        MemorySegment m = arena.allocate(Math.max(1, bytes.length)).asSlice(0, bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, m, 0, bytes.length);
        return m;
    }

    private static byte[] concat(MemorySegment... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MemorySegment p : parts) {
            out.writeBytes(p.toArray(ValueLayout.JAVA_BYTE));
        }
        return out.toByteArray();
    }

    /** Reads exactly {@code size} bytes with plain reads. */
    private static byte[] readExactly(Driver d, int handle, int size) {
        MemorySegment buf = MemorySegment.ofArray(new byte[size]);
        Recorder r = new Recorder();
        int got = 0;
        while (got < size) {
            int n = await(d, r, d.read(handle, buf.asSlice(got), r));
            assertTrue(n > 0, "read: " + Errno.describe(n));
            got += n;
        }
        return buf.toArray(ValueLayout.JAVA_BYTE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void shouldGatherHeapAndNativeSegmentsIntoOneStreamInOrder(String backend) throws IOException {
        Driver d = open(backend);
        Pair p = connectPair(d, listen(d));
        MemorySegment[] parts = {
            MemorySegment.ofArray("ab".getBytes()), arena.allocate(0), nativeCopy(random(1000, 1)),
            MemorySegment.ofArray(new byte[0]), MemorySegment.ofArray(random(5000, 2)), nativeCopy("xyz".getBytes()),
            MemorySegment.ofArray(random(3000, 3)).asSlice(100, 17), // a heap slice at an offset
        };
        byte[] expected = concat(parts);
        Recorder w = new Recorder();
        int n = await(d, w, d.writev(p.client(), parts, w));
        assertEquals(expected.length, n, "a few KiB fit a fresh socket's send buffer in one call");
        assertArrayEquals(expected, readExactly(d, p.server(), expected.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void shouldScatterIntoSegmentsInOrderWhetherWaitingOrNot(String backend) throws IOException {
        Driver d = open(backend);
        Pair p = connectPair(d, listen(d));
        byte[] data = random(22, 4);
        for (boolean dataFirst : new boolean[] {false, true}) {
            MemorySegment[] parts = {
                MemorySegment.ofArray(new byte[3]), arena.allocate(0), arena.allocate(5),
                MemorySegment.ofArray(new byte[4]), arena.allocate(10),
            };
            Recorder w = new Recorder();
            Recorder r = new Recorder();
            int immediate;
            if (dataFirst) {
                assertEquals(22, await(d, w, d.write(p.client(), MemorySegment.ofArray(data), w)));
                d.poll(0);
                immediate = d.readv(p.server(), parts, r);
            } else {
                immediate = d.readv(p.server(), parts, r);
                assertEquals(Driver.PENDING, immediate, "nothing to read yet");
                assertEquals(22, await(d, w, d.write(p.client(), MemorySegment.ofArray(data), w)));
            }
            assertEquals(22, await(d, r, immediate), "one 22-byte segment on loopback arrives whole");
            assertArrayEquals(data, concat(parts), "dataFirst=" + dataFirst);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void shouldWriteLargeVectorPartlyAndTheRestLater(String backend) throws IOException {
        Driver d = open(backend);
        Pair p = connectPair(d, listen(d));
        assertEquals(0, d.setOption(p.client(), SocketOpt.SO_SNDBUF, 64 * 1024));
        assertEquals(0, d.setOption(p.server(), SocketOpt.SO_RCVBUF, 64 * 1024));
        int part = 1 << 20;
        MemorySegment[] parts = {
            nativeCopy(random(part, 5)), MemorySegment.ofArray(random(part, 6)), arena.allocate(0),
            nativeCopy(random(part, 7)), MemorySegment.ofArray(random(part, 8)),
        };
        byte[] expected = concat(parts);
        Recorder w = new Recorder();
        int first = await(d, w, d.writev(p.client(), parts, w));
        assertTrue(first > 0 && first < expected.length, "a 4 MiB gather into a 64 KiB send buffer is partial: "
                + first);

        // The rest: a writev over what is left, kept in flight, while the server drains with plain reads.
        long written = first;
        MemorySegment dst = MemorySegment.ofArray(new byte[expected.length]);
        long read = 0;
        Recorder r = new Recorder();
        for (int rounds = 0; read < expected.length; rounds++) {
            assertTrue(rounds < 100_000, "transfer did not finish");
            if (written < expected.length && !w.isPending()) {
                int res = d.writev(p.client(), rest(parts, written), w);
                if (res != Driver.PENDING) {
                    assertTrue(res > 0, "writev: " + Errno.describe(res));
                    written += res;
                }
            }
            if (!r.isPending()) {
                int res = d.read(p.server(), dst.asSlice(read), r);
                if (res != Driver.PENDING) {
                    assertTrue(res > 0, "read: " + Errno.describe(res));
                    read += res;
                    continue;
                }
            }
            d.poll(10_000_000L);
            for (int res : List.copyOf(w.results)) {
                assertTrue(res > 0, "writev: " + Errno.describe(res));
                written += res;
            }
            w.results.clear();
            for (int res : List.copyOf(r.results)) {
                assertTrue(res > 0, "read: " + Errno.describe(res));
                read += res;
            }
            r.results.clear();
        }
        assertEquals(expected.length, written);
        assertArrayEquals(expected, dst.toArray(ValueLayout.JAVA_BYTE));
    }

    /**
     * Reads of more heap bytes than one call stages: each readv's count is a prefix of its buffers' concatenation
     * (filled in order, cut where staging ends), so concatenating those prefixes gives back the stream.
     */
    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void shouldFillBuffersInOrderWhenHeapStagingCutsTheRead(String backend) throws IOException {
        Driver d = open(backend);
        Pair p = connectPair(d, listen(d));
        byte[] data = random(400_000, 9);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        MemorySegment src = MemorySegment.ofArray(data);
        long written = 0;
        Recorder w = new Recorder();
        Recorder r = new Recorder();
        for (int rounds = 0; received.size() < data.length; rounds++) {
            assertTrue(rounds < 100_000, "transfer did not finish");
            if (written < data.length && !w.isPending()) {
                int res = d.write(p.client(), src.asSlice(written), w);
                written += res == Driver.PENDING ? 0 : res;
            }
            MemorySegment[] parts = {
                MemorySegment.ofArray(new byte[100_000]), arena.allocate(10), MemorySegment.ofArray(new byte[50_000]),
            };
            int n = d.readv(p.server(), parts, r);
            if (n == Driver.PENDING) {
                pollUntil(d, () -> !r.results.isEmpty());
                n = r.results.removeFirst();
            }
            assertTrue(n > 0, "readv: " + Errno.describe(n));
            received.write(concat(parts), 0, n);
            for (int res : List.copyOf(w.results)) {
                written += res;
            }
            w.results.clear();
        }
        assertArrayEquals(data, received.toByteArray());
    }

    /** The parts after the first {@code skip} bytes of their concatenation. */
    private static MemorySegment[] rest(MemorySegment[] parts, long skip) {
        int i = 0;
        while (skip >= parts[i].byteSize() && i < parts.length - 1) {
            skip -= parts[i].byteSize();
            i++;
        }
        MemorySegment[] out = Arrays.copyOfRange(parts, i, parts.length);
        out[0] = out[0].asSlice(skip);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void shouldReturnZeroFromReadvAtEndOfStream(String backend) throws IOException {
        Driver d = open(backend);
        Pair p = connectPair(d, listen(d));
        MemorySegment[] parts = {MemorySegment.ofArray(new byte[4]), arena.allocate(8)};
        Recorder r = new Recorder();
        int pending = d.readv(p.server(), parts, r);
        assertEquals(Driver.PENDING, pending);
        assertEquals(0, d.shutdown(p.client(), Driver.SHUT_WR));
        assertEquals(0, await(d, r, pending), "end of stream while waiting");
        assertEquals(0, await(d, r, d.readv(p.server(), parts, r)), "and again: end of stream is sticky");
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void shouldFailWritevToClosedPeerWithEpipeOrEconnreset(String backend) throws IOException {
        Driver d = open(backend);
        Pair p = connectPair(d, listen(d));
        assertEquals(0, d.close(p.server()));
        MemorySegment[] parts = {MemorySegment.ofArray(new byte[100]), arena.allocate(100)};
        Recorder w = new Recorder();
        int res = 0;
        // The first writes may be accepted before the peer's RST arrives; after it, the error. No SIGPIPE.
        for (int i = 0; i < 200 && res >= 0; i++) {
            res = await(d, w, d.writev(p.client(), parts, w));
            d.poll(1_000_000L);
        }
        int failed = res;
        assertTrue(failed == -Errno.EPIPE || failed == -Errno.ECONNRESET, () -> Errno.describe(failed));
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void shouldCheckArguments(String backend) throws IOException {
        Driver d = open(backend);
        Pair p = connectPair(d, listen(d));
        Recorder c = new Recorder();
        MemorySegment[] tooMany = new MemorySegment[Driver.MAX_IOVECS + 1];
        Arrays.fill(tooMany, MemorySegment.ofArray(new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> d.writev(p.client(), tooMany, c));
        assertThrows(IllegalArgumentException.class, () -> d.readv(p.server(), tooMany, c));
        assertThrows(NullPointerException.class, () -> d.writev(p.client(), null, c));
        assertThrows(NullPointerException.class, () -> d.readv(p.server(), new MemorySegment[] {null}, c));
        MemorySegment readOnly = MemorySegment.ofArray(new byte[4]).asReadOnly();
        assertThrows(IllegalArgumentException.class, () -> d.readv(p.server(), new MemorySegment[] {readOnly}, c));
        assertTrue(!c.isPending() && c.results.isEmpty(), "a refused call leaves the completion idle");

        assertEquals(0, d.readv(p.server(), new MemorySegment[0], c), "nothing to read into: 0 at once");
        assertEquals(0, d.writev(p.client(), new MemorySegment[] {arena.allocate(0)}, c));
        assertEquals(-Errno.EBADF, d.writev(12345, new MemorySegment[] {readOnly}, c), "read-only is fine to send");

        MemorySegment[] most = new MemorySegment[Driver.MAX_IOVECS];
        for (int i = 0; i < most.length; i++) {
            most[i] = i % 2 == 0 ? MemorySegment.ofArray(new byte[] {(byte) i}) : nativeCopy(new byte[] {(byte) i});
        }
        assertEquals(Driver.MAX_IOVECS, await(d, c, d.writev(p.client(), most, c)));
        assertArrayEquals(concat(most), readExactly(d, p.server(), Driver.MAX_IOVECS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void shouldCancelPendingReadvOnceAndLoseNoData(String backend) throws IOException {
        Driver d = open(backend);
        Pair p = connectPair(d, listen(d));
        MemorySegment[] parts = {MemorySegment.ofArray(new byte[2]), arena.allocate(3)};
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.readv(p.server(), parts, r));
        assertTrue(d.cancel(r));
        pollUntil(d, () -> !r.results.isEmpty());
        for (int i = 0; i < 5; i++) {
            d.poll(1_000_000L);
        }
        assertEquals(List.of(-Errno.ECANCELED), r.results, "one completion, cancelled");
        r.results.clear();

        // Data that races the cancel is either the readv's result or still in the socket for the next read.
        Recorder w = new Recorder();
        assertEquals(5, await(d, w, d.write(p.client(), MemorySegment.ofArray("hello".getBytes()), w)));
        int raced = d.readv(p.server(), parts, r);
        d.cancel(r);
        pollUntil(d, () -> raced != Driver.PENDING || !r.results.isEmpty());
        for (int i = 0; i < 5; i++) {
            d.poll(1_000_000L);
        }
        int got = raced != Driver.PENDING ? raced : r.results.getFirst();
        assertTrue(raced != Driver.PENDING || r.results.size() == 1, "exactly one completion: " + r.results);
        byte[] received = got > 0 ? Arrays.copyOf(concat(parts), got) : new byte[0];
        assertTrue(got > 0 || got == -Errno.ECANCELED, () -> Errno.describe(got));
        byte[] after = readExactly(d, p.server(), 5 - received.length);
        assertEquals("hello", new String(received) + new String(after));
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void shouldLeaveNoFdsOrStagingBehind(String backend) throws IOException {
        exchangeAndClose(open(backend)); // loads classes and JDK caches (NIO keeps one fd) before the baseline
        driver = null;
        int fdsBefore = Leaks.openFds();
        Driver d = open(backend);
        exchangeAndClose(d);
        if (d instanceof IoUringDriver u) {
            assertTrue(u.bounceAllocatedBytes() <= 2 * Iovecs.STAGING_BYTES,
                    "staging is reused, not allocated per operation: " + u.bounceAllocatedBytes());
        }
        d.close();
        driver = null;
        assertEquals(fdsBefore, Leaks.openFds(), "every socket, ring, epoll and selector fd is closed");
    }

    /** Twenty connections, each with a readv/writev exchange and a readv left pending at close. */
    private void exchangeAndClose(Driver d) throws IOException {
        int listener = listen(d);
        for (int round = 0; round < 20; round++) {
            Pair p = connectPair(d, listener);
            MemorySegment[] out = {MemorySegment.ofArray(random(3000, round)), nativeCopy(random(100, round))};
            MemorySegment[] in = {arena.allocate(100), MemorySegment.ofArray(new byte[3000])};
            Recorder w = new Recorder();
            Recorder r = new Recorder();
            int pendingRead = d.readv(p.server(), in, r);
            assertEquals(3100, await(d, w, d.writev(p.client(), out, w)));
            int n = await(d, r, pendingRead);
            assertTrue(n > 0, Errno.describe(n));
            Recorder idle = new Recorder();
            assertEquals(Driver.PENDING, d.readv(p.client(), in, idle));
            assertEquals(0, d.close(p.client()));
            assertEquals(0, d.close(p.server()));
            assertEquals(List.of(-Errno.ECANCELED), idle.results, "close completes a pending readv once");
        }
        d.close();
    }
}
