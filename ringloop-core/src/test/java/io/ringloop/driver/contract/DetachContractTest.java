package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.readExactly;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Driver#detach}/{@link Driver#adopt} on every backend: an idle connection leaves one driver without
 * being closed and goes on working in another of the same kind, as an acceptor hands connections to loops.
 */
final class DetachContractTest {
    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldMoveAnIdleConnectionToAnotherDriver(DriverKind kind) throws IOException {
        Driver from = drivers.open(kind);
        Driver to = drivers.open(kind);
        Pair p = tcpPair(from);
        InetSocketAddress peer = from.peerAddress(p.server());
        writeAll(from, p.client(), MemorySegment.ofArray(new byte[] {1, 2, 3})); // waits in the moving socket
        int fdsBefore = Leaks.openFds();

        Object moved = from.detach(p.server());
        assertNotNull(moved, "an idle connection detaches");
        assertEquals(2, from.openHandles());
        assertEquals(-Errno.EBADF, from.close(p.server()), "the old driver forgot it");
        int h = to.adopt(moved);
        assertTrue(h >= 0, () -> "adopt: " + Errno.describe(h));
        assertEquals(1, to.openHandles());
        assertEquals(fdsBefore, Leaks.openFds(), "the socket moved, neither closed nor duplicated");
        assertEquals(peer, to.peerAddress(h));

        assertArrayEquals(new byte[] {1, 2, 3}, readExactly(to, h, 3), "bytes received before the move");
        Recorder r = new Recorder();
        MemorySegment in = MemorySegment.ofArray(new byte[4]);
        assertEquals(Driver.PENDING, to.read(h, in, r), "the new driver waits for its readiness");
        writeAll(from, p.client(), MemorySegment.ofArray(new byte[] {4}));
        for (int i = 0; i < 2000 && r.calls() == 0; i++) {
            from.poll(0);
            to.poll(DriverTestSupport.POLL_STEP_NS);
        }
        assertEquals(1, await(to, r));
        writeAll(to, h, MemorySegment.ofArray(new byte[] {5, 6}));
        assertArrayEquals(new byte[] {5, 6}, readExactly(from, p.client(), 2));
        assertEquals(0, to.close(h));
        assertEquals(0, to.openHandles());
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldNotDetachAnUnknownHandleOrOneWithAnOperationPending(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        assertNull(d.detach(12_345), "unknown handle");
        Pair p = tcpPair(d);
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.read(p.server(), MemorySegment.ofArray(new byte[4]), r));
        assertNull(d.detach(p.server()), "a read is pending");
        assertEquals(3, d.openHandles());
        assertTrue(d.cancel(r));
        assertEquals(-Errno.ECANCELED, await(d, r));
        assertEquals(List.of(-Errno.ECANCELED), r.results(), "the refused detach touched nothing");
        d.poll(0);
        Object moved = d.detach(p.client()); // never read from: idle
        assertNotNull(moved);
        Driver other = drivers.open(kind);
        int h = other.adopt(moved);
        assertTrue(h >= 0, () -> "adopt: " + Errno.describe(h));
        assertEquals(0, other.close(h));
    }
}
