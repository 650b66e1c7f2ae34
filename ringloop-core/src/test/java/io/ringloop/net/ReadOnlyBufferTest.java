package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No read writes into read-only memory: every read path refuses a read-only buffer the way the JDK's channels
 * do ({@link IllegalArgumentException}), leaves it untouched and loses no byte of the stream.
 */
class ReadOnlyBufferTest {
    private static final byte[] SENT = "abc".getBytes();

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseReadOnlyBuffersOnEveryStreamReadPath(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start(); Arena arena = Arena.ofShared()) {
            rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(TcpEchoTest.ANY_LOCAL);
                     TcpStream c = TcpStream.connect(l.localAddress()); TcpStream s = l.accept()) {
                    c.writeAll(SENT);
                    byte[] backing = new byte[8];
                    ByteBuffer heap = ByteBuffer.wrap(backing).asReadOnlyBuffer();
                    ByteBuffer direct = ByteBuffer.allocateDirect(8).asReadOnlyBuffer();
                    MemorySegment nativeRo = arena.allocate(8).asReadOnly();
                    ByteBuffer writable = ByteBuffer.allocate(8);
                    refused(() -> s.read(heap));
                    refused(() -> s.read(direct));
                    refused(() -> s.read(ByteBuffer.allocate(0).asReadOnlyBuffer())); // empty: still refused
                    refused(() -> s.read(nativeRo, 0, 8));
                    refused(() -> s.read(MemorySegment.ofArray(backing).asReadOnly(), 0, 8));
                    refused(() -> s.read(writable, heap));
                    refused(() -> s.read(new ByteBuffer[] {writable, heap}, 0, 2));
                    refused(() -> s.read(MemorySegment.ofArray(new byte[8]), nativeRo));
                    refused(() -> s.readAsync(heap));
                    assertArrayEquals(new byte[8], backing, "nothing was written into the read-only buffer");
                    assertEquals(0, heap.position());
                    assertEquals(0, writable.position(), "a refused scatter read moves no buffer");
                    // Nothing was consumed: the stream still holds every byte.
                    byte[] got = new byte[SENT.length];
                    s.readFully(got, 0, got.length);
                    assertArrayEquals(SENT, got);
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseReadOnlyBufferInCallbackRead(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            TcpListener l = rt.blockOn(() -> TcpListener.bind(TcpEchoTest.ANY_LOCAL));
            TcpStream c = rt.blockOn(() -> TcpStream.connect(l.localAddress()));
            TcpStream s = rt.blockOn(l::accept);
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            MemorySegment ro = MemorySegment.ofArray(new byte[8]).asReadOnly();
            rt.execute(() -> {
                try {
                    s.read(ro, 0, 8, new IoCallback() {
                        @Override
                        public void completed(int result) {
                            thrown.complete(null);
                        }

                        @Override
                        public void failed(Throwable error) {
                            thrown.complete(error);
                        }
                    });
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            Throwable t = thrown.get(30, TimeUnit.SECONDS);
            assertInstanceOf(IllegalArgumentException.class, t, "thrown at once, as the JDK's channels do");
            assertTrue(t.getMessage().contains("read-only buffer"), t.getMessage());
            c.close();
            s.close();
            l.close();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseReadOnlyBufferOnUdpReceive(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
                try (UdpSocket a = UdpSocket.bind(any); UdpSocket b = UdpSocket.bind(any)) {
                    a.send(ByteBuffer.wrap(SENT), b.localAddress());
                    byte[] backing = new byte[8];
                    refused(() -> b.receive(ByteBuffer.wrap(backing).asReadOnlyBuffer()));
                    assertArrayEquals(new byte[8], backing);
                    ByteBuffer got = ByteBuffer.allocate(8);
                    b.receive(got); // the datagram is still there
                    assertEquals(SENT.length, got.position());
                }
                return null;
            });
        }
    }

    static void refused(Executable read) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read);
        assertTrue(e.getMessage().contains("read-only buffer"), e.getMessage());
    }
}
