package io.ringloop.driver.uring;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.driver.contract.DriverTestSupport;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stream reads through one armed multishot RECV per connection (IoUringMultishotReads). */
class IoUringMultishotReadTest {
    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
    }

    private static IoUringDriver driver(int providedBuffers) throws IOException {
        IoUringDriver d = new IoUringDriver(64, true, providedBuffers, IoUringSupport.FLAG_CHOICES);
        if (!d.multishotReceive(true)) {
            d.close();
            assumeTrue(false, "no provided-buffer ring here");
        }
        return d;
    }

    /**
     * Writes {@code bytes} from {@code fd} and waits until all were sent: from native memory, so each write is
     * a SEND whose completion is reaped with the receive it causes (a heap write would go out directly).
     */
    private static void send(IoUringDriver d, int fd, byte[] bytes) {
        MemorySegment src = Arena.ofAuto().allocate(bytes.length).copyFrom(MemorySegment.ofArray(bytes));
        int done = 0;
        while (done < bytes.length) {
            Recorder w = new Recorder();
            int r = d.write(fd, src.asSlice(done), w);
            int n = r == Driver.PENDING ? await(d, w) : r;
            assertTrue(n > 0, () -> "write: " + Errno.describe(n));
            done += n;
        }
    }

    @Test
    void shouldServeManyReadsFromOneArmedReceive() throws IOException {
        try (IoUringDriver d = driver(16)) {
            Pair p = tcpPair(d);
            MemorySegment buf = MemorySegment.ofArray(new byte[64]);
            Recorder r = new Recorder();
            assertEquals(Driver.PENDING, d.read(p.server(), buf, r)); // nothing received yet: it waits, and arms
            long arms = d.multishotReads().arms();
            send(d, p.client(), new byte[] {1});
            assertEquals(1, await(d, r));
            int atOnce = 0;
            for (int i = 2; i <= 50; i++) {
                send(d, p.client(), new byte[] {(byte) i}); // its poll also reaps the receive
                int started = d.read(p.server(), buf, r);
                if (started != Driver.PENDING) {
                    atOnce++;
                }
                int n = started != Driver.PENDING ? started : await(d, r);
                assertEquals(1, n, () -> Errno.describe(n));
                assertEquals((byte) i, buf.get(ValueLayout.JAVA_BYTE, 0));
            }
            assertTrue(atOnce > 0, "no read was served from bytes already received");
            assertEquals(arms, d.multishotReads().arms(), "the multishot was armed more than once");
            assertTrue(d.multishotReads().armed(p.server()));
        }
    }

    @Test
    void shouldReturnReceivedBytesAtOnceAndSpanBuffers() throws IOException {
        try (IoUringDriver d = driver(16)) {
            Pair p = tcpPair(d);
            Recorder r = new Recorder();
            MemorySegment small = MemorySegment.ofArray(new byte[3]);
            assertEquals(Driver.PENDING, d.read(p.server(), small, r));
            byte[] data = new byte[100_000];
            new Random(7).nextBytes(data);
            send(d, p.client(), data);
            assertEquals(3, await(d, r)); // the waiting read takes what fits, the rest stays queued
            byte[] got = new byte[data.length];
            MemorySegment.copy(small, ValueLayout.JAVA_BYTE, 0, got, 0, 3);
            int have = 3;
            MemorySegment big = Arena.global().allocate(40_000);
            while (have < data.length) {
                int n = DriverTestSupport.read(d, p.server(), big, r);
                assertTrue(n > 0, () -> Errno.describe(n));
                MemorySegment.copy(big, ValueLayout.JAVA_BYTE, 0, got, have, n);
                have += n;
            }
            assertArrayEquals(data, got);
        }
    }

    @Test
    void shouldKeepDataForTheNextReadWhenAWaitingReadIsCancelled() throws IOException {
        try (IoUringDriver d = driver(16)) {
            Pair p = tcpPair(d);
            Recorder r = new Recorder();
            MemorySegment buf = MemorySegment.ofArray(new byte[16]);
            assertEquals(Driver.PENDING, d.read(p.server(), buf, r));
            d.poll(0);
            assertTrue(d.cancel(r));
            assertEquals(-Errno.ECANCELED, r.result()); // no SQE to cancel: it completes at once
            assertEquals(1, r.calls());
            send(d, p.client(), new byte[] {4, 5, 6});
            for (int i = 0; i < 3; i++) {
                d.poll(0); // the still-armed multishot receives the bytes with nobody waiting
            }
            assertEquals(3, d.read(p.server(), buf, r));
            assertEquals(6, buf.get(ValueLayout.JAVA_BYTE, 2));
            assertEquals(1, r.calls());
        }
    }

    @Test
    void shouldStopReceivingWhenTheReaderFallsBehindAndResumeWhenItReads() throws IOException {
        try (IoUringDriver d = driver(64)) {
            d.multishotReads().queueLimit(2);
            Pair p = tcpPair(d);
            Recorder r = new Recorder();
            MemorySegment buf = MemorySegment.ofArray(new byte[1]);
            assertEquals(Driver.PENDING, d.read(p.server(), buf, r));
            byte[] data = new byte[4 << 20];
            new Random(3).nextBytes(data);
            // Native, so each write is a SEND that waits for room (a heap one would go out partly at once).
            MemorySegment src = Arena.ofAuto().allocate(data.length).copyFrom(MemorySegment.ofArray(data));
            // The writer outruns the reader: the connection queues two chunks, then its multishot is cancelled
            // and the kernel's socket buffers push back on the writer.
            Recorder w = new Recorder();
            assertEquals(Driver.PENDING, d.write(p.client(), src, w));
            await(d, r);
            for (int i = 0; i < 20; i++) {
                d.poll(1_000_000);
            }
            assertFalse(d.multishotReads().armed(p.server()), "still receiving with " + "unread chunks queued");
            byte[] got = new byte[data.length];
            got[0] = buf.get(ValueLayout.JAVA_BYTE, 0);
            int have = 1;
            MemorySegment into = MemorySegment.ofArray(new byte[64 * 1024]);
            int sent = w.isPending() ? 0 : w.result();
            while (have < data.length) {
                if (!w.isPending() && sent < data.length) {
                    if (w.calls() > 0 && sent == 0) {
                        sent = w.result();
                    }
                    if (sent < data.length && w.calls() > 0) {
                        int res = d.write(p.client(), src.asSlice(sent), w);
                        if (res != Driver.PENDING) {
                            sent += res;
                        }
                    }
                }
                int callsBefore = w.calls();
                int n = DriverTestSupport.read(d, p.server(), into, r);
                if (w.calls() != callsBefore && w.calls() > 1) {
                    sent += w.result();
                }
                assertTrue(n > 0, () -> Errno.describe(n));
                MemorySegment.copy(into, ValueLayout.JAVA_BYTE, 0, got, have, n);
                have += n;
            }
            assertArrayEquals(data, got);
            assertTrue(d.multishotReads().arms() > 1, "the multishot was never re-armed");
        }
    }

    @Test
    void shouldFallBackToAReadOfItsOwnWhenTheRingRunsDry() throws IOException {
        int pairs = 8;
        try (IoUringDriver d = driver(2); Arena arena = Arena.ofConfined()) {
            Pair[] p = new Pair[pairs];
            Recorder[] reads = new Recorder[pairs];
            MemorySegment[] into = new MemorySegment[pairs];
            for (int i = 0; i < pairs; i++) {
                p[i] = tcpPair(d);
                reads[i] = new Recorder();
                into[i] = i % 2 == 0 ? MemorySegment.ofArray(new byte[32]) : arena.allocate(32);
                assertEquals(Driver.PENDING, d.read(p[i].server(), into[i], reads[i]));
            }
            d.poll(0);
            // All eight writes reach the kernel in one enter, so eight receives compete for two buffers.
            Recorder[] writes = new Recorder[pairs];
            for (int i = 0; i < pairs; i++) {
                MemorySegment msg = arena.allocate(3); // native: a SEND (a heap write would go out directly)
                msg.fill((byte) (i + 1));
                writes[i] = new Recorder();
                assertEquals(Driver.PENDING, d.write(p[i].client(), msg, writes[i]));
            }
            for (int i = 0; i < pairs; i++) {
                assertEquals(3, await(d, writes[i]));
            }
            for (int i = 0; i < pairs; i++) {
                int n = await(d, reads[i]);
                assertEquals(3, n, () -> Errno.describe(n));
                assertEquals((byte) (i + 1), into[i].get(ValueLayout.JAVA_BYTE, 2));
                assertEquals(1, reads[i].calls());
            }
            assertTrue(d.multishotFallbacks() > 0, "no read found the two buffers taken");
            for (int i = 0; i < pairs; i++) {
                send(d, p[i].client(), new byte[] {9});
                int n = DriverTestSupport.read(d, p[i].server(), into[i], reads[i]);
                assertEquals(1, n, () -> Errno.describe(n));
                assertEquals(9, into[i].get(ValueLayout.JAVA_BYTE, 0));
            }
        }
    }

    @Test
    void shouldReportEndOfStreamAfterTheQueuedBytesAndKeepReportingIt() throws IOException {
        try (IoUringDriver d = driver(16)) {
            Pair p = tcpPair(d);
            Recorder r = new Recorder();
            MemorySegment buf = MemorySegment.ofArray(new byte[2]);
            assertEquals(Driver.PENDING, d.read(p.server(), buf, r));
            send(d, p.client(), new byte[] {1, 2, 3});
            assertEquals(0, d.shutdown(p.client(), Driver.SHUT_WR));
            assertEquals(2, await(d, r));
            for (int i = 0; i < 3; i++) {
                d.poll(0);
            }
            assertEquals(1, DriverTestSupport.read(d, p.server(), buf, r));
            assertEquals(3, buf.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, DriverTestSupport.read(d, p.server(), buf, r));
            assertEquals(0, DriverTestSupport.read(d, p.server(), buf, r));
        }
    }

    @Test
    void shouldRefuseASecondReadWhileOneWaits() throws IOException {
        try (IoUringDriver d = driver(16)) {
            Pair p = tcpPair(d);
            Recorder first = new Recorder();
            assertEquals(Driver.PENDING, d.read(p.server(), MemorySegment.ofArray(new byte[4]), first));
            assertEquals(-Errno.EBUSY, d.read(p.server(), MemorySegment.ofArray(new byte[4]), new Recorder()));
            assertFalse(d.deadline(first, 1_000_000L), "a waiting read has no SQE to link a timeout to");
            assertTrue(d.cancel(first));
        }
    }

    @Test
    void shouldCancelTheWaitingReadAndReturnQueuedBuffersOnClose() throws IOException {
        try (IoUringDriver d = driver(2)) {
            d.multishotReads().queueLimit(8);
            Pair a = tcpPair(d);
            Recorder r = new Recorder();
            MemorySegment one = MemorySegment.ofArray(new byte[1]);
            assertEquals(Driver.PENDING, d.read(a.server(), one, r));
            send(d, a.client(), new byte[] {1});
            assertEquals(1, await(d, r));
            // The peer writes twice with polls between, so both chunks wait in the connection's queue.
            send(d, a.client(), new byte[] {2});
            send(d, a.client(), new byte[] {3});
            for (int i = 0; i < 3; i++) {
                d.poll(0);
            }
            assertNull(d.detach(a.server()), "a connection with unread bytes moved loops");
            assertEquals(0, d.close(a.server()));
            // Both ring buffers are back: another connection receives through them, not through a fallback.
            long fallbacks = d.multishotFallbacks();
            Pair b = tcpPair(d);
            assertEquals(Driver.PENDING, d.read(b.server(), one, r));
            send(d, b.client(), new byte[] {7});
            assertEquals(1, await(d, r));
            assertEquals(fallbacks, d.multishotFallbacks());
            Recorder waiting = new Recorder();
            assertEquals(Driver.PENDING, d.read(b.server(), one, waiting));
            assertEquals(0, d.close(b.server()));
            assertEquals(-Errno.ECANCELED, waiting.result());
            assertEquals(1, waiting.calls());
        }
    }
}
