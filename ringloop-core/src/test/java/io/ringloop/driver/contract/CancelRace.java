package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.LOOPBACK_ADDRESS;
import static io.ringloop.driver.contract.DriverTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * "Cancel never loses data", under stress: a peer thread writes numbered bytes while the loop submits a read
 * and cancels it at once, round after round. Every byte must arrive exactly once and in order: a read whose
 * result raced its cancel delivers its data, and a cancelled one leaves the bytes for the next read.
 */
public final class CancelRace {
    /** Bytes the peer sends. */
    public static final int TOTAL = 64 * 1024;
    /** Prime: a lost or repeated run of bytes shows as a wrong value. */
    private static final int MODULUS = 251;

    /** What happened: bytes, reads cancelled, reads whose data beat their cancel, reads served at once. */
    public record Outcome(int received, int cancelled, int raced, int atOnce) {
    }

    private CancelRace() {
    }

    /** Runs the race, reading into {@code buffer} (at least 128 bytes, heap or native), and checks every byte. */
    public static Outcome run(Driver driver, MemorySegment buffer) throws IOException, InterruptedException {
        try (ServerSocket peer = new ServerSocket(0, 1, LOOPBACK_ADDRESS)) {
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            // The writer paces itself by the reader's rounds, so the socket is now empty (reads wait and get
            // cancelled), now filling while a read and its cancel are in flight.
            AtomicInteger readerRounds = new AtomicInteger();
            AtomicBoolean readerDone = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().daemon(true).name("cancel-race-writer")
                    .start(() -> write(peer, readerRounds, readerDone, writerFailure));
            int fd = driver.socket(Driver.AF_INET, Driver.SOCK_STREAM);
            Recorder c = new Recorder();
            int cr = driver.connect(fd, new InetSocketAddress(LOOPBACK_ADDRESS, peer.getLocalPort()), c);
            assertEquals(0, await(driver, c, cr));
            Outcome outcome;
            try {
                outcome = read(driver, fd, buffer, readerRounds);
            } finally {
                readerDone.set(true);
            }
            writer.join();
            assertNull(writerFailure.get());
            assertEquals(TOTAL, outcome.received());
            assertTrue(outcome.cancelled() > 0, "no read was ever cancelled; the test did not race");
            assertEquals(0, driver.close(fd));
            return outcome;
        }
    }

    private static void write(ServerSocket peer, AtomicInteger readerRounds, AtomicBoolean readerDone,
                              AtomicReference<Throwable> failure) {
        try (Socket s = peer.accept(); OutputStream out = s.getOutputStream()) {
            s.setTcpNoDelay(true);
            Random random = new Random(1);
            byte[] chunk = new byte[200];
            for (int sent = 0, chunkNo = 0; sent < TOTAL; chunkNo++) {
                while (readerRounds.get() < 2 * chunkNo && !readerDone.get()) {
                    Thread.onSpinWait();
                }
                int n = Math.min(TOTAL - sent, 1 + random.nextInt(chunk.length));
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) ((sent + i) % MODULUS);
                }
                out.write(chunk, 0, n);
                sent += n;
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private static Outcome read(Driver driver, int fd, MemorySegment buf, AtomicInteger readerRounds) {
        Random random = new Random(2);
        Recorder r = new Recorder();
        int received = 0;
        int cancelled = 0;
        int raced = 0;
        int atOnce = 0;
        for (int round = 0; ; round++) {
            readerRounds.set(round);
            if (round == 2_000_000) {
                fail("only " + received + " of " + TOTAL + " bytes after " + round + " rounds");
            }
            int size = 1 + random.nextInt(128);
            int started = DriverTestSupport.checkReturned(driver.read(fd, buf.asSlice(0, size), r));
            boolean cancelRequested = false;
            if (started != Driver.PENDING) {
                atOnce++; // received while no read waited
            } else {
                if ((round & 1) == 0) {
                    driver.poll(0); // let the read reach the kernel first on every other round
                }
                cancelRequested = r.isPending() && driver.cancel(r);
            }
            int res = await(driver, r, started); // exactly one completion, or none for a result at once
            if (res == 0) {
                return new Outcome(received, cancelled, raced, atOnce);
            }
            if (res == -Errno.ECANCELED) {
                cancelled++;
                continue;
            }
            assertTrue(res > 0 && res <= size, () -> "read: " + Errno.describe(res));
            if (cancelRequested) {
                raced++;
            }
            for (int i = 0; i < res; i++) {
                assertEquals((byte) ((received + i) % MODULUS), buf.get(ValueLayout.JAVA_BYTE, i),
                        "byte " + (received + i));
            }
            received += res;
        }
    }
}
