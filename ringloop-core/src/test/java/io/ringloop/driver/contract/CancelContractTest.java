package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.listen;
import static io.ringloop.driver.contract.DriverTestSupport.readExactly;
import static io.ringloop.driver.contract.DriverTestSupport.readOnce;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.text;
import static io.ringloop.driver.contract.DriverTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
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
 * {@link Driver#cancel} on every backend: the completion comes exactly once, with -ECANCELED or with the real
 * result that raced the cancel; no byte is ever lost; cancel says false when nothing is pending.
 */
final class CancelContractTest {
    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();
    /** Closed after the drivers, so no buffer goes while an operation may still use it. */
    private final Arena arena = drivers.arena();

    /** A few polls that must not call anything more. */
    private static void settle(Driver d) {
        for (int i = 0; i < 3; i++) {
            d.poll(0);
        }
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCancelAPendingReadExactlyOnceWithoutLosingData(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        MemorySegment buffer = arena.allocate(64);
        Recorder cancelled = new Recorder();
        assertEquals(Driver.PENDING, d.read(p.server(), buffer, cancelled));
        d.poll(0); // the read now waits (in the kernel, for io_uring)
        assertTrue(cancelled.isPending());
        assertTrue(d.cancel(cancelled));
        assertEquals(-Errno.ECANCELED, await(d, cancelled));
        settle(d);
        assertEquals(List.of(-Errno.ECANCELED), cancelled.results(), "exactly one completion");
        assertFalse(cancelled.isPending());
        assertFalse(d.cancel(cancelled), "nothing pending any more");

        writeAll(d, p.client(), text("kept"));
        assertEquals(4, readOnce(d, p.server(), buffer), "the data waited in the socket");
        assertEquals("kept", text(buffer, 4));
        assertEquals(1, cancelled.calls(), "still exactly one completion");
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCancelAReadSubmittedInTheSameTurn(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        for (MemorySegment buffer : new MemorySegment[] {MemorySegment.ofArray(new byte[16]), arena.allocate(16)}) {
            Recorder r = new Recorder();
            assertEquals(Driver.PENDING, d.read(p.server(), buffer, r));
            assertTrue(d.cancel(r)); // for io_uring: read and cancel reach the kernel in one io_uring_enter
            assertEquals(-Errno.ECANCELED, await(d, r));
            settle(d);
            assertEquals(1, r.calls());
        }
    }

    /** Bytes already received when the read starts: its result, or (cancelled) still there for the next read. */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldDeliverDataThatRacesTheCancel(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        for (MemorySegment buffer : new MemorySegment[] {arena.allocate(16), MemorySegment.ofArray(new byte[16])}) {
            writeAll(d, p.client(), MemorySegment.ofArray(new byte[] {1, 2, 3}));
            d.poll(0);
            Recorder r = new Recorder();
            int started = d.read(p.server(), buffer, r);
            boolean asked = started == Driver.PENDING && d.cancel(r);
            int got = await(d, r, started);
            settle(d);
            assertTrue(got == 3 || (asked && got == -Errno.ECANCELED), () -> "read: " + Errno.describe(got));
            byte[] received = got == 3 ? buffer.asSlice(0, 3).toArray(ValueLayout.JAVA_BYTE)
                    : readExactly(d, p.server(), 3);
            assertArrayEquals(new byte[] {1, 2, 3}, received);
            assertEquals(got == 3 && started != Driver.PENDING ? 0 : 1, r.calls());
        }
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCancelAPendingWriteAndLoseNothingItSent(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        assertEquals(0, d.setOption(p.client(), SocketOpt.SO_SNDBUF, 64 * 1024));
        assertEquals(0, d.setOption(p.server(), SocketOpt.SO_RCVBUF, 64 * 1024));
        MemorySegment big = arena.allocate(4 << 20); // far more than both socket buffers take
        for (long i = 0; i < big.byteSize(); i++) {
            big.set(ValueLayout.JAVA_BYTE, i, (byte) (i % 251));
        }
        Recorder w = new Recorder();
        long written = 0;
        int r = 0;
        for (int i = 0; i < 64 && (r = d.write(p.client(), big.asSlice(written), w)) != Driver.PENDING; i++) {
            assertTrue(r > 0, "write: " + Errno.describe(r));
            written += r;
        }
        assertEquals(Driver.PENDING, r, "a write waits once the buffers are full");
        d.poll(0);
        d.cancel(w); // false only when the write finished in that poll
        int result = await(d, w);
        assertTrue(result == -Errno.ECANCELED || result > 0, () -> "write: " + Errno.describe(result));
        written += Math.max(0, result); // a send that raced the cancel reports what it sent
        settle(d);
        assertEquals(1, w.calls());

        MemorySegment sink = arena.allocate(written);
        for (long read = 0; read < written; ) {
            int n = readOnce(d, p.server(), sink.asSlice(read));
            assertTrue(n > 0, () -> "read: " + Errno.describe(n));
            read += n;
        }
        assertEquals(-1, sink.mismatch(big.asSlice(0, written)), "the bytes written before the cancel, in order");
        writeAll(d, p.client(), text("after"));
        MemorySegment tail = arena.allocate(16);
        assertEquals(5, readOnce(d, p.server(), tail), "nothing of the cancelled write follows");
        assertEquals("after", text(tail, 5));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCancelAPendingAcceptAndAcceptLater(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int l = listen(d);
        Recorder cancelled = new Recorder();
        assertEquals(Driver.PENDING, d.accept(l, cancelled));
        d.poll(0);
        assertTrue(d.cancel(cancelled));
        assertEquals(-Errno.ECANCELED, await(d, cancelled));
        assertEquals(1, d.openHandles(), "the listener only");
        int c = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertTrue(DriverTestSupport.connect(d, l, c) >= 0);
        settle(d);
        assertEquals(1, cancelled.calls());
        assertEquals(3, d.openHandles());
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldSayFalseWhenNothingIsPending(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Recorder idle = new Recorder();
        assertFalse(d.cancel(idle), "never used");
        Pair p = tcpPair(d);
        Recorder w = new Recorder();
        assertEquals(3, d.write(p.client(), MemorySegment.ofArray(new byte[] {1, 2, 3}), w), "room in the socket");
        assertFalse(d.cancel(w), "its operation finished at once");
        Recorder r = new Recorder();
        assertEquals(3, await(d, r, d.read(p.server(), MemorySegment.ofArray(new byte[8]), r)));
        assertFalse(d.cancel(r), "its operation completed");
        assertEquals(Driver.PENDING, d.read(p.server(), MemorySegment.ofArray(new byte[8]), r));
        assertEquals(0, d.close(p.server()));
        assertEquals(-Errno.ECANCELED, await(d, r));
        assertFalse(d.cancel(r), "its handle closed");
        settle(d);
        assertEquals(0, idle.calls() + w.calls(), "a cancel that found nothing called nothing");
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldNeverLoseOrRepeatBytesWhenCancelRacesNativeReads(DriverKind kind) throws Exception {
        Driver d = drivers.open(kind);
        CancelRace.Outcome o = CancelRace.run(d, arena.allocate(128));
        System.out.printf("cancel race (%s, native reads): %s%n", kind, o);
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldNeverLoseOrRepeatBytesWhenCancelRacesHeapReads(DriverKind kind) throws Exception {
        Driver d = drivers.open(kind);
        CancelRace.Outcome o = CancelRace.run(d, MemorySegment.ofArray(new byte[128]));
        System.out.printf("cancel race (%s, heap reads): %s%n", kind, o);
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCancelAPendingReadvOnceAndLoseNoData(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        MemorySegment[] parts = {MemorySegment.ofArray(new byte[2]), arena.allocate(3)};
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.readv(p.server(), parts, r));
        assertTrue(d.cancel(r));
        assertEquals(-Errno.ECANCELED, await(d, r));
        settle(d);
        assertEquals(1, r.calls(), "one completion, cancelled");

        // Data that races the cancel is either the readv's result or still in the socket for the next read.
        writeAll(d, p.client(), text("hello"));
        int raced = d.readv(p.server(), parts, r);
        boolean asked = raced == Driver.PENDING && d.cancel(r);
        int got = await(d, r, raced);
        settle(d);
        assertTrue(got > 0 || (asked && got == -Errno.ECANCELED), () -> Errno.describe(got));
        byte[] concat = new byte[5];
        MemorySegment.copy(parts[0], ValueLayout.JAVA_BYTE, 0, concat, 0, 2);
        MemorySegment.copy(parts[1], ValueLayout.JAVA_BYTE, 0, concat, 2, 3);
        byte[] received = got > 0 ? Arrays.copyOf(concat, got) : new byte[0];
        byte[] after = readExactly(d, p.server(), 5 - received.length);
        assertEquals("hello", new String(received) + new String(after));
    }
}
