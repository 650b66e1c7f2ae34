package io.ringloop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.time.Time;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** StreamReader and StreamWriter over real TCP connections, every backend. */
class StreamIoTest {
    /** What one side of a connection does; the other side is the test body. */
    @FunctionalInterface
    interface Side {
        void run(TcpStream stream) throws Exception;
    }

    /** Runs {@code peer} on the accepted side in its own task and {@code body} on the connecting side. */
    static void connected(Backend backend, Side peer, Side body) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0));
                     TcpStream c = TcpStream.connect(l.localAddress())) {
                    TcpStream s = l.accept();
                    JoinHandle<Void> other = Tasks.spawn(() -> {
                        try (s) {
                            peer.run(s);
                        }
                        return null;
                    });
                    body.run(c);
                    other.join();
                }
                return null;
            });
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReadCrlfAndLfLinesAndTheLastUnterminatedOne(Backend backend) throws Exception {
        connected(backend, s -> s.writeAll(ascii("GET / HTTP/1.1\r\nHost: x\n\r\nlast")), c -> {
            StreamReader r = new StreamReader(c, 4, 64);
            assertEquals("GET / HTTP/1.1", r.readLine(20).toString());
            assertEquals("Host: x", r.readLine(20).toString());
            assertEquals("", r.readLine(20).toString());
            assertEquals("last", r.readLine(20).toString());
            assertNull(r.readLine(20));
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRejectLongLineAndConsumeNothing(Backend backend) throws Exception {
        connected(backend, s -> s.writeAll(ascii("0123456789\nab\n")), c -> {
            StreamReader r = new StreamReader(c, 4, 64);
            FrameTooLongException e = assertThrows(FrameTooLongException.class, () -> r.readLine(9));
            assertEquals(9, e.limit());
            assertEquals("0123456789", r.readLine(10).toString());
            assertEquals("ab", r.readUntil((byte) '\n', 2).toString());
            assertThrows(IllegalArgumentException.class, () -> r.readLine(63), "a limit beyond the window");
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldKeepHalfLineWhenReadIsCancelled(Backend backend) throws Exception {
        connected(backend, s -> {
            s.writeAll(ascii("half "));
            StreamReader r = new StreamReader(s);
            assertEquals("go", r.readLine(10).toString()); // the other side saw its timeout
            s.writeAll(ascii("line\n"));
        }, c -> {
            StreamReader r = new StreamReader(c);
            assertThrows(TimeoutException.class, () -> Time.timeout(Duration.ofMillis(50), () -> r.readLine(100)));
            c.writeAll(ascii("go\n"));
            assertEquals("half line", r.readLine(100).toString());
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldPeekReadExactlySkipAndReadBytes(Backend backend) throws Exception {
        byte[] big = new byte[1 << 20];
        new Random(7).nextBytes(big);
        connected(backend, s -> {
            s.writeAll(ascii("abcdef"));
            s.writeAll(big);
            s.writeAll(big);
            s.writeAll(ascii("z"));
        }, c -> {
            StreamReader r = new StreamReader(c, 16, 1024);
            assertEquals("abc", r.peek(3).toString());
            assertEquals('a', r.readByte());
            assertEquals("bcd", r.readExactly(3).toString());
            assertEquals(2, r.skip(2));
            byte[] got = new byte[big.length];
            r.readExactly(got, 0, got.length); // far larger than the window: streams through
            assertArrayEquals(big, got);
            assertEquals(big.length, r.skip(big.length));
            assertEquals('z', r.readByte());
            assertEquals(-1, r.readByte());
            assertEquals(0, r.peek(5).length());
            assertThrows(java.io.EOFException.class, () -> r.readExactly(1));
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldThrowWhenStaleViewIsUsed(Backend backend) throws Exception {
        connected(backend, s -> s.writeAll(ascii("one\ntwo\n")), c -> {
            StreamReader r = new StreamReader(c);
            ByteView first = r.readLine(10);
            assertEquals(3, first.length());
            ByteView second = r.readLine(10);
            assertThrows(IllegalStateException.class, () -> first.get(0));
            assertThrows(IllegalStateException.class, first::toString);
            assertEquals("two", second.toString());
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeGzipThroughStreamViewsAndKeepConnectionOpen(Backend backend) throws Exception {
        byte[] text = ascii("hello ringloop ".repeat(5000));
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(zipped)) {
            z.write(text);
        }
        connected(backend, s -> {
            StreamReader r = new StreamReader(s);
            StreamWriter w = new StreamWriter(s);
            byte[] got;
            try (InputStream in = new GZIPInputStream(r.asInputStream())) {
                got = in.readAllBytes();
            }
            try (OutputStream out = new GZIPOutputStream(w.asOutputStream())) {
                out.write(got);
            }
            w.writeAscii("\ndone\n"); // the views closed, the connection did not
            w.flush();
        }, c -> {
            c.writeAll(zipped.toByteArray());
            c.shutdownOutput();
            StreamReader r = new StreamReader(c);
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            int n;
            while ((n = r.read(chunk, 0, chunk.length)) > 0) {
                back.write(chunk, 0, n);
            }
            byte[] all = back.toByteArray();
            byte[] trailer = ascii("\ndone\n");
            byte[] gz = java.util.Arrays.copyOf(all, all.length - trailer.length);
            assertArrayEquals(trailer, java.util.Arrays.copyOfRange(all, gz.length, all.length));
            assertArrayEquals(text, new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes());
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldMoveBytesThroughChannelViewsAndGatheredWrites(Backend backend) throws Exception {
        byte[] big = new byte[300_000];
        new Random(3).nextBytes(big);
        connected(backend, s -> {
            StreamWriter w = new StreamWriter(s, 1024);
            WritableByteChannel ch = w.asChannel();
            ch.write(ByteBuffer.wrap(ascii("head:")));
            ByteBuffer direct = ByteBuffer.allocateDirect(big.length).put(big).flip();
            ch.write(direct); // large native memory: gathered with the buffered head, not copied
            try (Arena arena = Arena.ofShared()) {
                MemorySegment seg = arena.allocate(5000);
                seg.fill((byte) 'x');
                w.writeDecimal(-42);
                w.write(seg);
                w.write(big, 0, 2000); // large heap bytes with a small buffer: one gather of both
                w.flush();
            }
            ch.close();
        }, c -> {
            ReadableByteChannel in = new StreamReader(c, 512, 4096).asChannel();
            ByteBuffer all = ByteBuffer.allocate(5 + big.length + 3 + 5000 + 2000);
            while (all.hasRemaining() && in.read(all) > 0) {
                // keep reading
            }
            assertTrue(!all.hasRemaining(), "everything arrived");
            all.flip();
            byte[] got = new byte[all.remaining()];
            all.get(got);
            ByteArrayOutputStream want = new ByteArrayOutputStream();
            want.writeBytes(ascii("head:"));
            want.writeBytes(big);
            want.writeBytes(ascii("-42"));
            want.writeBytes(ascii("x".repeat(5000)));
            want.write(big, 0, 2000);
            assertArrayEquals(want.toByteArray(), got);
            assertEquals(-1, in.read(ByteBuffer.allocate(1)));
        });
    }
}
