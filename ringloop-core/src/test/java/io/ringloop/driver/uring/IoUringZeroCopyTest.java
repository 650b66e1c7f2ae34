package io.ringloop.driver.uring;

import static io.ringloop.Leaks.openFds;
import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.transfer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.uring.IoUring;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Zero-copy writes (SEND_ZC): one completion per write, after the kernel's notification; data intact. */
class IoUringZeroCopyTest {
    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
    }

    @Test
    void shouldMoveOneMebibyteWithZeroCopyWrites() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32); Arena arena = Arena.ofShared()) {
            assumeTrue(d.supports(IoUring.OP_SEND_ZC), "kernel lacks IORING_OP_SEND_ZC");
            assertTrue(d.zeroCopyWrites(1));
            Pair p = tcpPair(d);
            byte[] data = new byte[1 << 20];
            new Random(3).nextBytes(data);
            MemorySegment src = arena.allocate(data.length);
            MemorySegment.copy(data, 0, src, ValueLayout.JAVA_BYTE, 0, data.length);
            MemorySegment mid = arena.allocate(data.length);
            MemorySegment back = MemorySegment.ofArray(new byte[data.length]);
            transfer(d, p.client(), src, p.server(), mid);  // native: zero-copy
            transfer(d, p.server(), mid, p.client(), back); // native source again, heap sink
            assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void shouldNotWaitForNotificationWhenTheFdCloses() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32); Arena arena = Arena.ofShared()) {
            assumeTrue(d.zeroCopyWrites(1024) && d.supports(IoUring.OP_SEND_ZC), "no SEND_ZC");
            Pair p = tcpPair(d);
            // More than the peer's buffers take: part of it is sent, the pages stay referenced until it reads.
            MemorySegment big = arena.allocate(8 << 20);
            Recorder w = new Recorder();
            assertEquals(Driver.PENDING, d.write(p.client(), big, w));
            for (int i = 0; i < 5; i++) {
                d.poll(0);
            }
            long enters = d.waitCalls();
            assertEquals(0, d.close(p.client()));
            assertEquals(1, w.calls());
            assertTrue(w.result() > 0, () -> io.ringloop.sys.Errno.describe(w.result()));
            assertTrue(d.waitCalls() - enters <= 2, "close waited for the notification");
            d.poll(0);
            assertEquals(1, w.calls());
        }
    }

    @Test
    void shouldCompleteZeroCopyWriteOnceAndCloseCleanly() throws IOException {
        long before = openFds();
        try (Arena arena = Arena.ofShared()) {
            IoUringDriver d = new IoUringDriver(32);
            assumeTrue(d.supports(IoUring.OP_SEND_ZC), "kernel lacks IORING_OP_SEND_ZC");
            d.zeroCopyWrites(1024);
            Pair p = tcpPair(d);
            MemorySegment big = arena.allocate(64 * 1024);
            Recorder w = new Recorder();
            assertEquals(Driver.PENDING, d.write(p.client(), big, w));
            int n = await(d, w);
            assertTrue(n > 0, () -> io.ringloop.sys.Errno.describe(n));
            for (int i = 0; i < 3; i++) {
                d.poll(0);
            }
            assertEquals(1, w.calls());
            Recorder pending = new Recorder();
            assertEquals(Driver.PENDING, d.write(p.client(), big, pending)); // may sit unread in the peer's queue
            d.close();
            assertEquals(1, pending.calls());
        }
        assertEquals(before, openFds());
    }
}
