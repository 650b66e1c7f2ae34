package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.LOOPBACK;
import static io.ringloop.driver.contract.DriverTestSupport.LOOPBACK_ADDRESS;
import static io.ringloop.driver.contract.DriverTestSupport.await;
import static io.ringloop.driver.contract.DriverTestSupport.listen;
import static io.ringloop.driver.contract.DriverTestSupport.pollUntil;
import static io.ringloop.driver.contract.DriverTestSupport.random;
import static io.ringloop.driver.contract.DriverTestSupport.readOnce;
import static io.ringloop.driver.contract.DriverTestSupport.tcpPair;
import static io.ringloop.driver.contract.DriverTestSupport.text;
import static io.ringloop.driver.contract.DriverTestSupport.transfer;
import static io.ringloop.driver.contract.DriverTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.driver.contract.DriverTestSupport.Pair;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TCP through the {@link Driver} interface on every backend: accept, connect, read, write, errors, options. */
final class StreamContractTest {
    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();
    /** Closed after the drivers, so no buffer goes while an operation may still use it. */
    private final Arena arena = drivers.arena();

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldListenConnectAndAccept(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        assertEquals(kind.driverName(), d.name());
        assertEquals(0, d.openHandles());
        int l = listen(d);
        InetSocketAddress bound = d.localAddress(l);
        assertNotEquals(0, bound.getPort());
        Pair p = tcpPair(d, l);
        assertEquals(bound, d.peerAddress(p.client()));
        assertEquals(d.localAddress(p.client()), d.peerAddress(p.server()));
        assertEquals(3, d.openHandles());
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCompleteAnAcceptThatWaitedForItsConnection(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int l = listen(d);
        Recorder accepted = new Recorder();
        assertEquals(Driver.PENDING, d.accept(l, accepted), "nobody connects yet");
        assertEquals(0, d.poll(0));
        assertTrue(accepted.isPending());
        int client = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        Recorder connected = new Recorder();
        int cr = d.connect(client, d.localAddress(l), connected);
        int server = await(d, accepted);
        assertTrue(server >= 0, () -> Errno.describe(server));
        assertEquals(0, await(d, connected, cr));
        assertEquals(d.localAddress(client), d.peerAddress(server));
        assertEquals(3, d.openHandles());
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldEchoASmallMessage(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        byte[] hello = "hello, driver".getBytes();
        MemorySegment mid = MemorySegment.ofArray(new byte[hello.length]);
        MemorySegment back = MemorySegment.ofArray(new byte[hello.length]);
        transfer(d, p.client(), MemorySegment.ofArray(hello.clone()), p.server(), mid);
        transfer(d, p.server(), mid, p.client(), back);
        assertArrayEquals(hello, back.toArray(ValueLayout.JAVA_BYTE));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldMoveOneMebibyteThroughHeapBuffers(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        byte[] data = random(1 << 20, 42);
        MemorySegment mid = MemorySegment.ofArray(new byte[data.length]);
        MemorySegment back = MemorySegment.ofArray(new byte[data.length]);
        transfer(d, p.client(), MemorySegment.ofArray(data), p.server(), mid);
        transfer(d, p.server(), mid, p.client(), back);
        assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldMoveOneMebibyteThroughNativeBuffers(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        byte[] data = random(1 << 20, 7);
        MemorySegment src = arena.allocate(data.length);
        MemorySegment.copy(data, 0, src, ValueLayout.JAVA_BYTE, 0, data.length);
        MemorySegment mid = arena.allocate(data.length);
        MemorySegment back = arena.allocate(data.length);
        transfer(d, p.client(), src, p.server(), mid);
        transfer(d, p.server(), mid, p.client(), back);
        assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE));
    }

    /** Writer, reader and echo submit their next operation from inside their completions. */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldEchoThroughCompletionsThatSubmitAgain(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        for (int size : new int[] {1, 1000, 65_536, 300_001, 1 << 20}) {
            byte[] src = random(size, size);
            byte[] dst = new byte[size];
            List<String> errors = new ArrayList<>();
            var echo = new Pumps.Echo(d, p.server(), arena.allocate(64 * 1024), errors);
            var writer = new Pumps.Writer(d, p.client(), MemorySegment.ofArray(src), errors);
            var reader = new Pumps.Reader(d, p.client(), MemorySegment.ofArray(dst), errors);
            echo.start();
            writer.start();
            reader.start();
            pollUntil(d, () -> reader.done() || !errors.isEmpty());
            assertEquals(List.of(), errors);
            assertArrayEquals(src, dst, "echo of " + size + " bytes");
            assertTrue(d.cancel(echo), "the echo waits for more");
        }
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCompleteAPendingReadWhenDataArrives(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        MemorySegment buffer = arena.allocate(64);
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.read(p.server(), buffer, r));
        d.poll(0);
        assertTrue(r.isPending(), "nothing was sent");
        writeAll(d, p.client(), text("hello"));
        assertEquals(5, await(d, r));
        assertEquals("hello", text(buffer, 5));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldCompleteAPendingWriteWhenThePeerDrains(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        assertEquals(0, d.setOption(p.client(), SocketOpt.SO_SNDBUF, 64 * 1024));
        assertEquals(0, d.setOption(p.server(), SocketOpt.SO_RCVBUF, 64 * 1024));
        MemorySegment data = arena.allocate(4 << 20);
        for (long i = 0; i < data.byteSize(); i += 8) {
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L);
        }
        // Nobody reads yet, so the writes soon have to wait: the socket buffers are far below 4 MiB.
        List<String> errors = new ArrayList<>();
        var writer = new Pumps.Writer(d, p.client(), data, errors);
        writer.start();
        d.poll(0);
        assertTrue(writer.isPending(), "a write waits for room");
        MemorySegment received = arena.allocate(data.byteSize());
        for (long read = 0; read < data.byteSize(); ) {
            long chunk = Math.min(64 * 1024, data.byteSize() - read);
            int n = readOnce(d, p.server(), received.asSlice(read, chunk));
            assertTrue(n > 0, () -> "read: " + Errno.describe(n));
            read += n;
        }
        assertEquals(List.of(), errors);
        assertTrue(writer.done());
        assertEquals(-1, data.mismatch(received), "content arrived intact and in order");
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldReturnZeroAtEndOfStreamAndKeepReturningIt(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        MemorySegment buffer = arena.allocate(64);
        Recorder waiting = new Recorder();
        assertEquals(Driver.PENDING, d.read(p.server(), buffer, waiting));
        writeAll(d, p.client(), text("last"));
        assertEquals(0, d.close(p.client()));
        assertEquals(4, await(d, waiting), "the bytes before the end");
        assertEquals(0, readOnce(d, p.server(), buffer), "end of stream");
        assertEquals(0, readOnce(d, p.server(), buffer), "end of stream stays");

        Pair q = tcpPair(d, p.listener());
        Recorder r = new Recorder();
        assertEquals(Driver.PENDING, d.read(q.server(), MemorySegment.ofArray(new byte[16]), r));
        assertEquals(0, d.shutdown(q.client(), Driver.SHUT_WR));
        assertEquals(0, await(d, r), "a read waiting when the peer shuts down its side");
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldSeeHalfCloseAsEndOfStreamWhileTheOtherDirectionWorks(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        MemorySegment buffer = arena.allocate(64);
        writeAll(d, p.client(), text("request"));
        assertEquals(0, d.shutdown(p.client(), Driver.SHUT_WR));
        assertEquals(7, readOnce(d, p.server(), buffer));
        assertEquals(0, readOnce(d, p.server(), buffer), "peer's half-close is end of stream");
        writeAll(d, p.server(), text("response"));
        assertEquals(8, readOnce(d, p.client(), buffer));
        assertEquals("response", text(buffer, 8));
        assertEquals(0, d.close(p.server()));
        assertEquals(0, readOnce(d, p.client(), buffer));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldFailConnectWithConnectionRefused(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        // A bound socket that does not listen: connecting to its port is refused at once on loopback.
        int bound = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertEquals(0, d.bind(bound, LOOPBACK));
        InetSocketAddress target = d.localAddress(bound);
        int c = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        Recorder r = new Recorder();
        assertEquals(-Errno.ECONNREFUSED, await(d, r, d.connect(c, target, r)));
        assertEquals(0, d.close(c));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldReportAddressInUse(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int first = listen(d);
        int second = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        int bind = d.bind(second, d.localAddress(first));
        int result = bind != 0 ? bind : d.listen(second, 16); // NIO binds when it listens
        assertEquals(-Errno.EADDRINUSE, result, () -> Errno.describe(result));
        assertEquals(-Errno.EBADF, d.bind(12_345, d.localAddress(first)));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldRefuseEveryCallOnAnUnknownHandle(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int unknown = 12_345;
        Recorder r = new Recorder();
        MemorySegment buf = MemorySegment.ofArray(new byte[8]);
        MemorySegment[] bufs = {buf};
        assertEquals(-Errno.EBADF, d.read(unknown, buf, r));
        assertEquals(-Errno.EBADF, d.write(unknown, buf, r));
        assertEquals(-Errno.EBADF, d.readv(unknown, bufs, r));
        assertEquals(-Errno.EBADF, d.writev(unknown, bufs, r));
        assertEquals(-Errno.EBADF, d.accept(unknown, r));
        assertEquals(-Errno.EBADF, d.connect(unknown, new InetSocketAddress(LOOPBACK_ADDRESS, 9), r));
        assertEquals(-Errno.EBADF, d.receiveFrom(unknown, buf, arena.allocate(128), r));
        assertEquals(-Errno.EBADF, d.sendTo(unknown, buf, new InetSocketAddress(LOOPBACK_ADDRESS, 9), r));
        assertEquals(-Errno.EBADF, d.shutdown(unknown, Driver.SHUT_RDWR));
        assertEquals(-Errno.EBADF, d.close(unknown));
        d.poll(0);
        assertEquals(0, r.calls(), "a refused call never reaches the completion");
        assertTrue(!r.isPending());
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldFailWritesWithEpipeNotSigpipeWhenThePeerHasGone(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        Pair p = tcpPair(d);
        assertEquals(0, d.close(p.server()));
        for (MemorySegment data : new MemorySegment[] {MemorySegment.ofArray(new byte[64 * 1024]),
                                                       arena.allocate(64 * 1024)}) {
            int last = 0;
            // The first writes may be accepted before the peer's RST arrives; after it, the error. No SIGPIPE.
            for (int i = 0; i < 100 && last >= 0; i++) {
                Recorder w = new Recorder();
                last = await(d, w, d.write(p.client(), data, w));
            }
            int result = last;
            assertTrue(result == -Errno.EPIPE || result == -Errno.ECONNRESET, () -> "write: " + Errno.describe(result));
        }
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldSetAndGetOptions(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int l = listen(d);
        assertEquals(1, d.getOption(l, SocketOpt.SO_REUSEADDR));
        int c = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertEquals(0, d.getOption(c, SocketOpt.SO_KEEPALIVE), "a fresh socket's default");
        assertEquals(0, d.setOption(c, SocketOpt.SO_KEEPALIVE, 1));
        assertEquals(0, d.setOption(c, SocketOpt.SO_SNDBUF, 256 * 1024));
        int s = DriverTestSupport.connect(d, l, c);
        assertEquals(1, d.getOption(c, SocketOpt.SO_KEEPALIVE), "set before connect, kept after");
        assertTrue(d.getOption(c, SocketOpt.SO_SNDBUF) >= 256 * 1024);
        assertEquals(0, d.setOption(s, SocketOpt.TCP_NODELAY, 1));
        assertEquals(1, d.getOption(s, SocketOpt.TCP_NODELAY));
        assertEquals(0, d.setOption(s, SocketOpt.TCP_NODELAY, 0));
        assertEquals(0, d.getOption(s, SocketOpt.TCP_NODELAY));
        assertEquals(-Errno.EBADF, d.getOption(12_345, SocketOpt.TCP_NODELAY));
    }

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldConnectAndMoveBytesOverIpv6Loopback(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        int l = d.socket(Driver.AF_INET6, Driver.SOCK_STREAM);
        assumeTrue(l >= 0 && d.bind(l, new InetSocketAddress(InetAddress.getByName("::1"), 0)) == 0,
                "no IPv6 loopback here");
        assertEquals(0, d.listen(l, 4));
        int c = d.socket(Driver.AF_INET6, Driver.SOCK_STREAM);
        int s = DriverTestSupport.connect(d, l, c);
        assertEquals(d.localAddress(l), d.peerAddress(c));
        writeAll(d, c, MemorySegment.ofArray(new byte[] {9, 8, 7, 6}));
        MemorySegment in = MemorySegment.ofArray(new byte[4]);
        assertEquals(4, readOnce(d, s, in));
        assertEquals(6, in.get(ValueLayout.JAVA_BYTE, 3));
    }
}
