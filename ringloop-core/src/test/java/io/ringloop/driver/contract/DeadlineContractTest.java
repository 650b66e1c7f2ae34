package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import io.ringloop.sys.EventFd;
import io.ringloop.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Driver#deadline} on every backend: where the kernel keeps time (io_uring's LINK_TIMEOUT) an operation
 * ends with -ECANCELED when its time runs out and a faster one is left alone; elsewhere the call says false and
 * changes nothing, and the caller's own timer and {@link Driver#cancel} do the job.
 */
final class DeadlineContractTest {
    private static final long SHORT_NS = 20_000_000L;

    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();
    /** Closed after the drivers, so no buffer goes while an operation may still use it. */
    private final Arena arena = drivers.arena();

    /** Where deadlines are not kept: false, and the operation still waits, cancellable as before. */
    private static void assertRefusedAndUnchanged(Driver d, Recorder r) {
        assertFalse(d.deadline(r, SHORT_NS), "this backend keeps no deadline");
        d.poll(3 * SHORT_NS);
        assertTrue(r.isPending(), "a refused deadline changed the operation");
        assertEquals(0, r.calls());
        assertTrue(d.cancel(r));
        assertEquals(-Errno.ECANCELED, await(d, r));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldSayFalseForADeadlineOnACompletionWithNothingPending(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Recorder r = new Recorder();
        assertFalse(d.deadline(r, 1_000_000L), "never used");
        Pair p = tcpPair(d);
        assertEquals(1, d.write(p.client(), MemorySegment.ofArray(new byte[] {1}), r));
        assertFalse(d.deadline(r, 1_000_000L), "its operation finished at once");
        d.poll(0);
        assertEquals(0, r.calls());
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldEndAReadAtItsDeadlineAndLeaveAFasterOneAlone(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        Recorder r = new Recorder();
        MemorySegment heap = MemorySegment.ofArray(new byte[8]);
        assertEquals(Driver.PENDING, d.read(p.server(), heap, r));
        if (!kind.keepsDeadlines()) {
            assertRefusedAndUnchanged(d, r);
            return;
        }
        assertTrue(d.deadline(r, SHORT_NS));
        assertFalse(d.deadline(r, SHORT_NS), "it has a deadline already");
        assertEquals(-Errno.ECANCELED, await(d, r));
        assertEquals(1, r.calls());

        // A read that finds data completes with it; its deadline goes with it and never fires later. Native, so
        // that on io_uring the read is a RECV in the kernel with its timeout linked.
        MemorySegment buf = arena.allocate(8);
        writeAll(d, p.client(), MemorySegment.ofArray(new byte[] {5, 6, 7}));
        assertEquals(Driver.PENDING, d.read(p.server(), buf, r));
        assertTrue(d.deadline(r, 30_000_000L));
        assertEquals(3, await(d, r));
        assertEquals(7, buf.get(ValueLayout.JAVA_BYTE, 2));
        assertEquals(Driver.PENDING, d.read(p.server(), heap, r)); // the same completion, waiting again
        d.poll(60_000_000L); // past the earlier read's deadline: it must not touch this read
        assertTrue(r.isPending(), "a stale deadline cancelled the next read");
        assertTrue(d.cancel(r));
        assertEquals(-Errno.ECANCELED, await(d, r));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldEndAForeignFdWaitAtItsDeadline(DriverKind kind) {
        Driver d = drivers.open(kind);
        Arena own = Arena.ofConfined(); // outlives the drivers' arena, to close the eventfd after them
        MemorySegment cs = Libc.allocateCallState(own);
        int efd = EventFd.create(cs, 0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
        assertTrue(efd >= 0, () -> Errno.describe(efd));
        try {
            Recorder r = new Recorder();
            int started = d.pollReady(efd, Driver.POLLIN, r);
            if (!kind.pollsForeignFds()) {
                assertEquals(-Errno.EOPNOTSUPP, started);
                assertFalse(d.deadline(r, SHORT_NS), "nothing pending");
                return;
            }
            assertEquals(Driver.PENDING, started);
            if (!kind.keepsDeadlines()) {
                assertRefusedAndUnchanged(d, r);
                return;
            }
            assertTrue(d.deadline(r, SHORT_NS), "the POLL_ADD's SQE takes a LINK_TIMEOUT");
            assertEquals(-Errno.ECANCELED, await(d, r));
            assertEquals(Driver.PENDING, d.pollReady(efd, Driver.POLLIN, r), "the ended wait left nothing behind");
            assertTrue(d.cancel(r));
            assertEquals(-Errno.ECANCELED, await(d, r));
        } finally {
            drivers.close();
            assertEquals(0, Libc.close(cs, efd), "the driver closed an fd it does not own");
            own.close();
        }
    }
}
