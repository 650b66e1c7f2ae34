package io.ringloop.net;

import static io.ringloop.net.TcpEchoTest.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** End of stream, half-close, refusal, timeouts, use after close; every backend. */
class TcpLifecycleTest {

    private static <T> T run(Backend backend, Callable<T> body) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            return rt.blockOn(body);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSeeEndOfStreamWhenPeerCloses(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress())) {
                TcpStream s = l.accept();
                s.writeAll("bye".getBytes());
                s.close();
                byte[] b = new byte[3];
                c.readFully(b, 0, 3);
                assertArrayEquals("bye".getBytes(), b);
                assertEquals(-1, c.read(new byte[10]));
                assertEquals(-1, c.read(ByteBuffer.allocate(10)), "end of stream is sticky");
                assertThrows(EOFException.class, () -> c.readFully(new byte[1], 0, 1));
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldHalfCloseInBothDirections(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                // client -> server closed; server -> client still open
                c.writeAll("request".getBytes());
                c.shutdownOutput();
                byte[] req = new byte[7];
                s.readFully(req, 0, 7);
                assertEquals(-1, s.read(new byte[4]), "server sees the client's EOF");
                s.writeAll("response".getBytes());
                byte[] resp = new byte[8];
                c.readFully(resp, 0, 8);
                assertArrayEquals("response".getBytes(), resp, "the client still reads after shutdownOutput");
                // and the other direction
                s.shutdownOutput();
                assertEquals(-1, c.read(new byte[4]), "client sees the server's EOF");
                assertThrows(IOException.class, () -> {
                    c.writeAll(new byte[1]);
                    c.writeAll(new byte[1]); // the first may be accepted before the kernel reports EPIPE
                }, "writing after own shutdownOutput fails");
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseConnectionWithClearMessage(Backend backend) throws Exception {
        run(backend, () -> {
            InetSocketAddress closedPort;
            try (TcpListener l = TcpListener.bind(ANY_LOCAL)) {
                closedPort = l.localAddress();
            }
            ConnectException e = assertThrows(ConnectException.class, () -> TcpStream.connect(closedPort));
            assertTrue(e.getMessage().startsWith("connect(127.0.0.1:" + closedPort.getPort() + "): ECONNREFUSED"),
                    e.getMessage());
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTimeOutConnectToFullBacklog(Backend backend) throws Exception {
        run(backend, () -> {
            // A listener that never accepts, with a backlog of 1: once its queue is full the kernel drops
            // further SYNs, so a connect neither succeeds nor is refused.
            try (TcpListener l = TcpListener.builder().backlog(1).bind(ANY_LOCAL)) {
                List<TcpStream> filling = new ArrayList<>();
                try {
                    SocketTimeoutException timeout = null;
                    for (int i = 0; i < 16 && timeout == null; i++) {
                        try {
                            filling.add(TcpStream.connect(l.localAddress(), Duration.ofMillis(200)));
                        } catch (SocketTimeoutException e) {
                            timeout = e;
                        }
                    }
                    assertTrue(timeout != null, "a connect to a full backlog must time out");
                    assertTrue(timeout.getMessage().contains("ETIMEDOUT"), timeout.getMessage());
                } finally {
                    for (TcpStream s : filling) {
                        s.close();
                    }
                }
            }
            return null;
        });
    }

    /** Read-only heap and direct buffers can be written from (io_uring sends heap bytes straight from the array). */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldWriteFromReadOnlyBuffers(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                c.writeAll(ByteBuffer.wrap("heap".getBytes()).asReadOnlyBuffer());
                ByteBuffer direct = ByteBuffer.allocateDirect(6).put("direct".getBytes()).flip();
                c.writeAll(direct.asReadOnlyBuffer());
                byte[] got = new byte[10];
                s.readFully(got, 0, 10);
                assertArrayEquals("heapdirect".getBytes(), got);
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTimeOutAReadAndGiveTheBytesToTheNextRead(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(TcpLifecycleTest::timeOutAReadThenReadOn);
        }
    }

    /** On io_uring without multishot receive each read has its own SQE: the kernel keeps the deadline. */
    @org.junit.jupiter.api.Test
    void shouldTimeOutAReadThroughALinkedTimeoutOnIoUring() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(IoUringDriver.unusableReason() == null);
        try (Ringloop rt = Ringloop.builder().backend(Backend.IO_URING).multishotReceive(false).threads(1).start()) {
            rt.blockOn(TcpLifecycleTest::timeOutAReadThenReadOn);
        }
    }

    private static Void timeOutAReadThenReadOn() throws Exception {
        try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
             TcpStream s = l.accept()) {
            assertEquals(Duration.ZERO, c.readTimeout());
            c.readTimeout(Duration.ofMillis(50));
            byte[] b = new byte[8];
            for (int i = 0; i < 3; i++) {
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> c.read(b));
                assertTrue(e.getMessage().startsWith("read(fd="), e.getMessage());
            }
            s.writeAll("late".getBytes());
            c.readTimeout(Duration.ofSeconds(30));
            byte[] got = new byte[4];
            c.readFully(got, 0, 4);
            assertArrayEquals("late".getBytes(), got, "the stream works after its reads timed out");
            c.readTimeout(null);
            assertEquals(Duration.ZERO, c.readTimeout());
            assertThrows(IllegalArgumentException.class, () -> c.readTimeout(Duration.ofMillis(-1)));
        }
        return null;
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRejectUseAfterCloseAndAllowDoubleClose(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL)) {
                TcpStream c = TcpStream.connect(l.localAddress());
                TcpStream s = l.accept();
                c.close();
                c.close();
                assertThrows(ClosedChannelException.class, () -> c.read(new byte[1]));
                assertThrows(ClosedChannelException.class, () -> c.writeAll(new byte[1]));
                assertThrows(ClosedChannelException.class, c::localAddress);
                s.close();
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFailAcceptOnClosedListener(Backend backend) throws Exception {
        run(backend, () -> {
            TcpListener l = TcpListener.bind(ANY_LOCAL);
            JoinHandle<Object> pending = Tasks.spawn(() -> {
                try {
                    return l.accept();
                } catch (AsynchronousCloseException e) {
                    return e;
                }
            });
            Tasks.spawn(() -> {
                l.close();
                return null;
            }).join();
            assertTrue(pending.join() instanceof AsynchronousCloseException, "a pending accept ends when closed");
            assertThrows(ClosedChannelException.class, l::accept);
            l.close();
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReportAddressInUse(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.builder().reuseAddress(false).bind(ANY_LOCAL)) {
                BindException e = assertThrows(BindException.class,
                        () -> TcpListener.builder().reuseAddress(false).bind(l.localAddress()));
                assertTrue(e.getMessage().contains("EADDRINUSE"), e.getMessage());
                assertTrue(e.getMessage().contains("127.0.0.1:" + l.localAddress().getPort()), e.getMessage());
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSetAndReadSocketOptionsAndAddresses(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                 TcpStream s = l.accept()) {
                c.setNoDelay(true);
                assertTrue(c.noDelay());
                c.setNoDelay(false);
                assertTrue(!c.noDelay());
                c.setKeepAlive(true);
                assertTrue(c.keepAlive());
                c.setReceiveBufferSize(64 * 1024);
                assertTrue(c.receiveBufferSize() >= 64 * 1024, "the kernel doubles what we ask");
                c.setSendBufferSize(64 * 1024);
                assertTrue(c.sendBufferSize() >= 64 * 1024);
                assertEquals(l.localAddress(), c.peerAddress());
                assertEquals(c.localAddress(), s.peerAddress());
                assertTrue(l.localAddress().getPort() > 0, "port 0 binds a real port");
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldConnectOverIpv6Loopback(Backend backend) throws Exception {
        run(backend, () -> {
            try (TcpListener l = TcpListener.bind(new InetSocketAddress("::1", 0));
                 TcpStream c = TcpStream.connect(l.localAddress()); TcpStream s = l.accept()) {
                c.writeAll(new byte[] {42});
                byte[] b = new byte[1];
                s.readFully(b, 0, 1);
                assertEquals(42, b[0]);
                assertEquals(l.localAddress().getPort(), c.peerAddress().getPort());
            }
            return null;
        });
    }
}
