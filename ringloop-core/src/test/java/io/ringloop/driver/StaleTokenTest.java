package io.ringloop.driver;

import io.ringloop.driver.epoll.EpollDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.sys.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A completion or event that arrives after its operation ended never reaches whoever reused the slot or fd. */
public class StaleTokenTest {

    public static final class Counting extends Completion {
        public final AtomicInteger calls = new AtomicInteger();
        public volatile int last = Integer.MIN_VALUE;

        @Override
        public void complete(int result) {
            last = result;
            calls.incrementAndGet();
        }
    }

    @Test
    void shouldIgnoreReleasedTokenInOpTable() {
        OpTable table = new OpTable(4);
        Counting a = new Counting();
        long first = table.claim(a, 7, 1, null);
        assertSame(a, table.release(first));
        Counting b = new Counting();
        long second = table.claim(b, 7, 1, null);
        assertEquals(first & 0xFFFF_FFFFL, second & 0xFFFF_FFFFL, "the slot is reused");
        assertTrue(first != second, "with a new generation");
        assertNull(table.lookup(first), "the old token no longer resolves");
        assertNull(table.release(first), "nor can it free the new operation");
        assertSame(b, table.lookup(second));
    }

    @Test
    void shouldGrowAndKeepEveryLiveToken() {
        OpTable table = new OpTable(4);
        long[] tokens = new long[100];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = table.claim(new Counting(), i, 1, null);
        }
        assertEquals(100, table.size());
        for (long t : tokens) {
            assertTrue(table.isLive(t));
            table.release(t);
        }
        assertEquals(0, table.size());
    }

    /** Epoll: a read pending on fd N, N closed and reused by a new socket; events for the new N stay there. */
    @Test
    void shouldNotWakeOldOperationWhenFdNumberIsReused() throws Exception {
        try (EpollDriver d = new EpollDriver(); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            int listener = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
            assertEquals(0, d.bind(listener, new InetSocketAddress("127.0.0.1", 0)));
            assertEquals(0, d.listen(listener, 16));
            InetSocketAddress at = d.localAddress(listener);

            int client = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
            Counting connect = new Counting();
            int r = d.connect(client, at, connect);
            int server = acceptOne(d, listener);
            while (r == Driver.PENDING && connect.calls.get() == 0) {
                d.poll(1_000_000);
            }
            Counting old = new Counting();
            assertEquals(Driver.PENDING, d.read(server, buf, old));
            assertEquals(0, d.close(server));
            assertEquals(1, old.calls.get());
            assertEquals(-Errno.ECANCELED, old.last);

            // The next socket gets the same fd number; it connects, is written to and read, all through events
            // on that number.
            int client2 = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
            assertEquals(server, client2, "the kernel reuses the lowest free fd");
            Counting connect2 = new Counting();
            int r2 = d.connect(client2, at, connect2);
            int server2 = acceptOne(d, listener);
            for (int i = 0; i < 100 && r2 == Driver.PENDING && connect2.calls.get() == 0; i++) {
                d.poll(10_000_000);
            }
            Counting fresh = new Counting();
            int rr = d.read(client2, buf, fresh);
            MemorySegment one = arena.allocate(1);
            assertEquals(1, d.write(server2, one, new Counting()));
            for (int i = 0; i < 100 && rr == Driver.PENDING && fresh.calls.get() == 0; i++) {
                d.poll(10_000_000);
            }
            assertTrue(rr == 1 || fresh.last == 1, "the new socket's read got the byte");
            assertEquals(1, old.calls.get(), "the old completion was called exactly once, never again");
        }
    }

    private static int acceptOne(Driver d, int listener) {
        Counting accept = new Counting();
        int r = d.accept(listener, accept);
        for (int i = 0; i < 100 && r == Driver.PENDING && accept.calls.get() == 0; i++) {
            d.poll(10_000_000);
        }
        return r != Driver.PENDING ? r : accept.last;
    }
}
