package io.ringloop.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.io.FrameTooLongException;
import io.ringloop.net.ServerLimits;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The framing server's receive path and parser contract, on every backend. */
class FrameEchoTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    /** Echoes whatever arrives, consuming it all. */
    static final class Echo implements FrameHandler {
        @Override
        public long onData(FrameConnection c, FrameView in) {
            c.send(in, 0, in.length());
            return in.length();
        }
    }

    /**
     * Frames of a 4-byte big-endian length and that many bytes; answers each with the payload's length and a
     * checksum (8 bytes), so a frame split anywhere must be reassembled before it is answered.
     */
    static final class LengthPrefixed implements FrameHandler {
        private final CompletableFuture<Throwable> closed;
        private final CompletableFuture<Void> partialSeen;

        LengthPrefixed() {
            this(new CompletableFuture<>());
        }

        LengthPrefixed(CompletableFuture<Throwable> closed) {
            this(closed, new CompletableFuture<>());
        }

        /** {@code partialSeen} completes when a call finds an incomplete frame. */
        LengthPrefixed(CompletableFuture<Throwable> closed, CompletableFuture<Void> partialSeen) {
            this.closed = closed;
            this.partialSeen = partialSeen;
        }

        @Override
        public void onClosed(FrameConnection c, Throwable cause) {
            closed.complete(cause);
        }

        @Override
        public long onData(FrameConnection c, FrameView in) {
            if (in.length() < 4) {
                partialSeen.complete(null);
                return FrameHandler.NEED_MORE;
            }
            long len = ((in.get(0) & 0xFFL) << 24) | ((in.get(1) & 0xFF) << 16) | ((in.get(2) & 0xFF) << 8)
                    | (in.get(3) & 0xFF);
            if (in.length() < 4 + len) {
                partialSeen.complete(null);
                return FrameHandler.needAtLeast(4 + len);
            }
            int sum = 0;
            for (long i = 0; i < len; i++) {
                sum = sum * 31 + in.get(4 + i);
            }
            c.send(answer((int) len, sum));
            return 4 + len;
        }
    }

    static byte[] answer(int len, int sum) {
        return new byte[] {(byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len,
            (byte) (sum >>> 24), (byte) (sum >>> 16), (byte) (sum >>> 8), (byte) sum};
    }

    static byte[] frame(byte[] payload) {
        byte[] f = new byte[4 + payload.length];
        int len = payload.length;
        f[0] = (byte) (len >>> 24);
        f[1] = (byte) (len >>> 16);
        f[2] = (byte) (len >>> 8);
        f[3] = (byte) len;
        System.arraycopy(payload, 0, f, 4, len);
        return f;
    }

    static int sum(byte[] payload) {
        int sum = 0;
        for (byte b : payload) {
            sum = sum * 31 + b;
        }
        return sum;
    }

    static Socket connect(FrameServer server) throws Exception {
        Socket s = new Socket();
        s.connect(server.localAddress(), 5000);
        s.setTcpNoDelay(true);
        s.setSoTimeout(20_000);
        return s;
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldEchoEverySize(FrameSetup setup) throws Exception {
        warmUp(setup); // the JDK opens some descriptors at first use and keeps them
        int fdsBefore = Leaks.openFds();
        try (Ringloop rt = setup.start(2);
             FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, Echo::new)) {
            Random random = new Random(7);
            for (int size : new int[] {1, 100, 4095, 4096, 4097, 16 * 1024, 64 * 1024 + 1, 1 << 20}) {
                try (Socket s = connect(server)) {
                    byte[] data = new byte[size];
                    random.nextBytes(data);
                    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                        try {
                            s.getOutputStream().write(data);
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    byte[] back = new DataInputStream(s.getInputStream()).readNBytes(size);
                    writer.get(20, TimeUnit.SECONDS);
                    assertArrayEquals(data, back, "echo of " + size + " bytes on " + setup);
                }
            }
        }
        assertEquals(fdsBefore, Leaks.openFds(), "open fds after the runtime closed");
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldReassembleFramesSplitAtEveryByte(FrameSetup setup) throws Exception {
        byte[][] payloads = {new byte[0], "a".getBytes(), "hello, framing".getBytes(), new byte[300]};
        new Random(3).nextBytes(payloads[3]);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] p : payloads) {
            all.write(frame(p));
        }
        byte[] stream = all.toByteArray();
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, LengthPrefixed::new);
             Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int cut = 0; cut <= stream.length; cut++) {
                out.write(stream, 0, cut);
                out.flush();
                out.write(stream, cut, stream.length - cut);
                for (byte[] p : payloads) {
                    assertEquals(p.length, in.readInt(), "length, cut at " + cut);
                    assertEquals(sum(p), in.readInt(), "checksum, cut at " + cut);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldPassMaxFrameAndRefuseOneByteMore(FrameSetup setup) throws Exception {
        int max = 64 * 1024;
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt.loops(), ANY, ServerLimits.DEFAULTS,
                     FrameOptions.DEFAULTS.withMaxFrame(max), () -> new LengthPrefixed(closed))) {
            byte[] fits = new byte[max - 4];
            new Random(5).nextBytes(fits);
            try (Socket s = connect(server)) {
                s.getOutputStream().write(frame(fits));
                DataInputStream in = new DataInputStream(s.getInputStream());
                assertEquals(fits.length, in.readInt());
                assertEquals(sum(fits), in.readInt());
                s.getOutputStream().write(frame(new byte[max - 3]));
                Throwable cause = closed.get(20, TimeUnit.SECONDS);
                assertInstanceOf(FrameTooLongException.class, cause);
                assertEquals(max, ((FrameTooLongException) cause).limit());
                assertTrue(readsToEnd(s.getInputStream()), "the connection is closed");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldThrowWhenAViewIsUsedAfterItsCall(FrameSetup setup) throws Exception {
        CompletableFuture<FrameView> kept = new CompletableFuture<>();
        CompletableFuture<Throwable> staleUse = new CompletableFuture<>();
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, () -> new FrameHandler() {
                 @Override
                 public long onData(FrameConnection c, FrameView in) {
                     if (!kept.isDone()) {
                         kept.complete(in);
                         c.send(new byte[] {in.get(0)});
                         return 1;
                     }
                     try {
                         kept.join().get(0);
                         staleUse.complete(null);
                     } catch (Throwable t) {
                         staleUse.complete(t);
                     }
                     c.send(new byte[] {in.get(0)});
                     return 1;
                 }
             });
             Socket s = connect(server)) {
            s.getOutputStream().write('x');
            assertEquals('x', s.getInputStream().read());
            s.getOutputStream().write('y');
            assertEquals('y', s.getInputStream().read());
            assertInstanceOf(IllegalStateException.class, staleUse.get(20, TimeUnit.SECONDS));
            assertThrows(IllegalStateException.class, () -> kept.join().get(0));
        }
    }

    private static void warmUp(FrameSetup setup) throws Exception {
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.start(rt, ANY, ServerLimits.DEFAULTS, Echo::new);
             Socket s = connect(server)) {
            s.getOutputStream().write(1);
            assertEquals(1, s.getInputStream().read());
        }
    }

    static boolean readsToEnd(InputStream in) {
        try {
            while (in.read() >= 0) {
                // discard what was in flight
            }
            return true;
        } catch (java.io.IOException e) {
            return true; // a reset is an end too
        }
    }
}
