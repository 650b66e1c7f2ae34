package io.ringloop.driver.uring;

import io.ringloop.driver.Driver;
import static io.ringloop.driver.uring.IoUringTestSupport.LOOPBACK;
import static io.ringloop.driver.uring.IoUringTestSupport.Recorder;
import static io.ringloop.driver.uring.IoUringTestSupport.await;
import static io.ringloop.driver.uring.IoUringTestSupport.tcpPair;
import static io.ringloop.driver.uring.IoUringTestSupport.transfer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.uring.IoUring;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The io_uring driver through the {@link Driver} interface: sockets, data, errors. */
class IoUringDriverTest {
    private IoUringDriver driver;

    @BeforeEach
    void open() throws IOException {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
        driver = new IoUringDriver(64);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldReportUsableHere() {
        assertNull(IoUringDriver.unusableReason());
        assertEquals("io_uring", driver.name());
        assertTrue(driver.supports(IoUring.OP_RECV));
    }

    @Test
    void shouldEchoSmallMessage() throws IOException {
        int[] p = tcpPair(driver);
        byte[] hello = "hello, ring".getBytes(StandardCharsets.US_ASCII);
        MemorySegment out = MemorySegment.ofArray(hello.clone());
        MemorySegment mid = MemorySegment.ofArray(new byte[hello.length]);
        MemorySegment back = MemorySegment.ofArray(new byte[hello.length]);
        transfer(driver, p[1], out, p[2], mid);
        transfer(driver, p[2], mid, p[1], back);
        assertArrayEquals(hello, back.toArray(ValueLayout.JAVA_BYTE));
        assertEquals(3, driver.openHandles());
    }

    @Test
    void shouldEchoOneMebibyteThroughHeapBuffers() throws IOException {
        int[] p = tcpPair(driver);
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);
        MemorySegment mid = MemorySegment.ofArray(new byte[data.length]);
        MemorySegment back = MemorySegment.ofArray(new byte[data.length]);
        transfer(driver, p[1], MemorySegment.ofArray(data), p[2], mid);
        transfer(driver, p[2], mid, p[1], back);
        assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void shouldEchoOneMebibyteThroughNativeBuffers() throws IOException {
        int[] p = tcpPair(driver);
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocate(data.length);
            MemorySegment.copy(data, 0, src, ValueLayout.JAVA_BYTE, 0, data.length);
            MemorySegment mid = arena.allocate(data.length);
            MemorySegment back = arena.allocate(data.length);
            transfer(driver, p[1], src, p[2], mid);
            transfer(driver, p[2], mid, p[1], back);
            assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void shouldCompleteAcceptThatWasPendingBeforeConnect() throws IOException {
        int listener = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertEquals(0, driver.bind(listener, LOOPBACK));
        assertEquals(0, driver.listen(listener, 4));
        Recorder accepted = new Recorder();
        assertEquals(Driver.PENDING, driver.accept(listener, accepted));
        assertEquals(0, driver.poll(0));
        assertTrue(accepted.isPending());
        assertEquals(0, accepted.calls);

        int client = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        Recorder connected = new Recorder();
        assertEquals(Driver.PENDING, driver.connect(client, driver.localAddress(listener), connected));
        int server = await(driver, accepted);
        assertEquals(0, await(driver, connected));
        assertTrue(server >= 0, () -> Errno.describe(server));
        assertEquals(1, accepted.calls);
        assertEquals(driver.localAddress(client), driver.peerAddress(server));
        assertEquals(3, driver.openHandles());
    }

    @Test
    void shouldReportConnectionRefused() throws IOException {
        // A bound socket that does not listen: connecting to its port is refused at once on loopback.
        int bound = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertEquals(0, driver.bind(bound, LOOPBACK));
        InetSocketAddress target = driver.localAddress(bound);
        int client = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        Recorder connected = new Recorder();
        assertEquals(Driver.PENDING, driver.connect(client, target, connected));
        assertEquals(-Errno.ECONNREFUSED, await(driver, connected));
        assertEquals(1, connected.calls);
    }

    @Test
    void shouldReadZeroAtEndOfStream() throws IOException {
        int[] p = tcpPair(driver);
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, driver.read(p[2], MemorySegment.ofArray(new byte[16]), r));
        assertEquals(0, driver.shutdown(p[1], Driver.SHUT_WR));
        assertEquals(0, await(driver, r));
    }

    @Test
    void shouldRefuseOperationsOnUnknownHandle() {
        Recorder r = new Recorder();
        assertEquals(-Errno.EBADF, driver.read(12345, MemorySegment.ofArray(new byte[1]), r));
        assertEquals(-Errno.EBADF, driver.close(12345));
        assertEquals(0, r.calls);
    }

    @Test
    void shouldNotRaiseSigpipeWhenPeerHasClosed() throws IOException {
        int[] p = tcpPair(driver);
        assertEquals(0, driver.close(p[2]));
        MemorySegment data = MemorySegment.ofArray(new byte[64 * 1024]);
        int last = 0;
        for (int i = 0; i < 100 && last >= 0; i++) {
            Recorder w = new Recorder();
            last = IoUringTestSupport.write(driver, p[1], data, w); // a direct send(2) too must not raise it
        }
        int result = last;
        assertTrue(result == -Errno.EPIPE || result == -Errno.ECONNRESET, () -> "write: " + Errno.describe(result));
    }

    @Test
    void shouldSendAndReceiveDatagrams() throws IOException {
        int a = driver.socket(Driver.AF_INET, Driver.SOCK_DGRAM);
        int b = driver.socket(Driver.AF_INET, Driver.SOCK_DGRAM);
        assertEquals(0, driver.bind(a, LOOPBACK));
        assertEquals(0, driver.bind(b, LOOPBACK));
        byte[] payload = "datagram".getBytes(StandardCharsets.US_ASCII);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sender = arena.allocate(SockAddr.MAX_SIZE);
            MemorySegment in = MemorySegment.ofArray(new byte[64]);
            Recorder received = new Recorder();
            Recorder sent = new Recorder();
            assertEquals(Driver.PENDING, driver.receiveFrom(b, in, sender, received));
            assertEquals(Driver.PENDING, driver.sendTo(a, MemorySegment.ofArray(payload), driver.localAddress(b),
                    sent));
            assertEquals(payload.length, await(driver, sent));
            assertEquals(payload.length, await(driver, received));
            assertArrayEquals(payload, in.asSlice(0, payload.length).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(driver.localAddress(a), SockAddr.decode(sender));
        }
    }

    @Test
    void shouldCloseHandleAndForgetIt() throws IOException {
        int[] p = tcpPair(driver);
        assertEquals(3, driver.openHandles());
        assertEquals(0, driver.close(p[1]));
        assertEquals(2, driver.openHandles());
        assertEquals(-Errno.EBADF, driver.close(p[1]));
    }
}
