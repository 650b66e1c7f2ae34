package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.BadInputs;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.time.Time;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One reader and one writer per stream at a time, one acceptor per listener, one receiver per UDP socket: a second
 * one, while the first waits, gets the same clear IllegalStateException on every backend (naming the call and the
 * socket), from a task, a plain thread or a callback, and the first goes on unharmed. Calls from a plain thread
 * outside any loop: a stream's hop to its loop and work, those that need the caller's loop say so. On one loop a
 * task runs until it parks, so "the first is waiting" holds when the second starts; where a bystander connection
 * is on the loop, it echoes after each refusal.
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
            BadInputs.failed(t);
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

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseASecondReaderAndLetTheFirstGoOn(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                byte[] first = new byte[4];
                JoinHandle<Integer> reader = Tasks.spawn(() -> {
                    c.readFully(first, 0, 4);
                    return 4;
                });
                letTheOthersPark();
                assertFalse(reader.isDone(), "the first read waits");
                b.assertFails(IllegalStateException.class, "read(TcpStream[fd=", () -> c.read(new byte[4]));
                b.assertFails(IllegalStateException.class, "read(TcpStream[fd=", () -> c.read(ByteBuffer.allocate(4)));
                b.assertFails(IllegalStateException.class, "readv(TcpStream[fd=",
                        () -> c.read(ByteBuffer.allocate(2), ByteBuffer.allocate(2)));
                b.assertFails(IllegalStateException.class, "read(TcpStream[fd=",
                        () -> onPlainThread(() -> c.read(new byte[4])));
                s.writeAll(new byte[] {1, 2, 3, 4});
                assertEquals(4, reader.join());
                assertArrayEquals(new byte[] {1, 2, 3, 4}, first, "the first reader got every byte");
                s.writeAll(new byte[] {5});
                assertEquals(1, c.read(new byte[1]), "the stream reads on once the first reader is done");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseASecondWriterAndLetTheFirstGoOn(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                byte[] big = new byte[16 << 20];
                JoinHandle<Void> writer = Tasks.spawn(() -> {
                    c.writeAll(big); // the peer does not read yet: the write waits for room
                    return null;
                });
                letTheOthersPark();
                assertFalse(writer.isDone(), "the first write waits");
                b.assertFails(IllegalStateException.class, "write(TcpStream[fd=", () -> c.writeAll(new byte[1]));
                b.assertFails(IllegalStateException.class, "writev(TcpStream[fd=",
                        () -> c.write(ByteBuffer.allocate(1), ByteBuffer.allocate(1)));
                byte[] sink = new byte[64 * 1024];
                long got = 0;
                while (got < big.length) {
                    got += s.read(sink);
                }
                writer.join();
                assertEquals(big.length, got, "the first writer's bytes all arrived, and nothing else");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseASecondAcceptorAndReceiver(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL)) {
                JoinHandle<TcpStream> acceptor = Tasks.spawn(l::accept);
                letTheOthersPark();
                assertFalse(acceptor.isDone(), "the first accept waits");
                b.assertFails(IllegalStateException.class, "accept(TcpListener[127.0.0.1:", l::accept);
                b.assertFails(IllegalStateException.class, "accept(TcpListener[127.0.0.1:",
                        () -> onPlainThread(l::accept));
                CompletableFuture<Throwable> callbackStyle = new CompletableFuture<>();
                l.loop().execute(() -> {
                    try {
                        l.accept(new AcceptCallback() {
                            @Override
                            public void accepted(TcpStream stream) {
                                callbackStyle.complete(null);
                            }

                            @Override
                            public void failed(Throwable error) {
                                callbackStyle.complete(error);
                            }
                        });
                        callbackStyle.complete(null);
                    } catch (RuntimeException e) {
                        callbackStyle.complete(e);
                    }
                });
                Throwable refused = callbackStyle.get(30, TimeUnit.SECONDS);
                BadInputs.failed(refused);
                assertInstanceOf(IllegalStateException.class, refused, "a callback accept beside a waiting accept");
                assertTrue(refused.getMessage().startsWith("accept(TcpListener[127.0.0.1:"), refused.getMessage());
                try (TcpStream c = TcpStream.connect(l.localAddress()); TcpStream s = acceptor.join()) {
                    assertEquals(c.localAddress(), s.peerAddress(), "the first accept got the connection");
                }
            }
            try (UdpSocket u = UdpSocket.bind(Bystander.LOCAL); UdpSocket peer = UdpSocket.bind(Bystander.LOCAL)) {
                JoinHandle<InetSocketAddress> receiver = Tasks.spawn(() -> u.receive(ByteBuffer.allocate(8)));
                letTheOthersPark();
                assertFalse(receiver.isDone(), "the first receive waits");
                b.assertFails(IllegalStateException.class, "recvfrom(UdpSocket[fd=",
                        () -> u.receive(ByteBuffer.allocate(8)));
                b.assertFails(IllegalStateException.class, "recvfrom(UdpSocket[fd=",
                        () -> onPlainThread(() -> u.receive(ByteBuffer.allocate(8))));
                peer.send(ByteBuffer.wrap(new byte[] {9}), u.localAddress());
                assertEquals(peer.localAddress(), receiver.join(), "the first receive got the datagram");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseASecondCallbackReadAndAReadAsyncBesideIt(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept(); Arena arena = Arena.ofShared()) {
                MemorySegment buf = arena.allocate(8);
                CompletableFuture<Integer> first = new CompletableFuture<>();
                CompletableFuture<Throwable> second = new CompletableFuture<>();
                c.loop().execute(() -> {
                    c.read(buf, 0, 8, callback(first));
                    try {
                        c.read(buf, 0, 8, callback(new CompletableFuture<>()));
                        second.complete(null);
                    } catch (RuntimeException e) {
                        second.complete(e);
                    }
                });
                Throwable e = second.get();
                BadInputs.failed(e);
                assertInstanceOf(IllegalStateException.class, e, "a second callback read");
                assertTrue(e.getMessage().contains("read(TcpStream[fd="), e.getMessage());
                b.assertEchoes("a second callback read");
                ExecutionException stage = assertThrows(ExecutionException.class,
                        () -> c.readAsync(ByteBuffer.allocate(1)).toCompletableFuture().get());
                assertInstanceOf(IllegalStateException.class, stage.getCause(), "readAsync beside a callback read");
                BadInputs.failed(stage.getCause());
                b.assertEchoes("readAsync beside a callback read");
                s.writeAll(new byte[] {1, 2});
                assertEquals(2, first.get(), "the first callback read got the bytes");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeStreamCallsFromAPlainThread(Backend backend) throws Exception {
        Bystander.run(backend, b -> {
            try (TcpListener l = TcpListener.bind(Bystander.LOCAL)) {
                TcpEchoTest.echoServer(l);
                // Documented: a stream's blocking calls work from any thread (posted to its loop, the thread parks).
                TcpStream c = onPlainThread(() -> TcpStream.connect(l.loop(), l.localAddress(), null));
                byte[] back = onPlainThread(() -> {
                    c.setNoDelay(true);
                    c.writeAll("plain".getBytes());
                    byte[] got = new byte[5];
                    c.readFully(got, 0, 5);
                    return got;
                });
                assertArrayEquals("plain".getBytes(), back);
                assertEquals(c.localAddress(), onPlainThread(c::localAddress));
                // A listener's accept and a UDP socket's send and receive from a plain thread, likewise.
                try (TcpListener other = TcpListener.bind(Bystander.LOCAL);
                     UdpSocket u = UdpSocket.bind(Bystander.LOCAL); UdpSocket peer = UdpSocket.bind(Bystander.LOCAL)) {
                    JoinHandle<TcpStream> connecting = Tasks.spawn(() -> TcpStream.connect(other.localAddress()));
                    try (TcpStream accepted = onPlainThread(other::accept); TcpStream connected = connecting.join()) {
                        assertEquals(connected.localAddress(), accepted.peerAddress());
                    }
                    InetSocketAddress to = u.localAddress();
                    assertEquals(3, onPlainThread(() -> peer.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), to)));
                    ByteBuffer got = ByteBuffer.allocate(8);
                    assertEquals(peer.localAddress(), onPlainThread(() -> u.receive(got)));
                    assertEquals(3, got.position());
                }
                b.assertEchoes("stream calls from a plain thread");
                // What needs the caller's own loop, or its thread, says so and names the call.
                b.assertFails(IllegalStateException.class, "connect: not on a ringloop loop",
                        () -> onPlainThread(() -> TcpStream.connect(l.localAddress())));
                b.assertFails(IllegalStateException.class, "bind: not on a ringloop loop",
                        () -> onPlainThread(() -> TcpListener.bind(Bystander.LOCAL)));
                b.assertFails(IllegalStateException.class, "bind: not on a ringloop loop",
                        () -> onPlainThread(() -> UdpSocket.bind(Bystander.LOCAL)));
                b.assertFails(IllegalStateException.class, "timeout: not in a task",
                        () -> onPlainThread(() -> Time.timeout(Duration.ofSeconds(1), () -> "x")));
                b.assertFails(IllegalStateException.class, "read(TcpStream[fd=",
                        () -> onPlainThread(() -> {
                            c.read(MemorySegment.ofArray(new byte[1]), 0, 1, callback(new CompletableFuture<>()));
                            return null;
                        }));
                onPlainThread(() -> {
                    c.close();
                    return null;
                });
                assertFalse(c.isOpen());
            }
        });
    }

    /** Runs {@code call} on a new platform thread (outside any loop) and returns its result or throws its failure. */
    static <T> T onPlainThread(Callable<T> call) throws Exception {
        FutureTask<T> f = new FutureTask<>(call);
        Thread.ofPlatform().name("plain").start(f);
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /**
     * One loop runs its tasks in spawn order, and each runs until it parks: once a task spawned after the others
     * has run, each of them waits in its call (a read without data, a write without room, an accept, a receive).
     */
    private static void letTheOthersPark() throws Exception {
        Tasks.spawn(() -> null).join();
    }

    private static void busy(Executable second, String call, TcpStream s) {
        IllegalStateException e = assertThrows(IllegalStateException.class, second);
        BadInputs.failed(e);
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
