package io.ringloop.driver.uring;

import static io.ringloop.driver.contract.DriverTestSupport.WAIT_NS;
import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.transfer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import io.ringloop.sys.uring.IoUring;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every setup flag set the driver may fall back to behaves the same; and the support checks. */
class IoUringSetupFlagsTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void shouldEchoCancelAndBatchWithEachFlagSet(int choice) throws IOException {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
        int flags = IoUringSupport.FLAG_CHOICES[choice];
        try (IoUringDriver d = new IoUringDriver(16, choice % 2 == 0, choice < 2 ? 8 : 0, flags)) {
            assertEquals(flags & ~IoUring.SETUP_R_DISABLED, d.setupFlags() & ~IoUring.SETUP_R_DISABLED);
            Pair p = tcpPair(d);
            byte[] data = new byte[200_000];
            new Random(choice).nextBytes(data);
            MemorySegment in = MemorySegment.ofArray(new byte[data.length]);
            transfer(d, p.client(), MemorySegment.ofArray(data), p.server(), in);
            assertArrayEquals(data, in.toArray(ValueLayout.JAVA_BYTE));

            Recorder r = new Recorder();
            assertEquals(Driver.PENDING, d.read(p.server(), MemorySegment.ofArray(new byte[8]), r));
            d.poll(0);
            assertTrue(d.cancel(r));
            assertEquals(-Errno.ECANCELED, await(d, r));

            Recorder w = new Recorder();
            long before = d.waitCalls();
            // Native, so the write is a SEND (a heap one would go out at once with a direct send(2)).
            assertEquals(Driver.PENDING, d.write(p.client(), Arena.ofAuto().allocate(3), w));
            assertEquals(1, d.poll(WAIT_NS));
            assertEquals(before + 1, d.waitCalls());
            assertEquals(3, w.result());
        }
    }

    @Test
    void shouldPreferDeferTaskrunOnThisKernel() throws IOException {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
        try (IoUringDriver d = new IoUringDriver(8)) {
            // Informational: which set this kernel took.
            System.out.println("io_uring setup flags: 0x" + Integer.toHexString(d.setupFlags()));
            assertTrue((d.setupFlags() & IoUring.SETUP_CQSIZE) != 0);
        }
    }

    @Test
    void shouldReportUsableHere() throws IOException {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
        try (IoUringDriver d = new IoUringDriver(8)) {
            assertEquals("io_uring", d.name());
            assertTrue(d.supports(IoUring.OP_RECV));
        }
    }

    @Test
    void shouldJudgeKernelVersions() {
        assertNotNull(IoUringSupport.kernelTooOld("5.15.0-91-generic"));
        assertNotNull(IoUringSupport.kernelTooOld("4.19.0"));
        assertNull(IoUringSupport.kernelTooOld("5.19.0"));
        assertNull(IoUringSupport.kernelTooOld("6.18.44-fc-v669"));
        assertNull(IoUringSupport.kernelTooOld("weird"));
    }
}
