package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One port over two loops with SO_REUSEPORT: the kernel's hash of each sender spreads them over both. */
class UdpReusePortTest {
    /** Senders tried at most; two sockets all on one side after this many has odds of 2^-199. */
    private static final int MAX_SENDERS = 200;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSpreadSendersOverTheLoops(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(2).start()) {
            List<UdpSocket> sockets = UdpSocket.bindReusePort(rt.loops(), new InetSocketAddress("127.0.0.1", 0));
            assertEquals(2, sockets.size());
            InetSocketAddress port = sockets.get(0).localAddress();
            assertEquals(port, sockets.get(1).localAddress(), "both on one port");
            AtomicIntegerArray counts = new AtomicIntegerArray(2);
            Semaphore arrived = new Semaphore(0);
            Thread[] receivers = new Thread[2];
            for (int k = 0; k < 2; k++) {
                int which = k;
                receivers[k] = Thread.ofPlatform().start(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(8);
                    try {
                        while (true) {
                            sockets.get(which).receive(buf.clear());
                            counts.incrementAndGet(which);
                            arrived.release();
                        }
                    } catch (java.io.IOException closed) {
                        // the test closed the socket: done
                    }
                });
            }
            // Each datagram from a fresh sender (a new source port, so a new hash), one at a time.
            int sent = 0;
            while (sent < MAX_SENDERS && (counts.get(0) == 0 || counts.get(1) == 0)) {
                try (DatagramChannel sender = DatagramChannel.open()) {
                    sender.send(ByteBuffer.wrap(new byte[] {1}), port);
                }
                sent++;
                assertTrue(arrived.tryAcquire(10, TimeUnit.SECONDS), "datagram " + sent + " arrived");
            }
            assertTrue(counts.get(0) > 0 && counts.get(1) > 0,
                    "both loops received: " + counts + " of " + sent + " senders");
            for (UdpSocket s : sockets) {
                s.close();
            }
            for (Thread t : receivers) {
                t.join(10_000);
            }
        }
    }
}
