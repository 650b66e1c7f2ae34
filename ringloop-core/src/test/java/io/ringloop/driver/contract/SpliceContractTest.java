package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.pollUntil;
import static io.ringloop.driver.contract.DriverTestSupport.random;
import static io.ringloop.driver.contract.DriverTestSupport.readExactly;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Driver#pipe} and {@link Driver#splice}: bytes from one socket through a pipe to another, in order and
 * whole; a splice that waits for its socket, is cancelled or meets the end of input; pipe ends as handles that
 * close and give their fds back. NIO has no file descriptors: both calls throw UnsupportedOperationException
 * naming it.
 */
final class SpliceContractTest {
    private static final int PIPE_BYTES = 64 * 1024;

    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();

    /** A driver that splices, or null after checking that {@code kind} says no clearly. */
    private Driver splicing(DriverKind kind) {
        Driver d = drivers.open(kind);
        boolean expected = kind != DriverKind.NIO;
        assertEquals(expected, d.supportsSplice(), kind + ": supportsSplice");
        if (!expected) {
            UnsupportedOperationException p = assertThrows(UnsupportedOperationException.class,
                    () -> d.pipe(new int[2], PIPE_BYTES));
            assertTrue(p.getMessage().startsWith(d.name() + ": pipe"), p::getMessage);
            UnsupportedOperationException s = assertThrows(UnsupportedOperationException.class,
                    () -> d.splice(0, 1, 1, new Recorder()));
            assertTrue(s.getMessage().startsWith(d.name() + ": splice"), s::getMessage);
            return null;
        }
        return d;
    }

    private static int[] pipe(Driver d) {
        int[] ends = new int[2];
        int r = d.pipe(ends, PIPE_BYTES);
        assertTrue(r >= 4096, () -> "pipe: " + Errno.describe(r));
        return ends;
    }

    private static int splice(Driver d, int from, int to, int length) {
        Recorder r = new Recorder();
        return await(d, r, d.splice(from, to, length, r));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldMoveBytesFromSocketThroughPipeToSocketInOrder(DriverKind kind) throws IOException {
        Driver d = splicing(kind);
        if (d == null) {
            return;
        }
        Pair in = tcpPair(d);
        Pair out = tcpPair(d);
        int[] pipe = pipe(d);
        byte[] data = random(300_000, 7);
        writeAll(d, in.client(), MemorySegment.ofArray(data));
        assertEquals(0, d.shutdown(in.client(), Driver.SHUT_WR));
        byte[] got = new byte[data.length];
        int total = 0;
        while (true) {
            int n = splice(d, in.server(), pipe[1], PIPE_BYTES);
            assertTrue(n >= 0, () -> "splice in: " + Errno.describe(n));
            if (n == 0) {
                break; // the end of the socket's input
            }
            for (int left = n; left > 0; ) {
                int m = splice(d, pipe[0], out.client(), left);
                assertTrue(m > 0, () -> "splice out: " + Errno.describe(m));
                left -= m;
            }
            byte[] chunk = readExactly(d, out.server(), n);
            System.arraycopy(chunk, 0, got, total, n);
            total += n;
        }
        assertEquals(data.length, total);
        assertArrayEquals(data, got);
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldWaitForTheSocketThenSplice(DriverKind kind) throws IOException {
        Driver d = splicing(kind);
        if (d == null) {
            return;
        }
        Pair p = tcpPair(d);
        int[] pipe = pipe(d);
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.splice(p.server(), pipe[1], PIPE_BYTES, r), "nothing to read yet");
        d.poll(0);
        assertTrue(r.isPending());
        writeAll(d, p.client(), MemorySegment.ofArray(new byte[] {1, 2, 3}));
        assertEquals(3, await(d, r));
        assertEquals(3, splice(d, pipe[0], p.client(), 3), "back to the client: a write of the socket");
        assertArrayEquals(new byte[] {1, 2, 3}, readExactly(d, p.server(), 3));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCancelAWaitingSpliceWithoutLosingBytes(DriverKind kind) throws IOException {
        Driver d = splicing(kind);
        if (d == null) {
            return;
        }
        Pair p = tcpPair(d);
        int[] pipe = pipe(d);
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.splice(p.server(), pipe[1], PIPE_BYTES, r));
        assertTrue(d.cancel(r));
        assertEquals(-Errno.ECANCELED, await(d, r));
        assertFalse(d.cancel(r), "nothing pending any more");
        writeAll(d, p.client(), MemorySegment.ofArray(new byte[] {9}));
        assertEquals(1, splice(d, p.server(), pipe[1], PIPE_BYTES), "the next splice gets the byte");
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldEndAWaitingSpliceWhenItsSocketCloses(DriverKind kind) throws IOException {
        Driver d = splicing(kind);
        if (d == null) {
            return;
        }
        Pair p = tcpPair(d);
        int[] pipe = pipe(d);
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.splice(p.server(), pipe[1], PIPE_BYTES, r));
        assertEquals(0, d.close(p.server()));
        pollUntil(d, () -> r.calls() > 0);
        assertEquals(-Errno.ECANCELED, r.result());
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldRefuseTwoSocketsTwoPipesAndClosedHandles(DriverKind kind) throws IOException {
        Driver d = splicing(kind);
        if (d == null) {
            return;
        }
        Pair p = tcpPair(d);
        int[] pipe = pipe(d);
        assertEquals(-Errno.EINVAL, d.splice(p.server(), p.client(), 10, new Recorder()));
        assertEquals(-Errno.EINVAL, d.splice(pipe[0], pipe[1], 10, new Recorder()));
        assertThrows(IllegalArgumentException.class, () -> d.splice(p.server(), pipe[1], 0, new Recorder()));
        assertEquals(0, d.close(pipe[1]));
        assertEquals(-Errno.EBADF, d.splice(p.server(), pipe[1], 10, new Recorder()));
        assertEquals(-Errno.EBADF, d.close(pipe[1]), "closed once");
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldGiveBackEveryPipeFdOnCloseOfHandleOrDriver(DriverKind kind) {
        int beforeDriver = Leaks.openFds();
        Driver d = splicing(kind);
        if (d == null) {
            return;
        }
        int fds = Leaks.openFds();
        int handles = d.openHandles();
        int[] first = pipe(d);
        pipe(d); // left for the driver's close
        assertEquals(handles + 4, d.openHandles());
        assertEquals(fds + 4, Leaks.openFds());
        assertEquals(0, d.close(first[0]));
        assertEquals(0, d.close(first[1]));
        assertEquals(handles + 2, d.openHandles());
        assertEquals(fds + 2, Leaks.openFds());
        d.close();
        assertEquals(beforeDriver, Leaks.openFds(), "the driver's close closed its pipe and its own fds");
    }
}
