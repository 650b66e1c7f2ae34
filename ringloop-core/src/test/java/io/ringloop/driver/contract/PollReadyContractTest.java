package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Driver#pollReady} on an eventfd the driver does not own: io_uring (IORING_OP_POLL_ADD) and epoll
 * (one-shot in its set) wait for it; NIO says -EOPNOTSUPP at once, a clear answer that never reaches the
 * completion.
 */
final class PollReadyContractTest {
    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();
    private Arena arena;
    private MemorySegment cs;
    private MemorySegment scratch;
    private int efd;

    @BeforeEach
    void open() {
        arena = Arena.ofShared();
        cs = Libc.allocateCallState(arena);
        scratch = arena.allocate(8);
        efd = EventFd.create(cs, 0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
        assertTrue(efd >= 0, () -> Errno.describe(efd));
    }

    @AfterEach
    void close() {
        drivers.close(); // before the eventfd: a driver must not have closed it
        assertEquals(0, Libc.close(cs, efd), "the driver closed an fd it does not own");
        arena.close();
    }

    /** True when {@code kind} waits for foreign fds; else checks its -EOPNOTSUPP, which calls nothing. */
    private boolean waitsOrSaysNo(DriverKind kind, Driver d) {
        if (kind.pollsForeignFds()) {
            return true;
        }
        Recorder r = new Recorder();
        assertEquals(-Errno.EOPNOTSUPP, d.pollReady(efd, Driver.POLLIN, r));
        d.poll(0);
        assertEquals(0, r.calls());
        return false;
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldWaitForAForeignFdAndSeeItReady(DriverKind kind) {
        Driver d = drivers.open(kind);
        if (!waitsOrSaysNo(kind, d)) {
            return;
        }
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.pollReady(efd, Driver.POLLIN, r));
        assertEquals(-Errno.EBUSY, d.pollReady(efd, Driver.POLLIN, new Recorder()), "one wait per fd");
        d.poll(0);
        assertTrue(r.isPending(), "an empty eventfd is not readable");
        assertEquals(8, EventFd.write(cs, efd, 1, scratch));
        int ready = await(d, r);
        assertEquals(Driver.POLLIN, ready & Driver.POLLIN, () -> Errno.describe(ready));
        // Still readable (nobody read it): a second wait ends at once, or in the next poll.
        Recorder again = new Recorder();
        int both = await(d, again, d.pollReady(efd, Driver.POLLIN | Driver.POLLOUT, again));
        assertEquals(Driver.POLLIN | Driver.POLLOUT, both & (Driver.POLLIN | Driver.POLLOUT));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCancelAWaitAndWaitAgainAndEndItOnClose(DriverKind kind) {
        Driver d = drivers.open(kind);
        if (!waitsOrSaysNo(kind, d)) {
            return;
        }
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.pollReady(efd, Driver.POLLIN, r));
        d.poll(0);
        assertTrue(d.cancel(r));
        assertEquals(-Errno.ECANCELED, await(d, r));
        assertEquals(Driver.PENDING, d.pollReady(efd, Driver.POLLIN, r), "the first one left nothing behind");
        assertEquals(8, EventFd.write(cs, efd, 1, scratch));
        assertEquals(Driver.POLLIN, await(d, r) & Driver.POLLIN);
        Recorder onClose = new Recorder();
        assertEquals(8, EventFd.read(cs, efd, scratch)); // empty again
        assertEquals(Driver.PENDING, d.pollReady(efd, Driver.POLLIN, onClose));
        d.close();
        assertEquals(-Errno.ECANCELED, onClose.result(), "closing the driver ends the wait");
        assertEquals(1, onClose.calls());
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldRefuseItsOwnHandlesAndBadFds(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        if (!waitsOrSaysNo(kind, d)) {
            return;
        }
        Pair p = tcpPair(d);
        assertEquals(-Errno.EINVAL, d.pollReady(p.client(), Driver.POLLIN, new Recorder()));
        Recorder bad = new Recorder();
        int result = await(d, bad, d.pollReady(1_000_000, Driver.POLLIN, bad));
        assertEquals(-Errno.EBADF, result, () -> Errno.describe(result));
    }
}
