package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Shared pieces of the io_uring driver tests: a recording completion, socket pairs, bounded poll loops. */
public final class IoUringTestSupport {
    /** Polls never wait longer than this at a time; loops are bounded by {@link #MAX_POLLS}. */
    static final long POLL_NS = 1_000_000_000L;
    static final int MAX_POLLS = 100;
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    private IoUringTestSupport() {
    }

    /** Counts its calls and keeps the last result. */
    public static final class Recorder extends Completion {
        public int calls;
        public int result = Integer.MIN_VALUE;

        @Override
        public void complete(int r) {
            calls++;
            result = r;
        }
    }

    /** Polls until {@code c}'s pending operation completes; fails after {@link #MAX_POLLS} polls. */
    public static int await(Driver d, Recorder c) {
        for (int i = 0; c.isPending(); i++) {
            if (i == MAX_POLLS) {
                fail("completion not called after " + MAX_POLLS + " polls");
            }
            d.poll(POLL_NS);
        }
        return c.result;
    }

    /** Starts a read and waits for it: its result whether it came at once or through the completion. */
    static int read(Driver d, int fd, MemorySegment into, Recorder r) {
        int res = d.read(fd, into, r);
        return res != Driver.PENDING ? res : await(d, r);
    }

    /** Starts a write and waits for it: its result whether it came at once or through the completion. */
    static int write(Driver d, int fd, MemorySegment from, Recorder w) {
        int res = d.write(fd, from, w);
        return res != Driver.PENDING ? res : await(d, w);
    }

    /** {listener, client, server}: a connected TCP pair on 127.0.0.1 made through the driver. */
    public static int[] tcpPair(Driver d) throws IOException {
        int listener = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertTrue(listener >= 0, () -> Errno.describe(listener));
        assertEquals(0, d.bind(listener, LOOPBACK));
        assertEquals(0, d.listen(listener, 16));
        InetSocketAddress address = d.localAddress(listener);
        int client = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        Recorder accepted = new Recorder();
        Recorder connected = new Recorder();
        assertEquals(Driver.PENDING, d.accept(listener, accepted));
        assertEquals(Driver.PENDING, d.connect(client, address, connected));
        assertEquals(0, await(d, connected));
        int server = await(d, accepted);
        assertTrue(server >= 0, () -> Errno.describe(server));
        return new int[] {listener, client, server};
    }

    /**
     * Moves all of {@code src} from {@code from} to {@code to} into {@code dst}, keeping one write and one
     * read in flight, as a loop would.
     */
    static void transfer(Driver d, int from, MemorySegment src, int to, MemorySegment dst) {
        long size = src.byteSize();
        long written = 0;
        long read = 0;
        Recorder w = new Recorder();
        Recorder r = new Recorder();
        int polls = 0;
        while (read < size || w.isPending()) {
            if (!w.isPending() && written < size) {
                int res = d.write(from, src.asSlice(written), w);
                if (res != Driver.PENDING) {
                    assertTrue(res > 0, () -> "write: " + Errno.describe(res));
                    written += res;
                }
            }
            if (!r.isPending() && read < size) {
                int res = d.read(to, dst.asSlice(read), r); // at once when already received (multishot)
                if (res != Driver.PENDING) {
                    assertTrue(res > 0, () -> "read: " + Errno.describe(res));
                    read += res;
                    continue;
                }
            }
            int wCalls = w.calls;
            int rCalls = r.calls;
            d.poll(POLL_NS);
            if (w.calls != wCalls) {
                assertTrue(w.result > 0, () -> "write: " + Errno.describe(w.result));
                written += w.result;
            }
            if (r.calls != rCalls) {
                assertTrue(r.result > 0, () -> "read: " + Errno.describe(r.result));
                read += r.result;
            }
            assertTrue(++polls < 100_000, "transfer did not finish");
        }
        assertEquals(size, written);
    }

    /** Open descriptors of this process. */
    static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
