package io.ringloop.driver.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * What every driver test needs, whatever the backend: a recording completion, bounded poll loops that check the
 * result rules of {@link Driver}, connected pairs made through the driver, and whole transfers. The test thread
 * is the loop: it calls {@link Driver#poll} itself.
 */
public final class DriverTestSupport {
    public static final InetAddress LOOPBACK_ADDRESS = InetAddress.getLoopbackAddress();
    /** 127.0.0.1 (or ::1), port 0: an ephemeral port. */
    public static final InetSocketAddress LOOPBACK = new InetSocketAddress(LOOPBACK_ADDRESS, 0);
    /** One blocking poll that expects a completion: it returns as soon as one runs. */
    public static final long WAIT_NS = 1_000_000_000L;
    /** Waits poll in steps of this; {@link #MAX_POLLS} steps bound every wait (20 s, far above loopback delays). */
    public static final long POLL_STEP_NS = 10_000_000L;
    public static final int MAX_POLLS = 2000;

    private DriverTestSupport() {
    }

    /**
     * Records every result it is given, in order; reusable for one operation after another. {@link #await}
     * takes the results one by one, so a second call of the same operation's completion shows up there.
     * Loop thread only.
     */
    public static final class Recorder extends Completion {
        private final List<Integer> results = new ArrayList<>();
        private int taken;

        @Override
        public void complete(int result) {
            results.add(result);
        }

        /** Completions received so far. */
        public int calls() {
            return results.size();
        }

        /** The last result received, {@link Integer#MIN_VALUE} before any. */
        public int result() {
            return results.isEmpty() ? Integer.MIN_VALUE : results.getLast();
        }

        /** Every result received, in order. */
        public List<Integer> results() {
            return List.copyOf(results);
        }

        /** Results not yet taken by {@link #await} or {@link #takeAll}. */
        public int unclaimed() {
            return results.size() - taken;
        }

        /** Takes the results not yet taken, checking each against the result rules. */
        public List<Integer> takeAll() {
            List<Integer> fresh = List.copyOf(results.subList(taken, results.size()));
            taken = results.size();
            fresh.forEach(DriverTestSupport::checkCompleted);
            return fresh;
        }

        int takeOne() {
            return results.get(taken++);
        }
    }

    /** A result returned at once must be a count, {@link Driver#PENDING} or {@code -errno}, never -EAGAIN. */
    public static int checkReturned(int result) {
        assertTrue(result == Driver.PENDING || result >= 0 || (result >= -4095 && result != -Errno.EAGAIN),
                () -> "not a driver result: " + result + " (" + Errno.describe(result) + ")");
        return result;
    }

    /** A result given to a completion must be a count or {@code -errno}: never PENDING, never -EAGAIN. */
    public static int checkCompleted(int result) {
        assertTrue(result >= 0 || (result >= -4095 && result != -Errno.EAGAIN),
                () -> "not a completion result: " + result + " (" + Errno.describe(result) + ")");
        return result;
    }

    /** Polls until {@code done}, at most {@link #MAX_POLLS} times. */
    public static void pollUntil(Driver driver, BooleanSupplier done) {
        for (int i = 0; i < MAX_POLLS && !done.getAsBoolean(); i++) {
            driver.poll(POLL_STEP_NS);
        }
        assertTrue(done.getAsBoolean(), "condition not reached within " + MAX_POLLS + " polls");
    }

    /**
     * The result of an operation that returned {@code immediate}: that value itself (and then the completion
     * must not have been called), or, for {@link Driver#PENDING}, the one result the completion receives.
     */
    public static int await(Driver driver, Recorder recorder, int immediate) {
        checkReturned(immediate);
        if (immediate != Driver.PENDING) {
            assertEquals(0, recorder.unclaimed(), () -> "an immediate result (" + immediate
                    + ") also called the completion: " + recorder.results());
            return immediate;
        }
        pollUntil(driver, () -> recorder.unclaimed() > 0);
        assertEquals(1, recorder.unclaimed(), () -> "completed more than once: " + recorder.results());
        return checkCompleted(recorder.takeOne());
    }

    /** The result of the operation pending on {@code recorder} (or completed already and not yet taken). */
    public static int await(Driver driver, Recorder recorder) {
        return await(driver, recorder, Driver.PENDING);
    }

    /** Starts a read and waits for its result. */
    public static int read(Driver driver, int handle, MemorySegment into, Recorder recorder) {
        return await(driver, recorder, driver.read(handle, into, recorder));
    }

    /** Starts a write and waits for its result. */
    public static int write(Driver driver, int handle, MemorySegment from, Recorder recorder) {
        return await(driver, recorder, driver.write(handle, from, recorder));
    }

    /** One read into {@code buffer}: the count or -errno (waits if needed). */
    public static int readOnce(Driver driver, int handle, MemorySegment buffer) {
        return read(driver, handle, buffer, new Recorder());
    }

    /** Writes all of {@code data}, waiting where needed. */
    public static void writeAll(Driver driver, int handle, MemorySegment data) {
        Recorder r = new Recorder();
        for (long off = 0; off < data.byteSize(); ) {
            int n = write(driver, handle, data.asSlice(off), r);
            assertTrue(n > 0, () -> "write: " + Errno.describe(n));
            off += n;
        }
    }

    /** Reads exactly {@code size} bytes with plain reads into a heap buffer. */
    public static byte[] readExactly(Driver driver, int handle, int size) {
        MemorySegment buf = MemorySegment.ofArray(new byte[size]);
        Recorder r = new Recorder();
        for (int got = 0; got < size; ) {
            int n = read(driver, handle, buf.asSlice(got), r);
            assertTrue(n > 0, () -> "read: " + Errno.describe(n));
            got += n;
        }
        return buf.toArray(ValueLayout.JAVA_BYTE);
    }

    /** A connected TCP pair and the listener that accepted it (still open). */
    public record Pair(int listener, int client, int server) {
    }

    /** A TCP listener on 127.0.0.1, ephemeral port, SO_REUSEADDR. */
    public static int listen(Driver driver) {
        int l = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertTrue(l >= 0, () -> "socket: " + Errno.describe(l));
        assertEquals(0, driver.setOption(l, SocketOpt.SO_REUSEADDR, 1));
        assertEquals(0, driver.bind(l, LOOPBACK));
        assertEquals(0, driver.listen(l, 64));
        return l;
    }

    /** A new listener and a pair connected through it. */
    public static Pair tcpPair(Driver driver) throws IOException {
        return tcpPair(driver, listen(driver));
    }

    /** A pair connected through {@code listener}. */
    public static Pair tcpPair(Driver driver, int listener) throws IOException {
        int c = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertTrue(c >= 0, () -> "socket: " + Errno.describe(c));
        return new Pair(listener, c, connect(driver, listener, c));
    }

    /** Connects {@code client} to {@code listener}; returns the accepted handle. */
    public static int connect(Driver driver, int listener, int client) throws IOException {
        Recorder connected = new Recorder();
        Recorder accepted = new Recorder();
        int cr = driver.connect(client, driver.localAddress(listener), connected);
        int ar = driver.accept(listener, accepted);
        assertEquals(0, await(driver, connected, cr), "connect");
        int server = await(driver, accepted, ar);
        assertTrue(server >= 0, () -> "accept: " + Errno.describe(server));
        return server;
    }

    /**
     * Moves all of {@code src} from {@code from} to {@code to} into {@code dst}, keeping one write and one read
     * in flight, as a loop would.
     */
    public static void transfer(Driver driver, int from, MemorySegment src, int to, MemorySegment dst) {
        long size = src.byteSize();
        long written = 0;
        long read = 0;
        Recorder w = new Recorder();
        Recorder r = new Recorder();
        for (int polls = 0; read < size || w.isPending(); polls++) {
            assertTrue(polls < 100_000, "transfer did not finish");
            if (!w.isPending() && written < size) {
                int res = checkReturned(driver.write(from, src.asSlice(written), w));
                if (res != Driver.PENDING) {
                    assertTrue(res > 0, () -> "write: " + Errno.describe(res));
                    written += res;
                }
            }
            if (!r.isPending() && read < size) {
                int res = checkReturned(driver.read(to, dst.asSlice(read), r));
                if (res != Driver.PENDING) {
                    assertTrue(res > 0, () -> "read: " + Errno.describe(res));
                    read += res;
                    continue;
                }
            }
            driver.poll(WAIT_NS);
            for (int res : w.takeAll()) {
                assertTrue(res > 0, () -> "write: " + Errno.describe(res));
                written += res;
            }
            for (int res : r.takeAll()) {
                assertTrue(res > 0, () -> "read: " + Errno.describe(res));
                read += res;
            }
        }
        assertEquals(size, written);
    }

    /** The UTF-8 bytes of {@code s} on the heap. */
    public static MemorySegment text(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The first {@code length} bytes of {@code buffer} as UTF-8. */
    public static String text(MemorySegment buffer, int length) {
        return new String(buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** {@code size} random bytes from {@code seed}. */
    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
