package io.ringloop.driver.uring;

import static io.ringloop.Leaks.openFds;
import static io.ringloop.driver.contract.DriverTestSupport.WAIT_NS;
import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.listen;
import static io.ringloop.driver.contract.DriverTestSupport.random;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.Iovecs;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.driver.contract.DriverTestSupport;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * io_uring driver mechanics: one enter per poll, a full SQ, CQ overflow, close off the issuer thread, staging
 * reuse. (Wakeup and leaks after close: the contract suite, {@code driver.contract}.)
 */
class IoUringBatchingTest {
    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
    }

    @Test
    void shouldSubmitQueuedOpsAndWaitInOneEnter() throws IOException {
        try (IoUringDriver d = new IoUringDriver(64); Arena arena = Arena.ofConfined()) {
            Pair p = tcpPair(d);
            int n = 5;
            Recorder[] writes = new Recorder[n];
            MemorySegment data = arena.allocate(10); // native: each write is a SEND (heap ones go out directly)
            long before = d.waitCalls();
            for (int i = 0; i < n; i++) {
                writes[i] = new Recorder();
                assertEquals(Driver.PENDING, d.write(p.client(), data, writes[i]));
            }
            assertEquals(before, d.waitCalls(), "queuing must not enter the kernel");
            int ran = d.poll(WAIT_NS);
            assertEquals(before + 1, d.waitCalls(), "submit + wait must be one io_uring_enter");
            assertEquals(n, ran);
            for (Recorder w : writes) {
                assertEquals(1, w.calls());
                assertEquals(10, w.result());
            }
        }
    }

    @Test
    void shouldSubmitMoreOpsThanTheRingHoldsAndSurviveCqOverflow() throws IOException {
        // 8 SQEs and 16 CQEs: 100 writes fill the SQ many times, and completing at once they overflow the CQ.
        try (IoUringDriver d = new IoUringDriver(8); Arena arena = Arena.ofConfined()) {
            Pair p = tcpPair(d);
            int n = 100;
            Recorder[] writes = new Recorder[n];
            MemorySegment one = arena.allocate(1);
            long enters = d.waitCalls();
            for (int i = 0; i < n; i++) {
                writes[i] = new Recorder();
                assertEquals(Driver.PENDING, d.write(p.client(), one, writes[i]));
            }
            assertTrue(d.waitCalls() - enters >= n / 8 - 1, "queuing them flushed the full SQ several times");
            int done = 0;
            for (int polls = 0; done < n; polls++) {
                assertTrue(polls < 1000, "only " + done + " of " + n + " writes completed");
                done += d.poll(WAIT_NS);
            }
            assertEquals(n, done);
            for (Recorder w : writes) {
                assertEquals(1, w.calls());
                assertEquals(1, w.result());
            }
            MemorySegment sink = MemorySegment.ofArray(new byte[n]);
            Recorder r = new Recorder();
            int got = 0;
            while (got < n) {
                int res = DriverTestSupport.read(d, p.server(), sink.asSlice(got), r);
                assertTrue(res > 0);
                got += res;
            }
        }
    }

    @Test
    void shouldCompletePendingOpsWhenClosedFromAnotherThread() throws Exception {
        long before = openFds();
        IoUringDriver d = new IoUringDriver(16);
        Pair p = tcpPair(d); // the test thread is now the ring's single issuer
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.read(p.server(), MemorySegment.ofArray(new byte[8]), r));
        d.poll(0);
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                d.close();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        closer.join();
        // A misuse, reported loudly; still every completion ran once and every descriptor is closed.
        assertTrue(failure.get() instanceof IllegalStateException, () -> String.valueOf(failure.get()));
        assertEquals(1, r.calls());
        assertEquals(-io.ringloop.sys.Errno.ECANCELED, r.result());
        assertEquals(before, openFds());
    }

    /** Heap datagrams: each sendTo and receiveFrom is a SENDMSG/RECVMSG through a bounce buffer. */
    @Test
    void shouldReuseBounceBuffersInSteadyState() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32); Arena arena = Arena.ofConfined()) {
            int a = d.socket(Driver.AF_INET, Driver.SOCK_DGRAM);
            int b = d.socket(Driver.AF_INET, Driver.SOCK_DGRAM);
            assertEquals(0, d.bind(a, DriverTestSupport.LOOPBACK));
            assertEquals(0, d.bind(b, DriverTestSupport.LOOPBACK));
            MemorySegment sender = arena.allocate(SockAddr.MAX_SIZE);
            byte[] data = new byte[4096];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) i;
            }
            MemorySegment in = MemorySegment.ofArray(new byte[data.length]);
            long warm = 0;
            for (int i = 0; i < 51; i++) {
                Recorder received = new Recorder();
                Recorder sent = new Recorder();
                assertEquals(Driver.PENDING, d.receiveFrom(b, in, sender, received));
                assertEquals(Driver.PENDING, d.sendTo(a, MemorySegment.ofArray(data), d.localAddress(b), sent));
                assertEquals(data.length, await(d, sent));
                assertEquals(data.length, await(d, received));
                if (i == 0) {
                    warm = d.bounceAllocatedBytes();
                    assertTrue(warm > 0, "no bounce buffer was used");
                }
            }
            assertEquals(warm, d.bounceAllocatedBytes());
            assertEquals(data[4095], in.get(ValueLayout.JAVA_BYTE, 4095));
        }
    }

    /** Heap readv/writev go through native staging, reused from one operation to the next. */
    @Test
    void shouldReuseVectorStagingInSteadyState() throws IOException {
        try (Arena arena = Arena.ofShared(); IoUringDriver d = new IoUringDriver(64)) {
            int listener = listen(d);
            for (int round = 0; round < 20; round++) {
                Pair p = tcpPair(d, listener);
                MemorySegment[] out = {MemorySegment.ofArray(random(3000, round)), arena.allocate(100)};
                MemorySegment[] in = {arena.allocate(100), MemorySegment.ofArray(new byte[3000])};
                Recorder w = new Recorder();
                Recorder r = new Recorder();
                int pendingRead = d.readv(p.server(), in, r);
                assertEquals(3100, await(d, w, d.writev(p.client(), out, w)));
                int n = await(d, r, pendingRead);
                assertTrue(n > 0, () -> Errno.describe(n));
                assertEquals(0, d.close(p.client()));
                assertEquals(0, d.close(p.server()));
            }
            assertTrue(d.bounceAllocatedBytes() <= 2 * Iovecs.STAGING_BYTES,
                    "staging is reused, not allocated per operation: " + d.bounceAllocatedBytes());
        }
    }
}
