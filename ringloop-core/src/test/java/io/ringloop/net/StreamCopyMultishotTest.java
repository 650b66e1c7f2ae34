package io.ringloop.net;

import static io.ringloop.net.TcpEchoTest.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * io_uring only (multishot receive is its own): a proxy that reads a header before copying, with multishot
 * receive on. The header's read arms the socket's multishot RECV, which then owns its reads: a splice from that
 * socket would overtake bytes the multishot already took, so the driver refuses it (EBUSY). {@code AUTO} copies
 * that direction through memory instead, every byte in order; {@code SPLICE} fails saying why.
 */
class StreamCopyMultishotTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final byte[] HEADER = "HELLO".getBytes();

    @Test
    void shouldCopyThroughMemoryWhenMultishotOwnsTheReadsUnderAuto() throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(3).nextBytes(payload);
        try (Ringloop rt = Ringloop.builder().backend(Backend.IO_URING).multishotReceive(true).threads(1).start();
             ServerSocket target = new ServerSocket(0, 50, LOOPBACK)) {
            Proxy p = proxyAfterHeader(rt, target, CopyMode.AUTO, payload);
            try (p.client; Socket t = p.target) {
                byte[] got = t.getInputStream().readAllBytes(); // until the client's half-close comes through
                assertArrayEquals(payload, got, "every byte after the header, in order");
                t.shutdownOutput();
                assertEquals(new CopyResult(payload.length, 0), p.copy.join());
            }
        }
    }

    @Test
    void shouldRefuseToSpliceFromASocketMultishotOwnsNamingWhy() throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(Backend.IO_URING).multishotReceive(true).threads(1).start();
             ServerSocket target = new ServerSocket(0, 50, LOOPBACK)) {
            Proxy p = proxyAfterHeader(rt, target, CopyMode.SPLICE, new byte[100]);
            try (p.client; p.target) {
                ExecutionException e = assertThrows(ExecutionException.class, p.copy::join);
                String chain = String.valueOf(e.getCause()) + " / " + e.getCause().getCause();
                assertTrue(chain.contains("multishot receive owns this socket's reads") && chain.contains("EBUSY"),
                        chain);
            }
        }
    }

    private record Proxy(Socket client, Socket target, JoinHandle<CopyResult> copy) {
    }

    /**
     * A front leg whose task reads the header (waiting for it, so the multishot is armed), then copies between
     * the front and a back leg to {@code target} with {@code mode}; the client sends the header and
     * {@code payload} once the task waits, then half-closes.
     */
    private static Proxy proxyAfterHeader(Ringloop rt, ServerSocket target, CopyMode mode, byte[] payload)
            throws Exception {
        TcpListener front = rt.blockOn(() -> TcpListener.bind(ANY_LOCAL));
        Socket client = new Socket(LOOPBACK, front.localAddress().getPort());
        CompletableFuture<Thread> reader = new CompletableFuture<>();
        JoinHandle<CopyResult> copy = rt.spawn(() -> {
            try (front; TcpStream a = front.accept();
                 TcpStream b = TcpStream.connect(new InetSocketAddress(LOOPBACK, target.getLocalPort()))) {
                byte[] header = new byte[HEADER.length];
                reader.complete(Thread.currentThread());
                a.readFully(header, 0, header.length); // waits: a heap read that waits arms the multishot
                assertArrayEquals(HEADER, header);
                return StreamCopy.copyBidirectional(a, b, mode, 16 * 1024);
            }
        });
        Socket t = target.accept();
        awaitParked(reader.get(10, TimeUnit.SECONDS));
        OutputStream out = client.getOutputStream();
        out.write(HEADER);
        out.write(payload);
        client.shutdownOutput();
        return new Proxy(client, t, copy);
    }

    /** Yields until {@code thread} parks (its read waits), failing after 10 s. */
    private static void awaitParked(Thread thread) {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING) {
            if (System.nanoTime() - deadlineNs > 0) {
                fail(thread + " never parked: " + thread.getState());
            }
            Thread.yield();
        }
    }
}
