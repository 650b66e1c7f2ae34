package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.lang.foreign.MemorySegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fairness budget: on a one-loop runtime a connection whose reads always complete at once (its data is all
 * there: 16 KiB read a byte at a time) must not keep a quiet connection waiting. The quiet connection's byte
 * arrives right after the flood's first read; the quiet reader must run before the flood has done more than a
 * few budgets of reads. An ordering bound (reads done by the flood), not a clock: without the budget the flood
 * does all 16,384 reads first in task style, and 1,024 per turn in callback style.
 */
class FairnessTest {
    private static final int BUDGET = 128;
    private static final int FLOOD_BYTES = 16 * 1024;
    /** One budget, one poll that may come a turn late, and room to spare. */
    private static final int BOUND = 3 * BUDGET;
    private static final long HANG_SEC = 60; // only a hang gets near it: not a timing assertion

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeAQuietConnectionBesideAFloodedOneInTasks(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).budget(BUDGET).start();
             Pair flood = Pair.open(rt); Pair quiet = Pair.open(rt)) {
            flood.fill(FLOOD_BYTES);
            AtomicInteger floodReads = new AtomicInteger();
            int seenByQuiet = rt.blockOn(() -> {
                JoinHandle<Integer> quietReader = Tasks.spawn(() -> {
                    quiet.server.readFully(new byte[1], 0, 1);
                    return floodReads.get();
                });
                Tasks.spawn(() -> null).join(); // one loop: the quiet reader has run to its read and waits in it
                JoinHandle<Void> floodReader = Tasks.spawn(() -> {
                    byte[] one = new byte[1];
                    for (int i = 0; i < FLOOD_BYTES; i++) {
                        assertEquals(1, flood.server.read(one));
                        floodReads.incrementAndGet();
                        if (i == 0) {
                            quiet.client.write(ByteBuffer.wrap(new byte[] {1})); // now the quiet one has data
                        }
                    }
                    return null;
                });
                int seen = quietReader.join();
                floodReader.join();
                return seen;
            });
            assertEquals(FLOOD_BYTES, floodReads.get());
            assertTrue(seenByQuiet >= 1 && seenByQuiet <= BOUND,
                    "the quiet connection was served after " + seenByQuiet + " reads of the flood (bound "
                            + BOUND + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeAQuietConnectionBesideAFloodedOneInCallbacks(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).budget(BUDGET).start();
             Pair flood = Pair.open(rt); Pair quiet = Pair.open(rt)) {
            flood.fill(FLOOD_BYTES);
            AtomicInteger floodReads = new AtomicInteger();
            CompletableFuture<Integer> seenByQuiet = new CompletableFuture<>();
            CompletableFuture<Integer> floodDone = new CompletableFuture<>();
            // Heap memory: on io_uring a heap read tries recv(2) first, so a flood's reads complete at once.
            MemorySegment quietBuf = MemorySegment.ofArray(new byte[1]);
            MemorySegment floodBuf = MemorySegment.ofArray(new byte[1]);
            rt.execute(() -> {
                quiet.server.read(quietBuf, 0, 1, callback(n -> seenByQuiet.complete(floodReads.get()), seenByQuiet));
                rt.execute(() -> flood.server.read(floodBuf, 0, 1, new IoCallback() { // the next turn
                    @Override
                    public void completed(int n) {
                        int done = floodReads.incrementAndGet();
                        if (done == 1) {
                            try {
                                quiet.client.write(ByteBuffer.wrap(new byte[] {1}));
                            } catch (Exception e) {
                                floodDone.completeExceptionally(e);
                            }
                        }
                        if (n != 1 || done == FLOOD_BYTES) {
                            floodDone.complete(done);
                        } else {
                            flood.server.read(floodBuf, 0, 1, this);
                        }
                    }

                    @Override
                    public void failed(Throwable error) {
                        floodDone.completeExceptionally(error);
                    }
                }));
            });
            int seen = seenByQuiet.get(HANG_SEC, TimeUnit.SECONDS);
            assertEquals(FLOOD_BYTES, floodDone.get(HANG_SEC, TimeUnit.SECONDS));
            assertTrue(seen >= 1 && seen <= BOUND,
                    "the quiet connection was served after " + seen + " reads of the flood (bound " + BOUND + ")");
        }
    }

    /** A JDK client socket and the ringloop stream the server side of it is. */
    record Pair(SocketChannel client, TcpStream server, TcpListener listener) implements AutoCloseable {
        static Pair open(Ringloop rt) throws Exception {
            TcpListener l = rt.blockOn(() -> TcpListener.bind(TcpEchoTest.ANY_LOCAL));
            SocketChannel c = SocketChannel.open(l.localAddress());
            return new Pair(c, rt.blockOn(l::accept), l);
        }

        /** Sends {@code bytes} to the server side before anyone reads: its reads then complete at once. */
        void fill(int bytes) throws Exception {
            ByteBuffer b = ByteBuffer.allocate(bytes);
            while (b.hasRemaining()) {
                client.write(b);
            }
        }

        @Override
        public void close() throws IOException {
            client.close();
            server.close();
            listener.close();
        }
    }

    @FunctionalInterface
    interface OnCompleted {
        void completed(int n);
    }

    private static IoCallback callback(OnCompleted onCompleted, CompletableFuture<?> onFailure) {
        return new IoCallback() {
            @Override
            public void completed(int n) {
                onCompleted.completed(n);
            }

            @Override
            public void failed(Throwable error) {
                onFailure.completeExceptionally(error);
            }
        };
    }
}
