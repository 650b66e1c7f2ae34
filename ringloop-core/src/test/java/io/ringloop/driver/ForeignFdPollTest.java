package io.ringloop.driver;

import io.ringloop.driver.epoll.EpollDriver;
import io.ringloop.driver.nio.NioDriver;
import io.ringloop.driver.uring.IoUringDriver;
import static io.ringloop.driver.uring.IoUringTestSupport.Recorder;
import static io.ringloop.driver.uring.IoUringTestSupport.await;
import static io.ringloop.driver.uring.IoUringTestSupport.tcpPair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.sys.Errno;
import io.ringloop.sys.EventFd;
import io.ringloop.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Driver.pollReady on an eventfd the driver does not own: IORING_OP_POLL_ADD, and epoll one-shot. */
class ForeignFdPollTest {
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
        assertEquals(0, Libc.close(cs, efd), "the driver closed an fd it does not own");
        arena.close();
    }

    private static Driver driver(String backend) throws IOException {
        if (backend.equals("io_uring")) {
            assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
            return new IoUringDriver(32);
        }
        return new EpollDriver();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll"})
    void shouldWaitForAForeignFdAndSeeItReady(String backend) throws IOException {
        try (Driver d = driver(backend)) {
            Recorder r = new Recorder();
            assertEquals(Driver.PENDING, d.pollReady(efd, Driver.POLLIN, r));
            assertEquals(-Errno.EBUSY, d.pollReady(efd, Driver.POLLIN, new Recorder()), "one wait per fd");
            d.poll(0);
            assertTrue(r.isPending(), "an empty eventfd is not readable");
            assertEquals(8, EventFd.write(cs, efd, 1, scratch));
            int ready = await(d, r);
            assertEquals(Driver.POLLIN, ready & Driver.POLLIN, () -> Errno.describe(ready));
            assertEquals(1, r.calls);
            // Still readable (nobody read it): a second wait ends at once, in the next poll.
            Recorder again = new Recorder();
            int r2 = d.pollReady(efd, Driver.POLLIN | Driver.POLLOUT, again);
            int both = r2 == Driver.PENDING ? await(d, again) : r2;
            assertEquals(Driver.POLLIN | Driver.POLLOUT, both & (Driver.POLLIN | Driver.POLLOUT));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll"})
    void shouldCancelAWaitAndWaitAgain(String backend) throws IOException {
        try (Driver d = driver(backend)) {
            Recorder r = new Recorder();
            assertEquals(Driver.PENDING, d.pollReady(efd, Driver.POLLIN, r));
            d.poll(0);
            assertTrue(d.cancel(r));
            assertEquals(-Errno.ECANCELED, await(d, r));
            assertEquals(Driver.PENDING, d.pollReady(efd, Driver.POLLIN, r)); // the first one left nothing behind
            assertEquals(8, EventFd.write(cs, efd, 1, scratch));
            assertEquals(Driver.POLLIN, await(d, r) & Driver.POLLIN);
            Recorder onClose = new Recorder();
            assertEquals(8, EventFd.read(cs, efd, scratch)); // empty again
            assertEquals(Driver.PENDING, d.pollReady(efd, Driver.POLLIN, onClose));
            d.close();
            assertEquals(-Errno.ECANCELED, onClose.result, "closing the driver ends the wait");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll"})
    void shouldRefuseItsOwnHandlesAndBadFds(String backend) throws IOException {
        try (Driver d = driver(backend)) {
            int[] p = tcpPair(d);
            assertEquals(-Errno.EINVAL, d.pollReady(p[1], Driver.POLLIN, new Recorder()));
            Recorder bad = new Recorder();
            int r = d.pollReady(1_000_000, Driver.POLLIN, bad);
            int result = r == Driver.PENDING ? await(d, bad) : r;
            assertEquals(-Errno.EBADF, result, () -> Errno.describe(result));
        }
    }

    @org.junit.jupiter.api.Test
    void shouldEndAWaitWhenItsLinkedTimeoutExpiresOnIoUring() throws IOException {
        try (Driver d = driver("io_uring")) {
            Recorder r = new Recorder();
            assertEquals(Driver.PENDING, d.pollReady(efd, Driver.POLLIN, r));
            assertTrue(d.deadline(r, 20_000_000L), "the POLL_ADD's SQE takes a LINK_TIMEOUT");
            assertEquals(-Errno.ECANCELED, await(d, r));
            assertEquals(Driver.PENDING, d.pollReady(efd, Driver.POLLIN, r), "the ended wait left nothing behind");
            assertTrue(d.cancel(r));
            assertEquals(-Errno.ECANCELED, await(d, r));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio"})
    void shouldSayNoOnNio(String backend) throws IOException {
        try (Driver d = new NioDriver()) {
            assertEquals(-Errno.EOPNOTSUPP, d.pollReady(efd, Driver.POLLIN, new Recorder()));
        }
    }
}
