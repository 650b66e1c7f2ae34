package io.ringloop.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Unix datagrams: boundaries, zero-byte datagrams, senders' addresses, every backend (NIO refuses clearly). */
class UnixDatagramTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldKeepBoundariesIncludingZeroByteDatagramsAndNameTheSender(Backend backend) throws Exception {
        Path a = dir.resolve("a.sock");
        Path b = dir.resolve("b.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                if (backend == Backend.NIO) {
                    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                            () -> UnixDatagram.bind(a));
                    assertTrue(e.getMessage().contains("UnixDatagram") && e.getMessage().contains("nio"),
                            e.getMessage());
                    assertFalse(Files.exists(a));
                    return null;
                }
                try (UnixDatagram x = UnixDatagram.bind(a); UnixDatagram y = UnixDatagram.bind(b)) {
                    assertEquals(2, x.send(ascii("hi"), y.address()));
                    assertEquals(0, x.send(ByteBuffer.allocate(0), y.address()));
                    assertEquals(5, x.send(ascii("third"), y.address()));
                    ByteBuffer in = ByteBuffer.allocate(64);
                    assertEquals(UnixAddress.of(a), y.receive(in));
                    assertEquals("hi", text(in));
                    in.clear();
                    assertEquals(UnixAddress.of(a), y.receive(in), "a zero-byte datagram arrives as one");
                    assertEquals(0, in.position());
                    ByteBuffer small = ByteBuffer.allocate(3);
                    y.receive(small);
                    assertEquals("thi", text(small), "a datagram longer than the buffer is truncated to it");
                }
                assertFalse(Files.exists(a) || Files.exists(b), "close removes the files bind made");
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeAbstractAndUnboundSendersAndConnectedPeers(Backend backend) throws Exception {
        UnixAddress name = UnixAddress.abstractName("ringloop-dgram-" + ProcessHandle.current().pid() + "-" + backend);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                if (backend == Backend.NIO) {
                    assertThrows(UnsupportedOperationException.class, UnixDatagram::open);
                    return null;
                }
                try (UnixDatagram server = UnixDatagram.bind(name); UnixDatagram anon = UnixDatagram.open();
                     UnixDatagram reply = UnixDatagram.open()) {
                    assertTrue(anon.address().isUnnamed());
                    anon.send(ascii("who"), name);
                    ByteBuffer in = ByteBuffer.allocate(16);
                    UnixAddress from = server.receive(in);
                    assertTrue(from.isUnnamed(), "an unbound sender has no name: " + from);
                    reply.connect(name);
                    reply.send(ascii("connected"));
                    in.clear();
                    server.receive(in);
                    assertEquals("connected", text(in));
                    BindException taken = assertThrows(BindException.class, () -> UnixDatagram.bind(name));
                    assertTrue(taken.getMessage().contains("@" + name.name()), taken.getMessage());
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTakeOneReceiverAndNameTheCloseToAWaitingAndALaterCall(Backend backend) throws Exception {
        Path a = dir.resolve("wait.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                if (backend == Backend.NIO) {
                    return null; // no Unix datagrams on NIO: refused above
                }
                UnixDatagram x = UnixDatagram.bind(a);
                JoinHandle<IOException> receiver = Tasks.spawn(() -> {
                    try {
                        x.receive(ByteBuffer.allocate(8));
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                });
                Tasks.yieldNow(); // the receiver runs until it parks in its receive
                IllegalStateException second = assertThrows(IllegalStateException.class,
                        () -> x.receive(ByteBuffer.allocate(8)));
                assertTrue(second.getMessage().startsWith("recvfrom(UnixDatagram[")
                        && second.getMessage().contains("one receiver and one sender at a time"), second.getMessage());
                x.close();
                IOException waiting = receiver.join();
                assertTrue(waiting instanceof AsynchronousCloseException
                        && waiting.getMessage().contains("socket closed while the call was waiting"),
                        String.valueOf(waiting));
                ClosedChannelException after = assertThrows(ClosedChannelException.class,
                        () -> x.send(ascii("late"), UnixAddress.of(a)));
                assertTrue(after.getMessage().startsWith("sendto(UnixDatagram[")
                        && after.getMessage().endsWith("socket closed"), after.getMessage());
                return null;
            });
        }
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(ByteBuffer b) {
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
    }
}
