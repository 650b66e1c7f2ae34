package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.LOOPBACK;
import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Datagrams on every backend: sendTo, receiveFrom with the sender's address, truncation, a connected peer. */
final class DatagramContractTest {
    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();
    /** Closed after the drivers, so no buffer goes while an operation may still use it. */
    private final Arena arena = drivers.arena();

    private static int bound(Driver d, int family) {
        int h = d.socket(family, Driver.SOCK_DGRAM);
        assertTrue(h >= 0, () -> "socket: " + Errno.describe(h));
        assertEquals(0, d.bind(h, LOOPBACK));
        return h;
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldReceiveAPendingDatagramWithItsSenderAddress(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int a = bound(d, Driver.AF_INET);
        int b = bound(d, Driver.AF_INET);
        for (MemorySegment buffer : new MemorySegment[] {arena.allocate(64), MemorySegment.ofArray(new byte[64])}) {
            MemorySegment sender = arena.allocate(SockAddr.MAX_SIZE);
            Recorder received = new Recorder();
            assertEquals(Driver.PENDING, d.receiveFrom(b, buffer, sender, received));
            d.poll(0);
            assertTrue(received.isPending(), "nothing was sent yet");
            Recorder sent = new Recorder();
            assertEquals(4, await(d, sent, d.sendTo(a, text("ping"), d.localAddress(b), sent)));
            assertEquals(4, await(d, received));
            assertEquals("ping", text(buffer, 4));
            assertEquals(d.localAddress(a), SockAddr.decode(sender));
        }
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldTruncateADatagramLongerThanTheBuffer(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int a = bound(d, Driver.AF_INET6); // a dual-stack socket sends to an IPv4 one
        int b = bound(d, Driver.AF_INET);
        Recorder sent = new Recorder();
        assertEquals(10, await(d, sent, d.sendTo(a, text("0123456789"), d.localAddress(b), sent)));
        MemorySegment small = MemorySegment.ofArray(new byte[4]);
        MemorySegment sender = arena.allocate(SockAddr.MAX_SIZE);
        Recorder received = new Recorder();
        assertEquals(4, await(d, received, d.receiveFrom(b, small, sender, received)));
        assertEquals("0123", text(small, 4));
        InetSocketAddress from = SockAddr.decode(sender);
        assertEquals(d.localAddress(a).getPort(), from.getPort());
        assertEquals(Driver.PENDING, d.receiveFrom(b, small, sender, received), "the rest was dropped");
        assertTrue(d.cancel(received));
        assertEquals(-Errno.ECANCELED, await(d, received));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldSendToTheConnectedPeerWhenTargetIsNull(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int a = bound(d, Driver.AF_INET);
        int b = bound(d, Driver.AF_INET);
        Recorder connected = new Recorder();
        assertEquals(0, await(d, connected, d.connect(a, d.localAddress(b), connected)));
        assertEquals(d.localAddress(b), d.peerAddress(a));
        Recorder sent = new Recorder();
        assertEquals(3, await(d, sent, d.sendTo(a, text("one"), null, sent)));
        MemorySegment buffer = arena.allocate(16);
        Recorder received = new Recorder();
        assertEquals(3, await(d, received, d.receiveFrom(b, buffer, arena.allocate(128), received)));
        assertEquals("one", text(buffer, 3));
    }
}
