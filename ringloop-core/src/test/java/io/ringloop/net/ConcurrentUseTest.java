package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One reader and one writer per stream at a time: a second one, while the first waits, gets the same clear
 * IllegalStateException on every backend (naming the call and the stream), and the first goes on unharmed.
 * On one loop a task runs until it parks, so "the first is waiting" holds when the second starts.
 */
class ConcurrentUseTest {
    private static final int HUGE = 32 << 20; // more than any socket buffer: the write has to wait

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseASecondReaderAndASecondWriterClearly(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(TcpEchoTest.ANY_LOCAL);
                     TcpStream c = TcpStream.connect(l.localAddress()); TcpStream s = l.accept()) {
                    JoinHandle<byte[]> reader = Tasks.spawn(() -> {
                        byte[] b = new byte[3];
                        s.readFully(b, 0, 3);
                        return b;
                    });
                    Tasks.spawn(() -> null).join(); // the reader now waits in its read
                    busy(() -> s.read(new byte[1]), "read", s);
                    busy(() -> s.read(ByteBuffer.allocate(1), ByteBuffer.allocate(1)), "readv", s);

                    JoinHandle<Void> writer = Tasks.spawn(() -> {
                        s.writeAll(new byte[HUGE]);
                        return null;
                    });
                    Tasks.spawn(() -> null).join(); // the writer now waits for room
                    busy(() -> s.write(new byte[] {1}, 0, 1), "write", s);
                    busy(() -> s.write(ByteBuffer.allocate(1), ByteBuffer.allocate(1)), "writev", s);

                    c.writeAll("abc".getBytes());
                    assertArrayEquals("abc".getBytes(), reader.join(), "the first reader is unharmed");
                    byte[] sink = new byte[1 << 16];
                    for (int got = 0; got < HUGE; ) {
                        got += c.read(sink);
                    }
                    writer.join();
                    s.writeAll(new byte[] {5}); // free again
                    byte[] one = new byte[1];
                    c.readFully(one, 0, 1);
                    assertEquals(5, one[0]);
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseASecondCallbackReadClearly(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            TcpListener l = rt.blockOn(() -> TcpListener.bind(TcpEchoTest.ANY_LOCAL));
            TcpStream c = rt.blockOn(() -> TcpStream.connect(l.localAddress()));
            TcpStream s = rt.blockOn(l::accept);
            CompletableFuture<Throwable> second = new CompletableFuture<>();
            CompletableFuture<Integer> first = new CompletableFuture<>();
            MemorySegment buf = MemorySegment.ofArray(new byte[8]);
            rt.execute(() -> {
                s.read(buf, 0, 8, callback(first));
                try {
                    s.read(buf, 0, 8, callback(new CompletableFuture<>()));
                    second.complete(null);
                } catch (Throwable t) {
                    second.complete(t);
                }
            });
            Throwable t = second.get(30, TimeUnit.SECONDS);
            assertTrue(t instanceof IllegalStateException, String.valueOf(t));
            assertTrue(t.getMessage().startsWith("read(" + s + "): another read of this stream is in progress"),
                    t.getMessage());
            rt.blockOn(() -> {
                c.writeAll(new byte[] {1, 2});
                return null;
            });
            assertTrue(first.get(30, TimeUnit.SECONDS) >= 1, "the first read is unharmed");
            CompletableFuture<Integer> again = new CompletableFuture<>();
            rt.execute(() -> s.read(buf, 0, 8, callback(again))); // free again once the first completed
            rt.blockOn(() -> {
                c.writeAll(new byte[] {3});
                return null;
            });
            assertTrue(again.get(30, TimeUnit.SECONDS) >= 1);
            c.close();
            s.close();
            l.close();
        }
    }

    private static void busy(Executable second, String call, TcpStream s) {
        IllegalStateException e = assertThrows(IllegalStateException.class, second);
        String direction = call.startsWith("read") ? "read" : "write";
        assertEquals(call + "(" + s + "): another " + direction + " of this stream is in progress; one reader and "
                + "one writer at a time", e.getMessage());
    }

    private static IoCallback callback(CompletableFuture<Integer> done) {
        return new IoCallback() {
            @Override
            public void completed(int result) {
                done.complete(result);
            }

            @Override
            public void failed(Throwable error) {
                done.completeExceptionally(error);
            }
        };
    }
}
