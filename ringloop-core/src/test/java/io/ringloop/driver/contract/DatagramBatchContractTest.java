package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.LOOPBACK;
import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.DatagramBatch;
import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many datagrams per call and the truncation-aware receive on every backend: a batch receive that waits completes
 * once with what came, a cancelled one with -ECANCELED, a batch send reports how many went, the full length of a
 * truncated datagram.
 */
final class DatagramBatchContractTest {
    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();
    @AutoClose
    private final DatagramBatch in = new DatagramBatch(8, 16);
    @AutoClose
    private final DatagramBatch out = new DatagramBatch(4, 16);

    private static int bound(Driver d) {
        int h = d.socket(Driver.AF_INET, Driver.SOCK_DGRAM);
        assertTrue(h >= 0, () -> "socket: " + Errno.describe(h));
        assertEquals(0, d.bind(h, LOOPBACK));
        return h;
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCompleteAWaitingBatchReceiveOnceWithTheBatchSent(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int a = bound(d);
        int b = bound(d);
        Recorder received = new Recorder();
        assertEquals(Driver.PENDING, d.receiveBatch(b, in, 8, received));
        d.poll(0);
        assertTrue(received.isPending(), "nothing was sent yet");
        for (int i = 0; i < 3; i++) {
            out.slot(i).set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) ('a' + i));
            out.setSend(i, i + 1, d.localAddress(b));
        }
        out.encodeTargets(0, 3, SockAddr.AF_INET);
        Recorder sent = new Recorder();
        int went = await(d, sent, d.sendBatch(a, out, 0, 3, sent));
        assertEquals(3, went, "three small datagrams go in one call");
        int got = await(d, received);
        assertTrue(got >= 1 && got <= 3, "got " + got);
        int total = got;
        while (total < 3) {
            Recorder more = new Recorder();
            total += await(d, more, d.receiveBatch(b, in, 8, more));
        }
        assertEquals(1, in.length(0));
        assertEquals("a", text(in.slot(0), 1));
        assertEquals(d.localAddress(a), in.sender(0));
        assertFalse(in.truncated(0));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCancelAWaitingBatchReceive(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int b = bound(d);
        Recorder received = new Recorder();
        assertEquals(Driver.PENDING, d.receiveBatch(b, in, 8, received));
        assertTrue(d.cancel(received));
        assertEquals(-Errno.ECANCELED, await(d, received));
        assertEquals(Driver.PENDING, d.receiveBatch(b, in, 8, received), "the socket waits again");
        assertEquals(0, d.close(b));
        assertEquals(-Errno.ECANCELED, await(d, received), "closing the socket ends it");
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldReportTheFullLengthOfATruncatedDatagram(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int a = bound(d);
        int b = bound(d);
        Recorder sent = new Recorder();
        assertEquals(10, await(d, sent, d.sendTo(a, text("0123456789"), d.localAddress(b), sent)));
        assertEquals(10, await(d, sent, d.sendTo(a, text("abcdefghij"), d.localAddress(b), sent)));
        MemorySegment[] smalls = {drivers.arena().allocate(4), MemorySegment.ofArray(new byte[4])};
        for (MemorySegment small : smalls) {
            MemorySegment sender = drivers.arena().allocate(SockAddr.MAX_SIZE);
            Recorder received = new Recorder();
            assertEquals(10, await(d, received, d.receiveDatagram(b, small, sender, received)), "full length");
            assertEquals(d.localAddress(a), SockAddr.decode(sender));
        }
    }
}
