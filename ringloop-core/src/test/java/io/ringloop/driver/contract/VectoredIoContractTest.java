package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.listen;
import static io.ringloop.driver.contract.DriverTestSupport.random;
import static io.ringloop.driver.contract.DriverTestSupport.readExactly;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Driver#readv}/{@link Driver#writev} on every backend, through the driver interface: the test thread is
 * the loop. Buffers mix heap and native memory, with empty ones among them. (Cancelling a readv: see
 * {@link CancelContractTest}.)
 */
final class VectoredIoContractTest {
    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();
    /** Closed after the drivers, so no buffer goes while an operation may still use it. */
    private final Arena arena = drivers.arena();

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

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldGatherHeapAndNativeSegmentsIntoOneStreamInOrder(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
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
    @EnumSource(DriverKind.class)
    void shouldScatterIntoSegmentsInOrderWhetherWaitingOrNot(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
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
    @EnumSource(DriverKind.class)
    void shouldWriteLargeVectorPartlyAndTheRestLater(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
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
            for (int res : w.takeAll()) {
                assertTrue(res > 0, "writev: " + Errno.describe(res));
                written += res;
            }
            for (int res : r.takeAll()) {
                assertTrue(res > 0, "read: " + Errno.describe(res));
                read += res;
            }
        }
        assertEquals(expected.length, written);
        assertArrayEquals(expected, dst.toArray(ValueLayout.JAVA_BYTE));
    }

    /**
     * Reads of more heap bytes than one call stages: each readv's count is a prefix of its buffers' concatenation
     * (filled in order, cut where staging ends), so concatenating those prefixes gives back the stream.
     */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldFillBuffersInOrderWhenHeapStagingCutsTheRead(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
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
            int n = await(d, r, d.readv(p.server(), parts, r));
            assertTrue(n > 0, "readv: " + Errno.describe(n));
            received.write(concat(parts), 0, n);
            for (int res : w.takeAll()) {
                written += res;
            }
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
    @EnumSource(DriverKind.class)
    void shouldReturnZeroFromReadvAtEndOfStream(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        MemorySegment[] parts = {MemorySegment.ofArray(new byte[4]), arena.allocate(8)};
        Recorder r = new Recorder();
        int pending = d.readv(p.server(), parts, r);
        assertEquals(Driver.PENDING, pending);
        assertEquals(0, d.shutdown(p.client(), Driver.SHUT_WR));
        assertEquals(0, await(d, r, pending), "end of stream while waiting");
        assertEquals(0, await(d, r, d.readv(p.server(), parts, r)), "and again: end of stream is sticky");
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldFailWritevToClosedPeerWithEpipeOrEconnreset(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
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
    @EnumSource(DriverKind.class)
    void shouldCheckArguments(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        Recorder c = new Recorder();
        MemorySegment[] tooMany = new MemorySegment[Driver.MAX_IOVECS + 1];
        Arrays.fill(tooMany, MemorySegment.ofArray(new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> d.writev(p.client(), tooMany, c));
        assertThrows(IllegalArgumentException.class, () -> d.readv(p.server(), tooMany, c));
        assertThrows(NullPointerException.class, () -> d.writev(p.client(), null, c));
        assertThrows(NullPointerException.class, () -> d.readv(p.server(), new MemorySegment[] {null}, c));
        MemorySegment readOnly = MemorySegment.ofArray(new byte[4]).asReadOnly();
        assertThrows(IllegalArgumentException.class, () -> d.readv(p.server(), new MemorySegment[] {readOnly}, c));
        assertTrue(!c.isPending() && c.calls() == 0, "a refused call leaves the completion idle");

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
    @EnumSource(DriverKind.class)
    void shouldLeaveNoFdsBehind(DriverKind kind) throws IOException {
        exchangeAndClose(drivers.open(kind)); // loads classes and JDK caches (NIO keeps one fd) before the baseline
        int fdsBefore = Leaks.openFds();
        exchangeAndClose(drivers.open(kind));
        assertEquals(fdsBefore, Leaks.openFds(), "every socket, ring, epoll and selector fd is closed");
    }

    /** Twenty connections, each with a readv/writev exchange and a readv left pending at close. */
    private void exchangeAndClose(Driver d) throws IOException {
        int listener = listen(d);
        for (int round = 0; round < 20; round++) {
            Pair p = tcpPair(d, listener);
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
            assertEquals(List.of(-Errno.ECANCELED), idle.results(), "close completes a pending readv once");
        }
        d.close();
    }
}
