package io.ringloop.frame;

import static io.ringloop.frame.FrameEchoTest.connect;
import static io.ringloop.frame.FrameEchoTest.frame;
import static io.ringloop.frame.FrameEchoTest.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.io.FrameTooLongException;
import io.ringloop.net.ServerLimits;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The task style: a task per connection parsing with a FrameParser, parked while it needs more. */
class FramedStreamTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    /** Parses one length-prefixed frame; keeps its payload's length and checksum. */
    static final class LengthParser implements FrameParser {
        int length;
        int sum;

        @Override
        public long parse(FrameView in) {
            if (in.length() < 4) {
                return FrameHandler.NEED_MORE;
            }
            int len = ((in.get(0) & 0xFF) << 24) | ((in.get(1) & 0xFF) << 16) | ((in.get(2) & 0xFF) << 8)
                    | (in.get(3) & 0xFF);
            if (in.length() < 4L + len) {
                return FrameHandler.needAtLeast(4L + len);
            }
            int s = 0;
            for (int i = 0; i < len; i++) {
                s = s * 31 + in.get(4 + i);
            }
            length = len;
            sum = s;
            return 4L + len;
        }
    }

    /** Answers every frame until the peer's end of stream; records how it ended. */
    static FramedTask answering(CompletableFuture<Throwable> ended) {
        return stream -> {
            LengthParser p = new LengthParser();
            try {
                while (stream.parse(p) > 0) {
                    stream.send(FrameEchoTest.answer(p.length, p.sum));
                }
                ended.complete(null);
            } catch (Exception e) {
                ended.complete(e);
                throw e;
            }
        };
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldAnswerSplitAndPipelinedFramesFromATask(FrameSetup setup) throws Exception {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        byte[] big = new byte[200_000];
        new Random(9).nextBytes(big);
        byte[][] payloads = {"one".getBytes(), new byte[0], big, "last".getBytes()};
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : payloads) {
            all.write(frame(p));
        }
        byte[] stream = all.toByteArray();
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.startTasks(rt, ANY, ServerLimits.DEFAULTS, answering(ended));
             Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int cut : new int[] {0, 1, 3, 5, 9, 1000, stream.length - 1, stream.length}) {
                out.write(stream, 0, cut);
                out.flush();
                out.write(stream, cut, stream.length - cut);
                for (byte[] p : payloads) {
                    assertEquals(p.length, in.readInt(), "cut at " + cut);
                    assertEquals(sum(p), in.readInt(), "cut at " + cut);
                }
            }
            s.shutdownOutput();
            assertEquals(-1, in.read(), "the task closes after the peer's end");
            assertEquals(null, ended.get(30, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldFailAnEndOfStreamMidFrameAndAFrameTooLong(FrameSetup setup) throws Exception {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.startTasks(rt, ANY, ServerLimits.DEFAULTS, answering(ended));
             Socket s = connect(server)) {
            s.getOutputStream().write(frame("cut".getBytes()), 0, 5);
            s.shutdownOutput();
            assertInstanceOf(EOFException.class, ended.get(30, TimeUnit.SECONDS));
        }
        CompletableFuture<Throwable> tooLong = new CompletableFuture<>();
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.startTasks(rt.loops(), ANY, ServerLimits.DEFAULTS,
                     FrameOptions.DEFAULTS.withMaxFrame(1000), answering(tooLong));
             Socket s = connect(server)) {
            s.getOutputStream().write(frame(new byte[100_000])); // more than one receive shows: accumulated
            assertInstanceOf(FrameTooLongException.class, tooLong.get(30, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldKeepAHalfFrameForTheNextParseWhenATaskIsInterrupted(FrameSetup setup) throws Exception {
        CompletableFuture<Thread> parked = new CompletableFuture<>();
        CompletableFuture<Throwable> interrupted = new CompletableFuture<>();
        CompletableFuture<Void> partial = new CompletableFuture<>();
        FramedTask task = stream -> {
            LengthParser p = new LengthParser();
            try {
                stream.parse(in -> {
                    long r = p.parse(in);
                    if (r <= 0) {
                        partial.complete(null);
                    }
                    return r;
                });
            } catch (InterruptedIOException e) {
                interrupted.complete(e);
            }
            assertTrue(stream.parse(p) > 0, "the whole frame, half of it from before the interrupt");
            stream.send(FrameEchoTest.answer(p.length, p.sum));
        };
        try (Ringloop rt = setup.start(1);
             FrameServer server = FrameServer.startTasks(rt, ANY, ServerLimits.DEFAULTS, stream -> {
                 parked.complete(Thread.currentThread());
                 task.serve(stream);
             });
             Socket s = connect(server)) {
            byte[] f = frame("half and half".getBytes());
            s.getOutputStream().write(f, 0, 8);
            partial.get(30, TimeUnit.SECONDS);
            parked.get(30, TimeUnit.SECONDS).interrupt();
            assertInstanceOf(InterruptedIOException.class, interrupted.get(30, TimeUnit.SECONDS));
            s.getOutputStream().write(f, 8, f.length - 8);
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertEquals(13, in.readInt());
            assertEquals(sum("half and half".getBytes()), in.readInt());
        }
    }
}
