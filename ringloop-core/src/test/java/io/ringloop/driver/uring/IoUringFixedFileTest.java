package io.ringloop.driver.uring;

import static io.ringloop.Leaks.openFds;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.transfer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.driver.contract.DriverTestSupport;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Stream sockets registered as fixed files after a few operations (IoUringFileTable). */
class IoUringFixedFileTest {
    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
    }

    private static IoUringDriver driver(boolean multishot) throws IOException {
        IoUringDriver d = new IoUringDriver(64);
        if (!d.fixedFilesAfter(4)) {
            d.close();
            assumeTrue(false, "kernel refused a sparse fixed-file table");
        }
        d.multishotReceive(multishot);
        return d;
    }

    @ParameterizedTest(name = "multishot receive {0}")
    @ValueSource(booleans = {false, true})
    void shouldMoveDataThroughFixedFilesAndReallyCloseThem(boolean multishot) throws IOException {
        long before = openFds();
        try (IoUringDriver d = driver(multishot); Arena arena = Arena.ofConfined()) {
            Pair p = tcpPair(d);
            assertEquals(0, d.fixedFileCount(), "registered before it earned it");
            byte[] data = new byte[300_000];
            new Random(11).nextBytes(data);
            // Native sources: every write is a SEND. Reads into native memory are RECVs; with multishot receive
            // on, reads into heap memory wait on the multishot (a heap read that finds data takes it directly).
            // In chunks, so that each side starts many operations (one RECV can take a large native buffer).
            MemorySegment src = arena.allocate(data.length).copyFrom(MemorySegment.ofArray(data));
            MemorySegment in = multishot ? MemorySegment.ofArray(new byte[data.length]) : arena.allocate(data.length);
            // Many transfers: the writer registers, and a RECV reader
            transferInChunks(d, p.client(), src, p.server(), in);
            assertArrayEquals(data, in.toArray(ValueLayout.JAVA_BYTE));
            // A reader whose reads wait on its multishot starts no SQE per read: nothing to speed up, no slot.
            assertEquals(multishot ? 1 : 2, d.fixedFileCount());
            in.fill((byte) 0);
            transferInChunks(d, p.server(), src, p.client(), in); // and back, through the fixed slots
            assertArrayEquals(data, in.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(2, d.fixedFileCount(), "the other side's SENDs earned it a slot too");

            // Closing a registered socket must really close it: the peer sees the end of the stream.
            assertEquals(0, d.close(p.server()));
            assertEquals(1, d.fixedFileCount());
            Recorder r = new Recorder();
            int eof = DriverTestSupport.read(d, p.client(), MemorySegment.ofArray(new byte[8]), r);
            assertEquals(0, eof, () -> Errno.describe(eof));
        }
        assertEquals(before, openFds(), "a descriptor outlived the driver");
    }

    private static void transferInChunks(IoUringDriver d, int from, MemorySegment src, int to, MemorySegment dst) {
        long chunk = 10_000;
        for (long at = 0; at < src.byteSize(); at += chunk) {
            long n = Math.min(chunk, src.byteSize() - at);
            transfer(d, from, src.asSlice(at, n), to, dst.asSlice(at, n));
        }
    }

    /** Single-shot reads: a connection whose multishot receive is armed does not move (see detach). */
    @Test
    void shouldGiveUpTheSlotWhenAConnectionMovesToAnotherRing() throws IOException {
        try (IoUringDriver a = driver(false); IoUringDriver b = driver(false); Arena arena = Arena.ofConfined()) {
            Pair p = tcpPair(a);
            MemorySegment data = arena.allocate(20_000);
            MemorySegment sink = arena.allocate(20_000);
            // Native memory: each round trip costs each side at least one SQE (a SEND, a RECV): both earn a slot.
            for (int round = 0; round < 20 && a.fixedFileCount() < 2; round++) {
                transfer(a, p.client(), data, p.server(), sink);
                transfer(a, p.server(), data, p.client(), sink);
            }
            assertEquals(2, a.fixedFileCount());
            Object moved = a.detach(p.server());
            assertNotNull(moved);
            assertEquals(1, a.fixedFileCount());
            int fd = b.adopt(moved);
            Recorder w = new Recorder();
            assertEquals(1, DriverTestSupport.write(a, p.client(), MemorySegment.ofArray(new byte[] {42}), w));
            Recorder r = new Recorder();
            MemorySegment one = MemorySegment.ofArray(new byte[1]);
            int n = DriverTestSupport.read(b, fd, one, r);
            assertEquals(1, n, () -> Errno.describe(n));
            assertEquals(42, one.get(ValueLayout.JAVA_BYTE, 0));
            assertTrue(b.fixedFileCount() <= 1);
            assertEquals(0, b.close(fd));
        }
    }

    @Test
    void shouldGiveNoSlotToAListenerHoweverManyItAccepts() throws IOException {
        try (IoUringDriver d = driver(false)) {
            int listener = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
            assertEquals(0, d.bind(listener, DriverTestSupport.LOOPBACK));
            assertEquals(0, d.listen(listener, 16));
            for (int i = 0; i < 10; i++) { // ten accepts and ten connects: past the threshold of 4, no transfer
                int client = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
                Recorder accepted = new Recorder();
                Recorder connected = new Recorder();
                int a = d.accept(listener, accepted);
                assertEquals(Driver.PENDING, d.connect(client, d.localAddress(listener), connected));
                assertEquals(0, DriverTestSupport.await(d, connected));
                int fd = a == Driver.PENDING ? DriverTestSupport.await(d, accepted) : a;
                assertTrue(fd >= 0, () -> Errno.describe(fd));
            }
            assertEquals(0, d.fixedFileCount(), "only transfers earn a slot: accepts and connects use none");
        }
    }
}
