package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.BadInputs;
import io.ringloop.Ringloop;
import io.ringloop.fs.AsyncFile;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Closed streams, listeners, UDP sockets and files through the public API, every backend: every call names itself
 * and what was closed, double close is quiet, a call waiting when another task (or a plain thread) closes wakes
 * with an AsynchronousCloseException naming it; another connection on the loop echoes after each.
 */
class ClosedUseTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNameTheCallOnAClosedStream(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL)) {
                TcpStream c = TcpStream.connect(l.localAddress());
                TcpStream s = l.accept();
                c.close();
                c.close(); // idempotent
                assertFalse(c.isOpen());
                Class<ClosedChannelException> closed = ClosedChannelException.class;
                b.assertFails(closed, "read(TcpStream[fd=", () -> c.read(new byte[1]));
                b.assertFails(closed, "read(TcpStream[fd=", () -> c.read(new byte[0]));
                b.assertFails(closed, "read(TcpStream[fd=", () -> c.read(ByteBuffer.allocate(4)));
                b.assertFails(closed, "read(TcpStream[fd=", () -> c.read(MemorySegment.ofArray(new byte[4]), 0, 4));
                b.assertFails(closed, "readv(TcpStream[fd=",
                        () -> c.read(ByteBuffer.allocate(1), ByteBuffer.allocate(1)));
                b.assertFails(closed, "write(TcpStream[fd=", () -> c.writeAll(new byte[1]));
                b.assertFails(closed, "write(TcpStream[fd=", () -> c.write(ByteBuffer.allocate(0)));
                b.assertFails(closed, "writev(TcpStream[fd=",
                        () -> c.writeAll(ByteBuffer.allocate(1), ByteBuffer.allocate(1)));
                b.assertFails(closed, "setsockopt(TcpStream[fd=", () -> c.setNoDelay(true));
                b.assertFails(closed, "getsockopt(TcpStream[fd=", c::noDelay);
                b.assertFails(closed, "getsockname(TcpStream[fd=", c::localAddress);
                b.assertFails(closed, "getpeername(TcpStream[fd=", c::peerAddress);
                b.assertFails(closed, "shutdown(TcpStream[fd=", c::shutdownOutput);
                b.assertFails(closed, "shutdown(TcpStream[fd=", c::shutdownInput);
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> c.readAsync(ByteBuffer.allocate(1)).toCompletableFuture().get());
                assertInstanceOf(closed, e.getCause());
                BadInputs.failed(e.getCause());
                assertTrue(e.getCause().getMessage().contains("read(TcpStream[fd="), e.getCause().toString());
                b.assertEchoes("readAsync on a closed stream");
                s.close();
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldWakeABlockedReaderAndWriterWhenAnotherTaskCloses(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL); TcpStream s = TcpStream.connect(l.localAddress())) {
                TcpStream c = l.accept();
                JoinHandle<Integer> reader = expectedToFail(() -> c.read(new byte[8]));
                JoinHandle<Void> writer = expectedToFail(() -> {
                    c.writeAll(new byte[64 << 20]); // the peer never reads: the write waits for room
                    return null;
                });
                letTheOthersPark();
                assertFalse(writer.isDone(), "the write waits");
                assertAsyncClose(b, c, reader, "read(TcpStream[fd=", () -> {
                    c.close();
                    return null;
                });
                // A write of 64 MiB is many calls, and on io_uring each waits for its own completion: the close
                // finds it either waiting (AsynchronousCloseException) or between two calls (the next one finds the
                // stream closed). Either way it names the call and the stream.
                ExecutionException e = assertThrows(ExecutionException.class, writer::join);
                assertInstanceOf(ClosedChannelException.class, e.getCause());
                BadInputs.tried("write(TcpStream[fd=#, closed, ringloop-#]) while another task closes");
                assertTrue(e.getCause().getMessage().matches("write\\(TcpStream\\[fd=\\d+, closed, .*\\]\\): "
                        + "stream closed( while the call was waiting)?"), e.getCause().toString());
                b.assertEchoes("a close that woke the writer");
                assertEquals(1, s.read(new byte[1]), "what was written before the close still arrives");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldWakeABlockedReaderWhenAPlainThreadCloses(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL); TcpStream s = TcpStream.connect(l.localAddress())) {
                TcpStream c = l.accept();
                JoinHandle<Integer> reader = expectedToFail(() -> c.read(new byte[8]));
                assertAsyncClose(b, c, reader, "read(TcpStream[fd=", () -> {
                    Thread t = Thread.ofPlatform().start(() -> {
                        try {
                            c.close();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    t.join();
                    return null;
                });
                assertEquals(-1, s.read(new byte[1]), "the peer sees the close");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNameTheCallOnAClosedListener(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            TcpListener l = TcpListener.bind(Bystander.LOCAL);
            JoinHandle<TcpStream> acceptor = expectedToFail(l::accept);
            letTheOthersPark();
            assertFalse(acceptor.isDone(), "the accept waits");
            l.close();
            ExecutionException e = assertThrows(ExecutionException.class, acceptor::join);
            assertInstanceOf(AsynchronousCloseException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("accept(TcpListener[127.0.0.1:"), e.getCause().toString());
            b.assertEchoes("close while accepting");
            l.close();
            assertFalse(l.isOpen());
            b.assertFails(ClosedChannelException.class, "accept(TcpListener[127.0.0.1:", l::accept);
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNameTheCallOnAClosedUdpSocket(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            UdpSocket u = UdpSocket.bind(Bystander.LOCAL);
            InetSocketAddress self = u.localAddress();
            JoinHandle<InetSocketAddress> receiver = expectedToFail(() -> u.receive(ByteBuffer.allocate(8)));
            letTheOthersPark();
            assertFalse(receiver.isDone(), "the receive waits");
            u.close();
            ExecutionException e = assertThrows(ExecutionException.class, receiver::join);
            assertInstanceOf(AsynchronousCloseException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("recvfrom(UdpSocket[fd="), e.getCause().toString());
            b.assertEchoes("close while receiving");
            u.close();
            assertFalse(u.isOpen());
            Class<ClosedChannelException> closed = ClosedChannelException.class;
            b.assertFails(closed, "sendto(UdpSocket[fd=", () -> u.send(ByteBuffer.allocate(1), self));
            b.assertFails(closed, "recvfrom(UdpSocket[fd=", () -> u.receive(ByteBuffer.allocate(1)));
            b.assertFails(closed, "connect(UdpSocket[fd=", () -> u.connect(self));
            b.assertFails(closed, "getsockname(UdpSocket[fd=", u::localAddress);
            b.assertFails(closed, "setsockopt(UdpSocket[fd=", () -> u.setBroadcast(true));
            b.assertFails(closed, "getsockopt(UdpSocket[fd=", u::broadcast);
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNameTheCallOnAClosedFile(Backend backend) throws Exception {
        Path path = dir.resolve("closed.bin");
        Bystander.run(backend, b -> {
            AsyncFile f = AsyncFile.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            assertEquals(1, f.write(ByteBuffer.wrap(new byte[] {1}), 0));
            f.close();
            f.close();
            assertFalse(f.isOpen());
            Class<ClosedChannelException> closed = ClosedChannelException.class;
            b.assertFails(closed, "pread(" + path + "): file closed", () -> f.read(ByteBuffer.allocate(1), 0));
            b.assertFails(closed, "pwrite(" + path + "): file closed", () -> f.write(ByteBuffer.allocate(1), 0));
            b.assertFails(closed, "fsync(" + path + ")", f::sync);
            b.assertFails(closed, "fdatasync(" + path + ")", f::syncData);
            b.assertFails(closed, "statx(" + path + ")", f::size); // size() is a statx since issue 14
            b.assertFails(closed, "statx(" + path + ")", f::stat);
            b.assertFails(closed, "ftruncate(" + path + ")", () -> f.truncate(0));
            b.assertFails(closed, "fallocate(" + path + ")", () -> f.preallocate(0, 1));
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNameTheCallbackStylesCloses(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            TcpListener l = rt.blockOn(() -> TcpListener.bind(Bystander.LOCAL));
            TcpStream c = rt.blockOn(() -> TcpStream.connect(l.localAddress()));
            TcpStream s = rt.blockOn(l::accept);
            CompletableFuture<Integer> pendingRead = new CompletableFuture<>();
            CompletableFuture<TcpStream> pendingAccept = new CompletableFuture<>();
            MemorySegment buf = MemorySegment.ofArray(new byte[8]);
            rt.execute(() -> {
                s.read(buf, 0, 8, callback(pendingRead));
                l.accept(accepted(pendingAccept));
            });
            rt.blockOn(() -> {
                s.close(); // nothing arrives and nobody connects: both are still pending
                l.close();
                return null;
            });
            assertClosed(pendingRead, AsynchronousCloseException.class,
                    "read(TcpStream[fd=", "): stream closed while the call was waiting");
            assertClosed(pendingAccept, AsynchronousCloseException.class,
                    "accept(TcpListener[127.0.0.1:", "): listener closed while the call was waiting");
            CompletableFuture<Integer> lateRead = new CompletableFuture<>();
            CompletableFuture<TcpStream> lateAccept = new CompletableFuture<>();
            rt.execute(() -> {
                s.read(buf, 0, 8, callback(lateRead));
                l.accept(accepted(lateAccept));
            });
            assertClosed(lateRead, ClosedChannelException.class, "read(TcpStream[fd=", "): stream closed");
            assertClosed(lateAccept, ClosedChannelException.class, "accept(TcpListener[127.0.0.1:",
                    "): listener closed");
            rt.blockOn(() -> {
                c.close();
                return null;
            });
        }
    }

    private static void assertClosed(CompletableFuture<?> f, Class<? extends ClosedChannelException> type,
                                     String start, String end) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        assertInstanceOf(type, e.getCause());
        BadInputs.failed(e.getCause());
        String m = e.getCause().getMessage();
        assertTrue(m.startsWith(start) && m.endsWith(end), m);
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

    private static AcceptCallback accepted(CompletableFuture<TcpStream> done) {
        return new AcceptCallback() {
            @Override
            public void accepted(TcpStream stream) {
                done.complete(stream);
            }

            @Override
            public void failed(Throwable error) {
                done.completeExceptionally(error);
            }
        };
    }

    /**
     * {@code waiting} must still wait; {@code close} closes {@code stream} (or nothing, when already closed); the
     * waiting call then fails with an AsynchronousCloseException naming {@code call}.
     */
    private static void assertAsyncClose(Bystander b, TcpStream stream, JoinHandle<?> waiting, String call,
                                         Callable<Void> close) throws Exception {
        letTheOthersPark();
        assertFalse(waiting.isDone(), call + " waits");
        close.call();
        assertFalse(stream.isOpen());
        assertWokenByClose(waiting, call);
        b.assertEchoes("a close that woke " + call);
    }

    /**
     * One loop runs its tasks in spawn order, and each runs until it parks: once a task spawned after the others
     * has run, each of them waits in its call (a read without data, a write without room, an accept, a receive).
     */
    private static void letTheOthersPark() throws Exception {
        Tasks.spawn(() -> null).join();
    }

    /** A task whose failure the test joins later: not reported as nobody's (spawned joined). */
    private static <T> JoinHandle<T> expectedToFail(Callable<T> body) {
        return Tasks.spawnJoined(Tasks.currentLoop(), false, body);
    }

    private static void assertWokenByClose(JoinHandle<?> waiting, String call) {
        ExecutionException e = assertThrows(ExecutionException.class, waiting::join);
        assertInstanceOf(AsynchronousCloseException.class, e.getCause());
        BadInputs.failed(e.getCause());
        assertTrue(e.getCause().getMessage().contains(call), e.getCause().toString());
        assertTrue(e.getCause().getMessage().contains("closed while the call was waiting"), e.getCause().toString());
    }
}
