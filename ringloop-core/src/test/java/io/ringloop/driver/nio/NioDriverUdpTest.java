package io.ringloop.driver.nio;

import io.ringloop.driver.Driver;
import static io.ringloop.driver.nio.NioDriverTest.LOOPBACK;
import static io.ringloop.driver.nio.NioDriverTest.await;
import static io.ringloop.driver.nio.NioDriverTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.nio.NioDriverTest.Recorder;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Datagrams through the NIO backend: sendTo, receiveFrom with the sender's address, truncation, connect. */
final class NioDriverUdpTest {
    private Driver driver;
    private Arena arena;

    @BeforeEach
    void open() throws IOException {
        driver = new NioDriver();
        arena = Arena.ofShared();
    }

    @AfterEach
    void close() {
        driver.close();
        arena.close();
    }

    private int bound(int family) {
        int h = driver.socket(family, Driver.SOCK_DGRAM);
        assertTrue(h >= 0, "socket: " + h);
        assertEquals(0, driver.bind(h, new InetSocketAddress(LOOPBACK, 0)));
        return h;
    }

    @Test
    void shouldReceivePendingDatagramWithSenderAddress() throws IOException {
        int a = bound(Driver.AF_INET);
        int b = bound(Driver.AF_INET);
        MemorySegment buffer = arena.allocate(64);
        MemorySegment sender = arena.allocate(SockAddr.MAX_SIZE);
        Recorder received = new Recorder();
        assertEquals(Driver.PENDING, driver.receiveFrom(b, buffer, sender, received));
        Recorder sent = new Recorder();
        assertEquals(4, await(driver, sent, driver.sendTo(a, text("ping"), driver.localAddress(b), sent)));
        assertEquals(4, await(driver, received, Driver.PENDING));
        assertEquals("ping", text(buffer, 4));
        assertEquals(driver.localAddress(a), SockAddr.decode(sender));
    }

    @Test
    void shouldTruncateADatagramLongerThanTheBuffer() throws IOException {
        int a = bound(Driver.AF_INET6);
        int b = bound(Driver.AF_INET);
        Recorder sent = new Recorder();
        assertEquals(10, await(driver, sent, driver.sendTo(a, text("0123456789"), driver.localAddress(b), sent)));
        MemorySegment small = MemorySegment.ofArray(new byte[4]); // heap memory works too
        MemorySegment sender = arena.allocate(SockAddr.MAX_SIZE);
        Recorder received = new Recorder();
        assertEquals(4, await(driver, received, driver.receiveFrom(b, small, sender, received)));
        assertEquals("0123", text(small, 4));
        InetSocketAddress from = SockAddr.decode(sender);
        assertEquals(driver.localAddress(a).getPort(), from.getPort());
    }

    @Test
    void shouldSendToTheConnectedPeerWhenTargetIsNull() throws IOException {
        int a = bound(Driver.AF_INET);
        int b = bound(Driver.AF_INET);
        Recorder connected = new Recorder();
        assertEquals(0, driver.connect(a, driver.localAddress(b), connected));
        assertEquals(driver.localAddress(b), driver.peerAddress(a));
        Recorder sent = new Recorder();
        assertEquals(3, await(driver, sent, driver.sendTo(a, text("one"), null, sent)));
        MemorySegment buffer = arena.allocate(16);
        Recorder received = new Recorder();
        assertEquals(3, await(driver, received, driver.receiveFrom(b, buffer, arena.allocate(128), received)));
        assertEquals("one", text(buffer, 3));
    }
}
