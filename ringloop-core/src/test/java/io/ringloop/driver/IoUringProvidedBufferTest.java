package io.ringloop.driver;

import static io.ringloop.driver.IoUringTestSupport.Recorder;
import static io.ringloop.driver.IoUringTestSupport.await;
import static io.ringloop.driver.IoUringTestSupport.tcpPair;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Heap reads through the provided-buffer ring, and the bounce-buffer fallback when it runs dry. */
class IoUringProvidedBufferTest {
    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
    }

    @Test
    void shouldServeMoreHeapReadsThanThereAreProvidedBuffers() throws IOException {
        int pairs = 8;
        try (IoUringDriver d = IoUringTestSupport.ringOnly(new IoUringDriver(64, true, 2, IoUringSupport.FLAG_CHOICES));
             Arena arena = Arena.ofConfined()) {
            assumeTrue(d.providedFallbacks() >= 0, "kernel refused IORING_REGISTER_PBUF_RING");
            d.multishotReceive(false); // single-shot reads that pick a provided buffer (see IoUringMultishotReadTest)
            int[][] p = new int[pairs][];
            Recorder[] reads = new Recorder[pairs];
            MemorySegment[] into = new MemorySegment[pairs];
            for (int i = 0; i < pairs; i++) {
                p[i] = tcpPair(d);
                reads[i] = new Recorder();
                into[i] = MemorySegment.ofArray(new byte[32]);
                assertEquals(Driver.PENDING, d.read(p[i][2], into[i], reads[i]));
            }
            d.poll(0); // every read now waits in the kernel, holding no buffer
            Recorder[] writes = new Recorder[pairs];
            for (int i = 0; i < pairs; i++) {
                MemorySegment msg = arena.allocate(5);
                msg.fill((byte) (i + 1));
                writes[i] = new Recorder();
                assertEquals(Driver.PENDING, d.write(p[i][1], msg, writes[i]));
            }
            for (int i = 0; i < pairs; i++) {
                assertEquals(5, await(d, writes[i]));
                int n = await(d, reads[i]);
                assertEquals(5, n, () -> Errno.describe(n));
                byte[] want = {(byte) (i + 1), (byte) (i + 1), (byte) (i + 1), (byte) (i + 1), (byte) (i + 1)};
                assertArrayEquals(want, into[i].asSlice(0, 5).toArray(ValueLayout.JAVA_BYTE));
                assertEquals(1, reads[i].calls);
            }
            // All eight reads run in one batch of completion work, so six find both buffers taken.
            assertTrue(d.providedFallbacks() > 0, "the ENOBUFS fallback was not exercised");
        }
    }

    @Test
    void shouldCancelProvidedBufferReadAndKeepTheData() throws IOException {
        try (IoUringDriver d = IoUringTestSupport.ringOnly(new IoUringDriver(64))) {
            assumeTrue(d.providedFallbacks() >= 0, "kernel refused IORING_REGISTER_PBUF_RING");
            d.multishotReceive(false); // single-shot reads that pick a provided buffer (see IoUringMultishotReadTest)
            int[] p = tcpPair(d);
            Recorder r = new Recorder();
            MemorySegment buf = MemorySegment.ofArray(new byte[16]);
            assertEquals(Driver.PENDING, d.read(p[2], buf, r));
            d.poll(0);
            assertTrue(d.cancel(r));
            assertEquals(-Errno.ECANCELED, await(d, r));
            Recorder w = new Recorder();
            assertEquals(Driver.PENDING, d.write(p[1], MemorySegment.ofArray(new byte[] {42}), w));
            assertEquals(1, await(d, w));
            assertEquals(Driver.PENDING, d.read(p[2], buf, r));
            assertEquals(1, await(d, r));
            assertEquals(42, buf.get(ValueLayout.JAVA_BYTE, 0));
        }
    }
}
