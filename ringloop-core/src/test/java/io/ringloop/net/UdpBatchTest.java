package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Many datagrams per call, in the blocking and the callback style, against one datagram per call. */
class UdpBatchTest {
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);
    private static final int N = 40;

    /** Datagram {@code i} of a run: its length varies (0 included) and its bytes say which it is. */
    private static byte[] datagram(int i) {
        byte[] d = new byte[(i * 7) % 50];
        for (int j = 0; j < d.length; j++) {
            d[j] = (byte) (i + j);
        }
        return d;
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldMoveTheSameDatagramsInBatchesAsOneByOne(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UdpSocket a = UdpSocket.bind(LOCAL); UdpSocket b = UdpSocket.bind(LOCAL);
                     UdpBatch out = UdpBatch.allocate(16, 64); UdpBatch in = UdpBatch.allocate(16, 64)) {
                    // One by one out, batches in.
                    for (int i = 0; i < N; i++) {
                        a.send(ByteBuffer.wrap(datagram(i)), b.localAddress());
                    }
                    // Sorted: loopback keeps one sender's order in practice, but UDP does not promise it.
                    assertEquals(expected(a.localAddress()), sorted(received(b, in)));
                    // Batches out (the last one partly filled), one by one in.
                    for (int i = 0; i < N; ) {
                        out.clear();
                        for (int k = 0; k < out.capacity() && i < N; k++, i++) {
                            out.add(datagram(i), 0, datagram(i).length, b.localAddress());
                        }
                        assertEquals(out.size(), a.send(out));
                    }
                    List<String> oneByOne = new ArrayList<>();
                    ByteBuffer buf = ByteBuffer.allocate(64);
                    for (int i = 0; i < N; i++) {
                        UdpReceived r = b.receiveDatagram(buf.clear());
                        byte[] d = new byte[r.received()];
                        buf.flip().get(d);
                        oneByOne.add(r.sender() + " " + java.util.Arrays.toString(d));
                    }
                    assertEquals(expected(a.localAddress()), sorted(oneByOne));
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFlagTruncationAndSendToTheConnectedPeerInABatch(Backend backend) throws Exception {
        // No empty datagram on NIO: the JDK cannot send one on a connected channel (UdpEdgeCasesTest).
        int count = backend == Backend.NIO ? 2 : 3;
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UdpSocket a = UdpSocket.bind(LOCAL); UdpSocket b = UdpSocket.bind(LOCAL);
                     UdpBatch out = UdpBatch.allocate(3, 200); UdpBatch in = UdpBatch.allocate(8, 10)) {
                    a.connect(b.localAddress());
                    out.add(ByteBuffer.wrap(new byte[100]), null).add(ByteBuffer.wrap(new byte[10]), null);
                    if (count == 3) {
                        out.add(ByteBuffer.allocateDirect(0), null);
                    }
                    assertEquals(count, a.send(out));
                    int got = 0;
                    int[] lengths = new int[count];
                    boolean[] truncated = new boolean[count];
                    while (got < count) {
                        int n = b.receive(in);
                        for (int i = 0; i < n; i++, got++) {
                            lengths[got] = in.length(i);
                            truncated[got] = in.truncated(i);
                            assertEquals(a.localAddress(), in.sender(i));
                            assertEquals(Math.min(10, in.length(i)), in.data(i).byteSize());
                        }
                    }
                    assertArrayEquals(java.util.Arrays.copyOf(new int[] {100, 10, 0}, count), lengths);
                    assertArrayEquals(java.util.Arrays.copyOf(new boolean[] {true, false, false}, count), truncated);
                    assertThrows(IllegalArgumentException.class, () -> out.clear().add(new byte[201], 0, 201, null));
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReceiveAndSendWithCallbacksOnTheLoopThread(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start(); Arena arena = Arena.ofShared()) {
            UdpSocket server = rt.blockOn(() -> UdpSocket.bind(LOCAL));
            UdpBatch batch = UdpBatch.allocate(8, 64);
            MemorySegment buf = arena.allocate(64);
            CompletableFuture<Integer> echoed = new CompletableFuture<>();
            // The server: one datagram by callback, echoed back; then a batch by callback, echoed back as a batch.
            rt.execute(() -> server.receive(buf, new IoCallback() {
                @Override
                public void completed(int length) {
                    server.send(buf.asSlice(0, length), server.lastSender(), new IoCallback() {
                        @Override
                        public void completed(int sent) {
                            server.receive(batch, new IoCallback() {
                                @Override
                                public void completed(int n) {
                                    echoBatch(server, batch, n, echoed);
                                }

                                @Override
                                public void failed(Throwable error) {
                                    echoed.completeExceptionally(error);
                                }
                            });
                        }

                        @Override
                        public void failed(Throwable error) {
                            echoed.completeExceptionally(error);
                        }
                    });
                }

                @Override
                public void failed(Throwable error) {
                    echoed.completeExceptionally(error);
                }
            }));
            rt.blockOn(() -> {
                try (UdpSocket c = UdpSocket.bind(LOCAL)) {
                    c.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), server.localAddress());
                    ByteBuffer back = ByteBuffer.allocate(8);
                    assertEquals(server.localAddress(), c.receive(back));
                    assertEquals(3, back.position());
                    c.send(ByteBuffer.wrap(new byte[] {9, 9}), server.localAddress());
                    back.clear();
                    c.receive(back);
                    assertEquals(2, back.position());
                    assertEquals(9, back.get(0));
                }
                return null;
            });
            assertTrue(echoed.get(10, TimeUnit.SECONDS) >= 1);
            assertThrows(IllegalStateException.class, () -> server.receive(buf, null), "not on the loop thread");
            rt.blockOn(() -> {
                server.close();
                batch.close();
                return null;
            });
        }
    }

    /** Sends the {@code n} datagrams just received back to their senders as one batch, by callback. */
    private static void echoBatch(UdpSocket server, UdpBatch batch, int n, CompletableFuture<Integer> done) {
        UdpBatch out = UdpBatch.allocate(n, 64);
        for (int i = 0; i < n; i++) {
            byte[] d = batch.data(i).toArray(ValueLayout.JAVA_BYTE);
            out.add(d, 0, d.length, batch.sender(i));
        }
        try {
            server.send(out, new IoCallback() {
                @Override
                public void completed(int sent) {
                    out.close();
                    done.complete(sent);
                }

                @Override
                public void failed(Throwable error) {
                    out.close();
                    done.completeExceptionally(error);
                }
            });
        } catch (java.io.IOException | RuntimeException e) {
            out.close();
            done.completeExceptionally(e);
        }
    }

    private static List<String> received(UdpSocket s, UdpBatch in) throws Exception {
        List<String> got = new ArrayList<>();
        while (got.size() < N) {
            int n = s.receive(in);
            assertTrue(n >= 1 && n <= in.capacity());
            for (int i = 0; i < n; i++) {
                assertFalse(in.truncated(i));
                got.add(in.sender(i) + " " + java.util.Arrays.toString(in.data(i).toArray(ValueLayout.JAVA_BYTE)));
            }
        }
        return got;
    }

    private static List<String> sorted(List<String> l) {
        List<String> s = new ArrayList<>(l);
        java.util.Collections.sort(s);
        return s;
    }

    private static List<String> expected(InetSocketAddress from) {
        List<String> e = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            e.add(from + " " + java.util.Arrays.toString(datagram(i)));
        }
        return sorted(e);
    }
}
