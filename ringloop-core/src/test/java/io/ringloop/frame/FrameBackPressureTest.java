package io.ringloop.frame;

import static io.ringloop.frame.FrameEchoTest.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.LoopMetrics;
import io.ringloop.net.ServerLimits;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Output: watermarks, the hard cap, the write timeout, close with data queued, one write per turn. */
class FrameBackPressureTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);
    private static final int REPLY = 1024;

    /** For each byte received, a 1 KiB reply; stops consuming while the connection is unwritable. */
    static final class Amplifier implements FrameHandler {
        final AtomicLong consumed;
        final AtomicLong maxQueued;
        final AtomicBoolean sawUnwritable;
        final CompletableFuture<Throwable> closed;

        Amplifier(AtomicLong consumed, AtomicLong maxQueued, AtomicBoolean sawUnwritable,
                  CompletableFuture<Throwable> closed) {
            this.consumed = consumed;
            this.maxQueued = maxQueued;
            this.sawUnwritable = sawUnwritable;
            this.closed = closed;
        }

        @Override
        public long onData(FrameConnection c, FrameView in) {
            byte[] reply = new byte[REPLY];
            long n = 0;
            while (n < in.length()) {
                n++;
                boolean writable = c.send(reply);
                maxQueued.accumulateAndGet(c.queuedBytes(), Math::max);
                if (!writable) {
                    sawUnwritable.set(true);
                    break;
                }
            }
            consumed.addAndGet(n);
            return n;
        }

        @Override
        public void onClosed(FrameConnection c, Throwable cause) {
            closed.complete(cause);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldPauseInputForAPeerThatNeverReadsUntilTheWriteTimeout(FrameSetup setup) throws Exception {
        AtomicLong consumed = new AtomicLong();
        AtomicLong maxQueued = new AtomicLong();
        AtomicBoolean sawUnwritable = new AtomicBoolean();
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        ServerLimits limits = ServerLimits.DEFAULTS.withWriteTimeout(Duration.ofMillis(300));
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt, ANY, limits,
                     () -> new Amplifier(consumed, maxQueued, sawUnwritable, closed));
             Socket s = connect(server)) {
            int offered = 16 << 20;
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    s.getOutputStream().write(new byte[offered]);
                } catch (IOException expected) {
                    // the server aborts the connection under the blocked write
                }
            });
            assertInstanceOf(SocketTimeoutException.class, closed.get(30, TimeUnit.SECONDS), "write timeout");
            writer.get(30, TimeUnit.SECONDS);
            assertTrue(sawUnwritable.get(), "send returned false past the high watermark");
            long high = FrameOptions.DEFAULTS.highWaterMark();
            assertTrue(maxQueued.get() <= high + REPLY, "queued output stays at the watermark: " + maxQueued);
            assertTrue(consumed.get() < offered / 16, "input paused: consumed " + consumed + " of " + offered);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldAbortPastFourTimesTheHighWatermark(FrameSetup setup) throws Exception {
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, () -> new FrameHandler() {
                 @Override
                 public long onData(FrameConnection c, FrameView in) {
                     for (int i = 0; i < 5 && c.isOpen(); i++) {
                         c.send(new byte[64 * 1024]); // ignores the answer
                     }
                     return in.length();
                 }

                 @Override
                 public void onClosed(FrameConnection c, Throwable cause) {
                     closed.complete(cause);
                 }
             });
             Socket s = connect(server)) {
            s.getOutputStream().write(1);
            Throwable cause = closed.get(30, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, cause);
            assertTrue(cause.getMessage().contains("4 x the high watermark"), cause.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldDeliverEveryQueuedByteBeforeTheEndOnClose(FrameSetup setup) throws Exception {
        int size = 2 << 20;
        FrameOptions roomy = FrameOptions.DEFAULTS.withWaterMarks(4 << 20, 8 << 20);
        AtomicBoolean released = new AtomicBoolean();
        try (Ringloop rt = setup.start(1);
             Arena arena = Arena.ofShared();
             FrameServer server = FrameServer.start(rt.loops(), ANY, ServerLimits.DEFAULTS, roomy, () -> (c, in) -> {
                 MemorySegment owned = arena.allocate(size / 2);
                 owned.fill((byte) 2);
                 byte[] copied = new byte[size / 2];
                 java.util.Arrays.fill(copied, (byte) 1);
                 c.send(copied);
                 c.sendOwned(owned, () -> released.set(true));
                 c.close();
                 return in.length();
             });
             Socket s = connect(server)) {
            s.getOutputStream().write(1);
            byte[] back = new DataInputStream(s.getInputStream()).readNBytes(size + 1);
            assertEquals(size, back.length, "every byte, then the end of stream");
            assertEquals(1, back[0]);
            assertEquals(1, back[size / 2 - 1]);
            assertEquals(2, back[size / 2]);
            assertEquals(2, back[size - 1]);
            assertTrue(released.get(), "the owned segment was released once sent");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldAnswerPipelinedFramesInOrderWithOneWritePerTurn(FrameSetup setup) throws Exception {
        java.util.List<long[]> counted = new java.util.ArrayList<>(); // depth, writes, turns, operations counted
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, FrameEchoTest.LengthPrefixed::new);
             Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int depth : new int[] {1, 16, 1000}) {
                java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < depth; i++) {
                    batch.write(FrameEchoTest.frame(new byte[] {(byte) i, (byte) (i >> 8)}));
                }
                LoopMetrics before = rt.loop(0).metrics();
                out.write(batch.toByteArray());
                for (int i = 0; i < depth; i++) {
                    assertEquals(2, in.readInt(), "reply " + i + " of " + depth);
                    assertEquals(FrameEchoTest.sum(new byte[] {(byte) i, (byte) (i >> 8)}), in.readInt(),
                            "reply " + i + " of " + depth + " in order");
                }
                LoopMetrics after = metricsAfterWrites(rt);
                long writes = after.operations().submitted().writes() - before.operations().submitted().writes();
                long turns = after.turns() - before.turns();
                counted.add(new long[] {depth, writes, turns, after.operations().submitted().total()});
            }
        }
        // A driver wrapped by the fault injector (-Dringloop.faultSeed) counts nothing: the replies are checked above.
        assumeTrue(counted.get(0)[3] > 0, "the loop's driver keeps no operation counters");
        for (long[] c : counted) {
            assertTrue(c[1] >= 1 && c[1] <= c[2], c[0] + " pipelined frames: " + c[1] + " writes in " + c[2]
                    + " turns");
        }
        assertTrue(counted.get(2)[1] < 100, "1000 replies gathered into few writes: " + counted.get(2)[1]);
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldResumeAPartialFrameOnceWritableAgain(FrameSetup setup) throws Exception {
        int big = 200 * 1024; // past the high watermark, below the hard cap
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, () -> new FrameHandler() {
                 private final FrameEchoTest.LengthPrefixed frames = new FrameEchoTest.LengthPrefixed();

                 @Override
                 public long onData(FrameConnection c, FrameView in) {
                     if (in.length() >= 5 && in.get(0) == 0 && in.get(3) == 1 && in.get(4) == 'B') {
                         c.send(new byte[big]); // frame "B": a big answer, the connection turns unwritable
                         return 5;
                     }
                     return frames.onData(c, in);
                 }
             });
             Socket s = connect(server)) {
            byte[] next = FrameEchoTest.frame("after the pause".getBytes());
            OutputStream out = s.getOutputStream();
            out.write(FrameEchoTest.frame("B".getBytes()));
            out.write(next, 0, 6); // half a frame behind it, accumulated while unwritable
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertEquals(big, in.readNBytes(big).length); // the server becomes writable, resumes, needs more
            out.write(next, 6, next.length - 6);
            assertEquals(15, in.readInt(), "the partial frame was completed and answered");
            assertEquals(FrameEchoTest.sum("after the pause".getBytes()), in.readInt());
        }
    }

    /** The loop's metrics once it has gone round after the last reply (the counters are written there). */
    private static LoopMetrics metricsAfterWrites(Ringloop rt) throws Exception {
        CompletableFuture<LoopMetrics> m = new CompletableFuture<>();
        rt.loop(0).execute(() -> m.complete(rt.loop(0).metrics()));
        return m.get(10, TimeUnit.SECONDS);
    }
}
