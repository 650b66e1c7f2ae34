package io.ringloop.driver.uring;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Heap reads and writes on io_uring try a direct recv(2)/send(2) first, and never overtake a receive or a send
 * of the same stream that is in flight in the ring.
 */
class IoUringHeapDirectTest {
    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
    }

    @Test
    void shouldMoveHeapBytesAtOnceWhenTheSocketCanTakeOrGiveThem() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32)) {
            Pair p = tcpPair(d);
            long enters = d.waitCalls();
            assertEquals(3, d.write(p.client(), MemorySegment.ofArray(new byte[] {1, 2, 3}), new Recorder()));
            MemorySegment in = MemorySegment.ofArray(new byte[8]);
            int n = d.read(p.server(), in, new Recorder()); // loopback delivers during the send
            assertEquals(3, n, () -> Errno.describe(n));
            assertEquals(3, in.get(ValueLayout.JAVA_BYTE, 2));
            assertEquals(enters, d.waitCalls(), "a transfer that could go at once entered the kernel's ring");
            Recorder waiting = new Recorder();
            assertEquals(Driver.PENDING, d.read(p.server(), in, waiting),
                    "nothing to read: the read waits in the ring");
            assertEquals(1, d.write(p.client(), MemorySegment.ofArray(new byte[] {9}), new Recorder()));
            assertEquals(1, await(d, waiting));
            assertEquals(9, in.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void shouldCancelOrTimeOutAWaitingHeapReadAndKeepTheBytesForTheNext() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32)) {
            Pair p = tcpPair(d);
            MemorySegment in = MemorySegment.ofArray(new byte[4]);
            Recorder r = new Recorder();
            assertEquals(Driver.PENDING, d.read(p.server(), in, r)); // polls for readiness
            d.poll(0);
            assertTrue(d.cancel(r));
            assertEquals(-Errno.ECANCELED, await(d, r));
            assertEquals(Driver.PENDING, d.read(p.server(), in, r));
            assertTrue(d.deadline(r, 20_000_000L), "the poll's SQE takes a LINK_TIMEOUT");
            assertEquals(-Errno.ECANCELED, await(d, r));
            assertEquals(2, d.write(p.client(), MemorySegment.ofArray(new byte[] {5, 6}), new Recorder()));
            int n = d.read(p.server(), in, r);
            assertEquals(2, n == Driver.PENDING ? await(d, r) : n, "the bytes after two ended waits");
            assertEquals(6, in.get(ValueLayout.JAVA_BYTE, 1));
        }
    }

    @Test
    void shouldKeepAHeapReadBehindAReceiveInFlight() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32); Arena arena = Arena.ofConfined()) {
            Pair p = tcpPair(d);
            MemorySegment nativeIn = arena.allocate(2);
            Recorder first = new Recorder();
            assertEquals(Driver.PENDING, d.read(p.server(), nativeIn, first)); // a RECV SQE, not yet submitted
            assertEquals(2, d.write(p.client(), MemorySegment.ofArray(new byte[] {'A', 'B'}), new Recorder()));
            Recorder second = new Recorder();
            MemorySegment heapIn = MemorySegment.ofArray(new byte[2]);
            assertEquals(Driver.PENDING, d.read(p.server(), heapIn, second),
                    "a direct recv would take the RECV's bytes");
            assertEquals(2, await(d, first));
            assertEquals('B', nativeIn.get(ValueLayout.JAVA_BYTE, 1));
            assertEquals(2, d.write(p.client(), MemorySegment.ofArray(new byte[] {'C', 'D'}), new Recorder()));
            assertEquals(2, await(d, second));
            assertEquals('C', heapIn.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void shouldKeepAHeapWriteBehindASendInFlight() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32); Arena arena = Arena.ofConfined()) {
            Pair p = tcpPair(d);
            int big = 8 << 20; // more than the socket buffers take: the SEND stays in flight until the peer reads
            MemorySegment out = arena.allocate(big);
            Recorder bigWrite = new Recorder();
            assertEquals(Driver.PENDING, d.write(p.client(), out, bigWrite));
            Recorder tail = new Recorder();
            assertEquals(Driver.PENDING, d.write(p.client(), MemorySegment.ofArray(new byte[] {42}), tail),
                    "a direct send would overtake the SEND in flight");
            // Drain the peer: all of the big write's zeros first, then 42.
            MemorySegment in = arena.allocate(64 * 1024);
            long got = 0;
            int sent = -1;
            for (int polls = 0; got < (sent < 0 ? Long.MAX_VALUE : sent + 1); polls++) {
                assertTrue(polls < 100_000, "drain did not finish");
                Recorder r = new Recorder();
                int n = d.read(p.server(), in, r);
                n = n == Driver.PENDING ? await(d, r) : n;
                assertTrue(n > 0, Errno.describe(n));
                for (int i = 0; i < n; i++) {
                    byte b = in.get(ValueLayout.JAVA_BYTE, i);
                    boolean last = sent >= 0 && got + i == sent;
                    assertEquals(last ? 42 : 0, b, "byte " + (got + i));
                }
                got += n;
                if (sent < 0 && !bigWrite.isPending()) {
                    sent = bigWrite.result(); // the big write may have been short; 42 follows what it sent
                    assertTrue(sent > 0, Errno.describe(sent));
                }
            }
            assertEquals(1, tail.isPending() ? await(d, tail) : tail.result());
        }
    }
}
