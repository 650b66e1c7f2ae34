package io.ringloop.driver.nio;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.connect;
import static io.ringloop.driver.contract.DriverTestSupport.listen;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What is NIO's own: socket options recorded before the JDK channel exists (it is made at bind/connect) and
 * inherited by accepted connections, and one operation per direction per handle. The rest of the driver
 * contract: {@code driver.contract}, on every backend.
 */
final class NioDriverTest {
    private Arena arena;
    private Driver driver;

    @BeforeEach
    void open() throws IOException {
        arena = Arena.ofShared();
        driver = new NioDriver();
    }

    @AfterEach
    void close() {
        driver.close();
        arena.close();
    }

    @Test
    void shouldApplyOptionsRecordedBeforeTheChannelExists() throws IOException {
        int l = listen(driver);
        assertEquals(1, driver.getOption(l, SocketOpt.SO_REUSEADDR));
        assertEquals(0, driver.setOption(l, SocketOpt.TCP_NODELAY, 1), "kept for accepted connections");
        int c = driver.socket(Driver.AF_INET6, Driver.SOCK_STREAM);
        assertEquals(0, driver.getOption(c, SocketOpt.SO_KEEPALIVE), "a fresh socket's default");
        assertEquals(0, driver.setOption(c, SocketOpt.SO_KEEPALIVE, 1));
        assertEquals(0, driver.setOption(c, SocketOpt.SO_SNDBUF, 256 * 1024));
        int s = connect(driver, l, c);
        assertEquals(1, driver.getOption(c, SocketOpt.SO_KEEPALIVE));
        assertTrue(driver.getOption(c, SocketOpt.SO_SNDBUF) >= 256 * 1024);
        assertEquals(1, driver.getOption(s, SocketOpt.TCP_NODELAY), "inherited from the listener");
        assertEquals(0, driver.setOption(s, SocketOpt.TCP_NODELAY, 0));
        assertEquals(0, driver.getOption(s, SocketOpt.TCP_NODELAY));
    }

    @Test
    void shouldRefuseASecondReadOrWriteWhileOneWaits() throws IOException {
        Pair p = tcpPair(driver);
        MemorySegment buffer = arena.allocate(64);
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, driver.read(p.server(), buffer, r));
        assertEquals(-Errno.EBUSY, driver.read(p.server(), buffer, new Recorder()), "one read per handle");
        writeAll(driver, p.client(), MemorySegment.ofArray(new byte[] {1}));
        assertEquals(1, await(driver, r), "the refused read took nothing");

        assertEquals(0, driver.setOption(p.client(), SocketOpt.SO_SNDBUF, 64 * 1024));
        MemorySegment big = arena.allocate(8 << 20);
        Recorder w = new Recorder();
        for (int i = 0, n = 0; n != Driver.PENDING; i++) { // fill the socket's buffers until a write waits
            assertTrue(i < 64 && n >= 0, "write: " + Errno.describe(n));
            n = driver.write(p.client(), big, w);
        }
        assertEquals(-Errno.EBUSY, driver.write(p.client(), big, new Recorder()), "one write per handle");
        assertTrue(driver.cancel(w));
        assertEquals(-Errno.ECANCELED, await(driver, w));
    }
}
