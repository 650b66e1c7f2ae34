package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same operations without virtual threads: callbacks on the loop thread, and CompletionStages. */
class CallbackStyleTest {

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEchoWithCallbacksOnLoopThread(Backend backend) throws Exception {
        int size = 256 * 1024;
        byte[] msg = new byte[size];
        new Random(7).nextBytes(msg);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start(); Arena arena = Arena.ofShared()) {
            CompletableFuture<TcpListener> bound = new CompletableFuture<>();
            CompletableFuture<byte[]> echoed = new CompletableFuture<>();
            MemorySegment serverBuf = arena.allocate(4096);
            rt.execute(() -> {
                try {
                    TcpListener l = TcpListener.bind(TcpEchoTest.ANY_LOCAL);
                    l.accept(new AcceptCallback() {
                        @Override
                        public void accepted(TcpStream s) {
                            echo(s, serverBuf);
                        }

                        @Override
                        public void failed(Throwable error) {
                            echoed.completeExceptionally(error);
                        }
                    });
                    bound.complete(l);
                } catch (Exception e) {
                    bound.completeExceptionally(e);
                }
            });
            TcpListener l = bound.get(10, TimeUnit.SECONDS);
            // The client side through CompletionStages, from this (non-loop) thread.
            TcpStream c = rt.blockOn(() -> TcpStream.connect(l.localAddress()));
            ByteBuffer out = ByteBuffer.wrap(msg);
            while (out.hasRemaining()) {
                c.writeAsync(out).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            ByteBuffer in = ByteBuffer.allocate(size);
            while (in.hasRemaining()) {
                int n = c.readAsync(in).toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertEquals(true, n > 0, "no early end of stream");
            }
            assertArrayEquals(msg, in.array());
            c.close();
            l.close();
        }
    }

    /** read → write all → read, with two reused callbacks. */
    private static void echo(TcpStream s, MemorySegment buf) {
        int[] pending = new int[2]; // [0] = bytes read, [1] = bytes written of them
        IoCallback[] onRead = new IoCallback[1];
        IoCallback onWrite = new IoCallback() {
            @Override
            public void completed(int n) {
                pending[1] += n;
                if (pending[1] < pending[0]) {
                    s.write(buf, pending[1], pending[0] - pending[1], this);
                } else {
                    s.read(buf, 0, (int) buf.byteSize(), onRead[0]);
                }
            }

            @Override
            public void failed(Throwable error) {
                closeQuietly(s);
            }
        };
        onRead[0] = new IoCallback() {
            @Override
            public void completed(int n) {
                if (n < 0) {
                    closeQuietly(s);
                    return;
                }
                pending[0] = n;
                pending[1] = 0;
                s.write(buf, 0, n, onWrite);
            }

            @Override
            public void failed(Throwable error) {
                closeQuietly(s);
            }
        };
        s.read(buf, 0, (int) buf.byteSize(), onRead[0]);
        buf.get(ValueLayout.JAVA_BYTE, 0); // the buffer is reachable from the loop thread (shared arena)
    }

    private static void closeQuietly(TcpStream s) {
        try {
            s.close();
        } catch (Exception ignore) {
            // the test's assertions are on the client side
        }
    }
}
