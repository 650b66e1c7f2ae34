package io.ringloop.driver.nio;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TCP through the {@link Driver} interface of the NIO backend: the test thread is the loop and calls
 * {@link Driver#poll} itself. The shared helpers ({@link Recorder}, {@link #await}, {@link #connectPair}) serve
 * the other NioDriver*Test files too.
 */
public final class NioDriverTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Upper bound on polls while waiting for something: 2000 × 10 ms, far above any loopback delay. */
    private static final int MAX_POLLS = 2000;
    private static final long POLL_TIMEOUT_NS = 10_000_000L;

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

    /** Records every result it is given; one per op, reusable. */
    public static final class Recorder extends Completion {
        public final List<Integer> results = new ArrayList<>();

        @Override
        public void complete(int result) {
            results.add(result);
        }
    }

    /** Polls until {@code done}, at most {@link #MAX_POLLS} times. */
    public static void pollUntil(Driver driver, BooleanSupplier done) {
        for (int i = 0; i < MAX_POLLS && !done.getAsBoolean(); i++) {
            driver.poll(POLL_TIMEOUT_NS);
        }
        assertTrue(done.getAsBoolean(), "condition not reached within " + MAX_POLLS + " polls");
    }

    /** The op's result: {@code immediate}, or (when PENDING) what {@code recorder} receives. Clears it. */
    public static int await(Driver driver, Recorder recorder, int immediate) {
        if (immediate != Driver.PENDING) {
            assertEquals(List.of(), recorder.results, "an immediate result must not call the completion");
            return immediate;
        }
        pollUntil(driver, () -> !recorder.results.isEmpty());
        assertEquals(1, recorder.results.size(), "completed more than once: " + recorder.results);
        return recorder.results.removeFirst();
    }

    public record Pair(int listener, int client, int server) {
    }

    public static int listen(Driver driver) {
        int l = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertTrue(l >= 0, "socket: " + l);
        assertEquals(0, driver.setOption(l, SocketOpt.SO_REUSEADDR, 1));
        assertEquals(0, driver.bind(l, new InetSocketAddress(LOOPBACK, 0)));
        assertEquals(0, driver.listen(l, 16));
        return l;
    }

    /** A connected client/server pair; the listener stays open and is returned too. */
    public static Pair connectPair(Driver driver, int listener) throws IOException {
        int c = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
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
        assertTrue(server >= 0, "accept: " + server);
        return server;
    }

    /** Writes all of {@code data} (waiting where needed). */
    public static void writeAll(Driver driver, int handle, MemorySegment data) {
        Recorder r = new Recorder();
        long off = 0;
        while (off < data.byteSize()) {
            int n = await(driver, r, driver.write(handle, data.asSlice(off), r));
            assertTrue(n > 0, "write: " + n);
            off += n;
        }
    }

    /** One read into {@code buffer}: the count or -errno (waits if needed). */
    public static int readOnce(Driver driver, int handle, MemorySegment buffer) {
        Recorder r = new Recorder();
        return await(driver, r, driver.read(handle, buffer, r));
    }

    public static MemorySegment text(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    public static String text(MemorySegment buffer, int length) {
        return new String(buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE),
                StandardCharsets.UTF_8);
    }

    @Test
    void shouldListenConnectAndAccept() throws IOException {
        int l = listen(driver);
        InetSocketAddress bound = driver.localAddress(l);
        assertNotEquals(0, bound.getPort());
        Pair p = connectPair(driver, l);
        assertEquals(bound, driver.peerAddress(p.client()));
        assertEquals(driver.localAddress(p.client()), driver.peerAddress(p.server()));
        assertEquals(3, driver.openHandles());
        assertEquals("nio", driver.name());
    }

    @Test
    void shouldEchoRoundTripsUpToOneMebibyte() throws IOException {
        int l = listen(driver);
        Pair p = connectPair(driver, l);
        Random random = new Random(42);
        for (int size : new int[] {1, 1000, 65_536, 300_001, 1 << 20}) {
            byte[] src = new byte[size];
            random.nextBytes(src);
            byte[] dst = new byte[size];
            List<String> errors = new ArrayList<>();
            var echo = new EchoPump(driver, p.server(), arena.allocate(64 * 1024), errors);
            var writer = new WritePump(driver, p.client(), MemorySegment.ofArray(src), errors);
            var reader = new ReadPump(driver, p.client(), MemorySegment.ofArray(dst), errors);
            echo.start();
            writer.start();
            reader.start();
            pollUntil(driver, () -> reader.done() || !errors.isEmpty());
            assertEquals(List.of(), errors);
            assertArrayEquals(src, dst, "echo of " + size + " bytes");
            assertTrue(driver.cancel(echo), "the echo server waits for more");
        }
    }

    /** Writes a whole segment, submitting the next write from inside its own completion. */
    static final class WritePump extends Completion {
        private final Driver driver;
        private final int handle;
        private final MemorySegment data;
        private final List<String> errors;
        private long offset;

        WritePump(Driver driver, int handle, MemorySegment data, List<String> errors) {
            this.driver = driver;
            this.handle = handle;
            this.data = data;
            this.errors = errors;
        }

        void start() {
            complete(driver.write(handle, data, this));
        }

        boolean done() {
            return offset == data.byteSize();
        }

        @Override
        public void complete(int result) {
            for (int r = result; r != Driver.PENDING; r = driver.write(handle, data.asSlice(offset), this)) {
                if (r <= 0) {
                    errors.add("write: " + r);
                    return;
                }
                offset += r;
                if (offset == data.byteSize()) {
                    return;
                }
            }
        }
    }

    /** Reads until its segment is full. */
    static final class ReadPump extends Completion {
        private final Driver driver;
        private final int handle;
        private final MemorySegment data;
        private final List<String> errors;
        private long offset;

        ReadPump(Driver driver, int handle, MemorySegment data, List<String> errors) {
            this.driver = driver;
            this.handle = handle;
            this.data = data;
            this.errors = errors;
        }

        boolean done() {
            return offset == data.byteSize();
        }

        void start() {
            complete(driver.read(handle, data, this));
        }

        @Override
        public void complete(int result) {
            for (int r = result; r != Driver.PENDING; r = driver.read(handle, data.asSlice(offset), this)) {
                if (r <= 0) {
                    errors.add(r == 0 ? "end of stream at " + offset : "read: " + Errno.name(r));
                    return;
                }
                offset += r;
                if (done()) {
                    return;
                }
            }
        }
    }

    /** Reads into a native buffer and writes back what it read, until end of stream. */
    static final class EchoPump extends Completion {
        private final Driver driver;
        private final int handle;
        private final MemorySegment buffer;
        private final List<String> errors;
        private boolean writing;
        private int filled;
        private int written;

        EchoPump(Driver driver, int handle, MemorySegment buffer, List<String> errors) {
            this.driver = driver;
            this.handle = handle;
            this.buffer = buffer;
            this.errors = errors;
        }

        void start() {
            complete(driver.read(handle, buffer, this));
        }

        @Override
        public void complete(int result) {
            int r = result;
            while (r != Driver.PENDING) {
                if (r < 0) {
                    errors.add((writing ? "echo write: " : "echo read: ") + Errno.name(r));
                    return;
                }
                if (writing) {
                    written += r;
                    writing = written < filled;
                } else if (r == 0) {
                    return; // end of stream
                } else {
                    filled = r;
                    written = 0;
                    writing = true;
                }
                // A slice of the same native buffer: the driver's cached ByteBuffer view serves it.
                r = writing ? driver.write(handle, buffer.asSlice(written, filled - written), this)
                        : driver.read(handle, buffer, this);
            }
        }
    }

    @Test
    void shouldCompletePendingReadWhenDataArrives() throws IOException {
        Pair p = connectPair(driver, listen(driver));
        MemorySegment buffer = arena.allocate(64);
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, driver.read(p.server(), buffer, r));
        assertEquals(-Errno.EBUSY, driver.read(p.server(), buffer, new Recorder()), "one read per handle");
        writeAll(driver, p.client(), text("hello"));
        assertEquals(5, await(driver, r, Driver.PENDING));
        assertEquals("hello", text(buffer, 5));
    }

    @Test
    void shouldCompletePendingWriteWhenThePeerDrains() throws IOException {
        Pair p = connectPair(driver, listen(driver));
        assertEquals(0, driver.setOption(p.client(), SocketOpt.SO_SNDBUF, 64 * 1024));
        assertEquals(0, driver.setOption(p.server(), SocketOpt.SO_RCVBUF, 64 * 1024));
        MemorySegment data = arena.allocate(4 << 20);
        for (long i = 0; i < data.byteSize(); i += 8) {
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L);
        }
        // Nobody reads yet, so the pump's writes soon have to wait: the socket buffers are far below 4 MiB.
        List<String> errors = new ArrayList<>();
        var writer = new WritePump(driver, p.client(), data, errors);
        writer.start();
        assertTrue(writer.isPending(), "a write waits for room");
        assertEquals(-Errno.EBUSY, driver.write(p.client(), data, new Recorder()), "one write per handle");
        MemorySegment received = arena.allocate(data.byteSize());
        long read = 0;
        while (read < data.byteSize()) {
            int n = readOnce(driver, p.server(), received.asSlice(read, Math.min(64 * 1024, data.byteSize() - read)));
            assertTrue(n > 0, "read: " + n);
            read += n;
        }
        assertEquals(List.of(), errors);
        assertTrue(writer.done());
        assertEquals(-1, data.mismatch(received), "content arrived intact and in order");
    }

    @Test
    void shouldReturnZeroAtEndOfStream() throws IOException {
        Pair p = connectPair(driver, listen(driver));
        MemorySegment buffer = arena.allocate(64);
        Recorder r = new Recorder();
        int first = driver.read(p.server(), buffer, r);
        writeAll(driver, p.client(), text("last"));
        assertEquals(0, driver.close(p.client()));
        assertEquals(4, await(driver, r, first));
        assertEquals(0, readOnce(driver, p.server(), buffer), "end of stream");
        assertEquals(0, readOnce(driver, p.server(), buffer), "end of stream stays");
    }

    @Test
    void shouldSeeHalfCloseAsEndOfStreamWhileTheOtherDirectionWorks() throws IOException {
        Pair p = connectPair(driver, listen(driver));
        MemorySegment buffer = arena.allocate(64);
        writeAll(driver, p.client(), text("request"));
        assertEquals(0, driver.shutdown(p.client(), Driver.SHUT_WR));
        assertEquals(7, readOnce(driver, p.server(), buffer));
        assertEquals(0, readOnce(driver, p.server(), buffer), "peer's half-close is end of stream");
        writeAll(driver, p.server(), text("response"));
        assertEquals(8, readOnce(driver, p.client(), buffer));
        assertEquals("response", text(buffer, 8));
        assertEquals(0, driver.close(p.server()));
        assertEquals(0, readOnce(driver, p.client(), buffer));
    }

    @Test
    void shouldFailConnectWithConnectionRefused() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            port = probe.getLocalPort(); // closed again at once: nothing listens there
        }
        int c = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        Recorder r = new Recorder();
        int result = await(driver, r, driver.connect(c, new InetSocketAddress(LOOPBACK, port), r));
        assertEquals(-Errno.ECONNREFUSED, result);
        assertEquals(0, driver.close(c));
    }

    @Test
    void shouldReportAddressInUseWhenListening() throws IOException {
        int first = listen(driver);
        int second = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertEquals(0, driver.bind(second, driver.localAddress(first)));
        assertEquals(-Errno.EADDRINUSE, driver.listen(second, 16), "bind is deferred to listen");
        assertEquals(-Errno.EBADF, driver.bind(1234, driver.localAddress(first)));
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
}
