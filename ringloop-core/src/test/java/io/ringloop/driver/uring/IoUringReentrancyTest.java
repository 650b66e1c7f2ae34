package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import static io.ringloop.driver.uring.IoUringTestSupport.POLL_NS;
import static io.ringloop.driver.uring.IoUringTestSupport.Recorder;
import static io.ringloop.driver.uring.IoUringTestSupport.await;
import static io.ringloop.driver.uring.IoUringTestSupport.tcpPair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Completions that submit, close and cancel from inside dispatch; many connections on a tiny ring. */
class IoUringReentrancyTest {
    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
    }

    /**
     * An echo server written as completions: each read completion submits a write of what it got, each write
     * completion submits the next read. Many connections on an 8-entry ring, so submissions from inside
     * dispatch keep finding the SQ full and flush it mid-reap.
     */
    @Test
    void shouldEchoOnManyConnectionsWithSubmissionsFromInsideCompletions() throws IOException {
        int connections = 40;
        int rounds = 20;
        try (IoUringDriver d = new IoUringDriver(8); Arena arena = Arena.ofConfined()) {
            int[][] pairs = new int[connections][];
            for (int i = 0; i < connections; i++) {
                pairs[i] = tcpPair(d);
            }
            Echo[] servers = new Echo[connections];
            for (int i = 0; i < connections; i++) {
                MemorySegment buf = i % 2 == 0 ? arena.allocate(64) : MemorySegment.ofArray(new byte[64]);
                servers[i] = new Echo(d, pairs[i][2], buf);
                servers[i].start();
            }
            MemorySegment in = MemorySegment.ofArray(new byte[8]);
            MemorySegment[] out = new MemorySegment[connections];
            for (int i = 0; i < connections; i++) {
                out[i] = arena.allocate(8);
            }
            for (int r = 0; r < rounds; r++) {
                Recorder[] writes = new Recorder[connections];
                long enters = d.waitCalls();
                for (int i = 0; i < connections; i++) {
                    writes[i] = new Recorder();
                    out[i].set(ValueLayout.JAVA_LONG_UNALIGNED, 0, (long) r << 32 | i);
                    assertEquals(Driver.PENDING, d.write(pairs[i][1], out[i], writes[i]));
                }
                // 40 SQEs on an 8-entry ring: queuing them already flushed the SQ several times.
                assertTrue(d.waitCalls() - enters >= connections / 8 - 1);
                for (int i = 0; i < connections; i++) {
                    assertEquals(8, await(d, writes[i]));
                }
                for (int i = 0; i < connections; i++) {
                    int got = 0;
                    Recorder read = new Recorder();
                    while (got < 8) {
                        int n = IoUringTestSupport.read(d, pairs[i][1], in.asSlice(got), read);
                        assertTrue(n > 0, () -> Errno.describe(n));
                        got += n;
                    }
                    assertEquals((long) r << 32 | i, in.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
                }
            }
            for (Echo e : servers) {
                assertEquals(0, e.failures);
            }
        }
    }

    /** Reads, then writes back what it read, forever, from inside its own completions. */
    private static final class Echo {
        final Driver d;
        final int fd;
        final MemorySegment buf;
        final Completion onRead;
        final Completion onWrite;
        int failures;

        Echo(Driver d, int fd, MemorySegment buf) {
            this.d = d;
            this.fd = fd;
            this.buf = buf;
            this.onRead = new Completion() {
                @Override
                public void complete(int result) {
                    read(result);
                }
            };
            this.onWrite = new Completion() {
                @Override
                public void complete(int result) {
                    wrote(result);
                }
            };
        }

        void start() {
            int r = d.read(fd, buf, onRead);
            if (r != Driver.PENDING) {
                read(r); // a heap read may find the bytes there already (a direct recv(2))
            }
        }

        private void read(int result) {
            if (result > 0) {
                int r = d.write(fd, buf.asSlice(0, result), onWrite);
                if (r != Driver.PENDING) {
                    wrote(r); // a heap write may go out at once (a direct send(2))
                }
            } else if (result != -Errno.ECANCELED && result != 0) {
                failures++;
            }
        }

        private void wrote(int result) {
            if (result > 0) {
                start();
            } else if (result != -Errno.ECANCELED) {
                failures++;
            }
        }
    }

    @Test
    void shouldLetACompletionCloseAnotherFdWithOpsInFlight() throws IOException {
        try (IoUringDriver d = new IoUringDriver(16)) {
            int[] a = tcpPair(d);
            int[] b = tcpPair(d);
            Recorder bRead = new Recorder();
            assertEquals(Driver.PENDING, d.read(b[2], MemorySegment.ofArray(new byte[8]), bRead));
            int[] closeResult = {Integer.MIN_VALUE};
            Completion aRead = new Completion() {
                @Override
                public void complete(int result) {
                    closeResult[0] = d.close(b[2]); // drains b[2]'s read from inside dispatch
                }
            };
            assertEquals(Driver.PENDING, d.read(a[2], MemorySegment.ofArray(new byte[8]), aRead));
            d.poll(0);
            Recorder w = new Recorder();
            assertEquals(1, IoUringTestSupport.write(d, a[1], MemorySegment.ofArray(new byte[] {1}), w));
            for (int i = 0; i < 100 && closeResult[0] == Integer.MIN_VALUE; i++) {
                d.poll(POLL_NS);
            }
            assertEquals(0, closeResult[0]);
            assertEquals(1, bRead.calls);
            assertEquals(-Errno.ECANCELED, bRead.result);
            d.poll(0);
            assertEquals(1, bRead.calls);
        }
    }

    @Test
    void shouldEchoOverIpv6Loopback() throws IOException {
        try (IoUringDriver d = new IoUringDriver(16)) {
            int l = d.socket(Driver.AF_INET6, Driver.SOCK_STREAM);
            assumeTrue(l >= 0 && d.bind(l, new InetSocketAddress(InetAddress.getByName("::1"), 0)) == 0,
                    "no IPv6 loopback here");
            assertEquals(0, d.listen(l, 4));
            int c = d.socket(Driver.AF_INET6, Driver.SOCK_STREAM);
            Recorder accepted = new Recorder();
            Recorder connected = new Recorder();
            int s = d.accept(l, accepted);
            assertEquals(Driver.PENDING, d.connect(c, d.localAddress(l), connected));
            assertEquals(0, await(d, connected));
            if (s == Driver.PENDING) {
                s = await(d, accepted);
            }
            assertTrue(s >= 0);
            Recorder w = new Recorder();
            Recorder r = new Recorder();
            MemorySegment in = MemorySegment.ofArray(new byte[4]);
            assertEquals(4, IoUringTestSupport.write(d, c, MemorySegment.ofArray(new byte[] {9, 8, 7, 6}), w));
            assertEquals(4, IoUringTestSupport.read(d, s, in, r));
            assertEquals(6, in.get(ValueLayout.JAVA_BYTE, 3));
        }
    }
}
