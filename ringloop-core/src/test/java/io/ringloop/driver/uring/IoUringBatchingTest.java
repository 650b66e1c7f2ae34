package io.ringloop.driver.uring;

import io.ringloop.driver.Driver;
import static io.ringloop.driver.uring.IoUringTestSupport.POLL_NS;
import static io.ringloop.driver.uring.IoUringTestSupport.Recorder;
import static io.ringloop.driver.uring.IoUringTestSupport.await;
import static io.ringloop.driver.uring.IoUringTestSupport.openFds;
import static io.ringloop.driver.uring.IoUringTestSupport.tcpPair;
import static io.ringloop.driver.uring.IoUringTestSupport.transfer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** io_uring driver mechanics: one enter per poll, a full SQ, CQ overflow, wakeup, no leaks. */
class IoUringBatchingTest {
    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
    }

    @Test
    void shouldSubmitQueuedOpsAndWaitInOneEnter() throws IOException {
        try (IoUringDriver d = new IoUringDriver(64); Arena arena = Arena.ofConfined()) {
            int[] p = tcpPair(d);
            int n = 5;
            Recorder[] writes = new Recorder[n];
            MemorySegment data = arena.allocate(10); // native: each write is a SEND (heap ones go out directly)
            long before = d.waitCalls();
            for (int i = 0; i < n; i++) {
                writes[i] = new Recorder();
                assertEquals(Driver.PENDING, d.write(p[1], data, writes[i]));
            }
            assertEquals(before, d.waitCalls(), "queuing must not enter the kernel");
            int ran = d.poll(POLL_NS);
            assertEquals(before + 1, d.waitCalls(), "submit + wait must be one io_uring_enter");
            assertEquals(n, ran);
            for (Recorder w : writes) {
                assertEquals(1, w.calls);
                assertEquals(10, w.result);
            }
        }
    }

    @Test
    void shouldSubmitMoreOpsThanTheRingHoldsAndSurviveCqOverflow() throws IOException {
        // 8 SQEs and 16 CQEs: 100 writes fill the SQ many times, and completing at once they overflow the CQ.
        try (IoUringDriver d = new IoUringDriver(8); Arena arena = Arena.ofConfined()) {
            int[] p = tcpPair(d);
            int n = 100;
            Recorder[] writes = new Recorder[n];
            MemorySegment one = arena.allocate(1);
            for (int i = 0; i < n; i++) {
                writes[i] = new Recorder();
                assertEquals(Driver.PENDING, d.write(p[1], one, writes[i]));
            }
            int done = 0;
            for (int polls = 0; done < n; polls++) {
                assertTrue(polls < 1000, "only " + done + " of " + n + " writes completed");
                done += d.poll(POLL_NS);
            }
            assertEquals(n, done);
            for (Recorder w : writes) {
                assertEquals(1, w.calls);
                assertEquals(1, w.result);
            }
            MemorySegment sink = MemorySegment.ofArray(new byte[n]);
            Recorder r = new Recorder();
            int got = 0;
            while (got < n) {
                int res = IoUringTestSupport.read(d, p[2], sink.asSlice(got), r);
                assertTrue(res > 0);
                got += res;
            }
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldWakeBlockedPollFromAnotherThread() throws Exception {
        try (IoUringDriver d = new IoUringDriver(16)) {
            d.poll(0); // the eventfd read is armed in the kernel
            CountDownLatch polling = new CountDownLatch(1);
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    polling.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                d.wakeup();
            });
            polling.countDown();
            assertEquals(0, d.poll(-1)); // returns because of the wakeup; no completion ran
            waker.join();
            assertEquals(1, d.wakeupCount());
            // Still armed: a second wakeup ends a second wait.
            d.wakeup();
            assertEquals(0, d.poll(-1));
            assertEquals(2, d.wakeupCount());
        }
    }

    @Test
    void shouldLeaveNoDescriptorsBehindAfterClose() throws IOException {
        long before = openFds();
        IoUringDriver d = new IoUringDriver(32);
        int[] p = tcpPair(d);
        transfer(d, p[1], MemorySegment.ofArray(new byte[100_000]), p[2], MemorySegment.ofArray(new byte[100_000]));
        Recorder pendingRead = new Recorder();
        assertEquals(Driver.PENDING, d.read(p[1], MemorySegment.ofArray(new byte[8]), pendingRead));
        d.poll(0);
        assertTrue(openFds() > before);
        d.close();
        assertEquals(1, pendingRead.calls);
        assertEquals(before, openFds());
    }

    @Test
    void shouldCompletePendingOpsWhenClosedFromAnotherThread() throws Exception {
        long before = openFds();
        IoUringDriver d = new IoUringDriver(16);
        int[] p = tcpPair(d); // the test thread is now the ring's single issuer
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.read(p[2], MemorySegment.ofArray(new byte[8]), r));
        d.poll(0);
        var failure = new AtomicReference<Throwable>();
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
        assertEquals(1, r.calls);
        assertEquals(-Errno.ECANCELED, r.result);
        assertEquals(before, openFds());
    }

    /** Heap datagrams: each sendTo and receiveFrom is a SENDMSG/RECVMSG through a bounce buffer. */
    @Test
    void shouldReuseBounceBuffersInSteadyState() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32); Arena arena = Arena.ofConfined()) {
            int a = d.socket(Driver.AF_INET, Driver.SOCK_DGRAM);
            int b = d.socket(Driver.AF_INET, Driver.SOCK_DGRAM);
            assertEquals(0, d.bind(a, IoUringTestSupport.LOOPBACK));
            assertEquals(0, d.bind(b, IoUringTestSupport.LOOPBACK));
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
}
