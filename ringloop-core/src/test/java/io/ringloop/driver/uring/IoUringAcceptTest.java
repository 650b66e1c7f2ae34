package io.ringloop.driver.uring;

import static io.ringloop.Leaks.openFds;
import static io.ringloop.driver.contract.DriverTestSupport.LOOPBACK;
import static io.ringloop.driver.contract.DriverTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Multishot accept: connections queued by the kernel's multishot ACCEPT, waiting accepts, closing. */
class IoUringAcceptTest {
    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
    }

    private static int listener(Driver d) {
        int l = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertEquals(0, d.bind(l, LOOPBACK));
        assertEquals(0, d.listen(l, 16));
        return l;
    }

    /** Connects {@code n} clients and waits until each connect has completed; returns their handles. */
    private static int[] connect(Driver d, InetSocketAddress to, int n) {
        int[] clients = new int[n];
        Recorder[] connects = new Recorder[n];
        for (int i = 0; i < n; i++) {
            clients[i] = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
            connects[i] = new Recorder();
            assertEquals(Driver.PENDING, d.connect(clients[i], to, connects[i]));
        }
        for (Recorder c : connects) {
            assertEquals(0, await(d, c));
        }
        return clients;
    }

    @Test
    void shouldHandOutConnectionsTheMultishotAlreadyAccepted() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32)) {
            int l = listener(d);
            connect(d, d.localAddress(l), 3); // all three wait in the kernel's backlog
            Recorder first = new Recorder();
            assertEquals(Driver.PENDING, d.accept(l, first)); // arms the multishot
            int a = await(d, first);
            assertTrue(a >= 0, () -> Errno.describe(a));
            // The multishot took the whole backlog in the same turn: the next accepts need no kernel trip.
            Set<Integer> fds = new HashSet<>(Set.of(a));
            Recorder next = new Recorder();
            for (int i = 0; i < 2; i++) {
                int fd = d.accept(l, next);
                assertTrue(fd >= 0, () -> "accept: " + (fd == Driver.PENDING ? "PENDING" : Errno.describe(fd)));
                fds.add(fd);
            }
            assertEquals(3, fds.size());
            assertEquals(0, next.calls());
            assertEquals(1 + 3 + 3, d.openHandles());
        }
    }

    @Test
    void shouldCancelWaitingAcceptAtOnceAndKeepServing() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32)) {
            int l = listener(d);
            Recorder waiting = new Recorder();
            assertEquals(Driver.PENDING, d.accept(l, waiting));
            d.poll(0);
            assertTrue(d.cancel(waiting));
            assertEquals(1, waiting.calls()); // no kernel round trip for a waiting accept
            assertEquals(-Errno.ECANCELED, waiting.result());
            assertEquals(false, d.cancel(waiting));

            connect(d, d.localAddress(l), 1);
            Recorder again = new Recorder();
            int fd = d.accept(l, again);
            if (fd == Driver.PENDING) {
                fd = await(d, again);
            }
            assertTrue(fd >= 0);
            assertEquals(1, waiting.calls());
        }
    }

    @Test
    void shouldCompleteWaitersInOrder() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32)) {
            int l = listener(d);
            Recorder a = new Recorder();
            Recorder b = new Recorder();
            assertEquals(Driver.PENDING, d.accept(l, a));
            assertEquals(Driver.PENDING, d.accept(l, b));
            connect(d, d.localAddress(l), 1);
            int fa = await(d, a);
            assertTrue(fa >= 0);
            assertTrue(b.isPending());
            connect(d, d.localAddress(l), 1);
            int fb = await(d, b);
            assertTrue(fb >= 0);
            assertNotEquals(fa, fb);
        }
    }

    @Test
    void shouldCloseQueuedConnectionsAndWaitersWithTheListener() throws IOException {
        long before = openFds();
        try (IoUringDriver d = new IoUringDriver(32)) {
            int l = listener(d);
            Recorder first = new Recorder();
            assertEquals(Driver.PENDING, d.accept(l, first));
            int[] clients = connect(d, d.localAddress(l), 4);
            int a = await(d, first);
            assertTrue(a >= 0);
            // Three connections now sit in the multishot's queue, never handed out.
            assertEquals(0, d.close(l));
            assertEquals(-Errno.EBADF, d.accept(l, new Recorder()));
            for (int c : clients) {
                assertEquals(0, d.close(c));
            }
            assertEquals(0, d.close(a));
            assertEquals(0, d.openHandles());
        }
        assertEquals(before, openFds());
    }

    @Test
    void shouldPauseMultishotAtQueueLimitAndResumeWithoutLosingConnections() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32)) {
            d.acceptQueueLimit(2);
            int l = listener(d);
            Recorder first = new Recorder();
            assertEquals(Driver.PENDING, d.accept(l, first));
            connect(d, d.localAddress(l), 1);
            assertTrue(await(d, first) >= 0);
            // Nobody accepts now: the multishot queues two, is cancelled, the rest wait in the kernel backlog.
            int[] clients = connect(d, d.localAddress(l), 5);
            for (int i = 0; i < 3; i++) {
                d.poll(0);
            }
            Set<Integer> fds = new HashSet<>();
            int immediate = 0;
            for (int i = 0; i < clients.length; i++) {
                Recorder r = new Recorder();
                int fd = d.accept(l, r);
                if (fd == Driver.PENDING) {
                    fd = await(d, r);
                } else {
                    immediate++;
                }
                assertTrue(fd >= 0, Errno.describe(fd));
                fds.add(fd);
            }
            assertEquals(clients.length, fds.size());
            assertTrue(immediate >= 2, "queued connections were not handed out at once: " + immediate);
            assertEquals(1 + 2 + 2 * clients.length, d.openHandles());
        }
    }

    @Test
    void shouldAcceptOneSqePerCallWithoutMultishot() throws IOException {
        try (IoUringDriver d = new IoUringDriver(32, false, 0, IoUringSupport.FLAG_CHOICES)) {
            int l = listener(d);
            connect(d, d.localAddress(l), 2);
            for (int i = 0; i < 2; i++) {
                Recorder r = new Recorder();
                assertEquals(Driver.PENDING, d.accept(l, r));
                assertTrue(await(d, r) >= 0);
            }
            Recorder r = new Recorder();
            assertEquals(Driver.PENDING, d.accept(l, r));
            d.poll(0);
            assertTrue(d.cancel(r));
            assertEquals(-Errno.ECANCELED, await(d, r));
        }
    }
}
