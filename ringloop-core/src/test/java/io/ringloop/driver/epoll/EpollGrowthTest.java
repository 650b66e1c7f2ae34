package io.ringloop.driver.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A completion that runs while the driver's per-fd tables grow must not leave a stale pending-operation token
 * behind: an accept whose new fd is past the tables' first size grows them inside the retry, and the listener's
 * next accept must wait (PENDING), not fail with EBUSY. (This once hung a thousand connections on two loops.)
 */
class EpollGrowthTest {
    @Test
    void shouldAcceptAgainAfterAnAcceptGrewTheFdTable() throws Exception {
        List<FileInputStream> filler = new ArrayList<>();
        try (EpollDriver d = new EpollDriver()) {
            int listener = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
            assertEquals(0, d.bind(listener, new InetSocketAddress("127.0.0.1", 0)));
            assertEquals(0, d.listen(listener, 16));
            InetSocketAddress at = d.localAddress(listener);
            Recorder first = new Recorder();
            assertEquals(Driver.PENDING, d.accept(listener, first));
            // Push the next fd number past the driver's first table size (1024) with fds it does not know.
            while (Leaks.openFds() < 1100) {
                filler.add(new FileInputStream("/dev/null"));
            }
            try (Socket client = new Socket(at.getAddress(), at.getPort())) {
                for (int i = 0; i < 200 && first.calls() == 0; i++) {
                    d.poll(10_000_000);
                }
                assertTrue(first.result() >= 1024, "the accepted fd is past the first table size: " + first.result());
                Recorder second = new Recorder();
                assertEquals(Driver.PENDING, d.accept(listener, second), "no stale token: the accept waits");
                assertTrue(client.isConnected());
            }
        } finally {
            for (FileInputStream f : filler) {
                f.close();
            }
        }
    }
}
