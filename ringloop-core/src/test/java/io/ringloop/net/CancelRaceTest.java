package io.ringloop.net;

import static io.ringloop.net.TcpEchoTest.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.time.Time;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cancellation never loses data, through the whole stack: a reader whose reads keep timing out (a timeout
 * cancels the pending read) while a writer streams numbered bytes still receives every byte exactly once, in
 * order. On io_uring the cancel and the data race in the kernel; a read whose completion carried bytes returns
 * them although its timeout fired.
 */
class CancelRaceTest {
    private static final int TOTAL = 200_000;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldDeliverEveryByteOnceWhileReadsTimeOut(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            int[] outcome = rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                     TcpStream s = l.accept()) {
                    JoinHandle<Void> writer = Tasks.spawn(() -> {
                        byte[] chunk = new byte[97];
                        int next = 0;
                        while (next < TOTAL) {
                            int n = Math.min(chunk.length, TOTAL - next);
                            for (int i = 0; i < n; i++) {
                                chunk[i] = (byte) (next + i);
                            }
                            c.writeAll(chunk, 0, n);
                            next += n;
                            if ((next / n) % 64 == 0) {
                                // Pause longer than the reader's timeout (which rounds up to one 1 ms wheel
                                // tick): its pending read is then surely cancelled at least once per pause,
                                // while the resumed stream races the cancels in between.
                                Time.sleep(Duration.ofMillis(5));
                            }
                        }
                        return null;
                    });
                    byte[] buf = new byte[61];
                    int received = 0;
                    int timeouts = 0;
                    while (received < TOTAL) {
                        int n;
                        try {
                            n = Time.timeout(Duration.ofNanos(300_000), () -> s.read(buf));
                        } catch (TimeoutException e) {
                            timeouts++;
                            continue;
                        }
                        assertTrue(n > 0, "no early end of stream");
                        for (int i = 0; i < n; i++) {
                            assertEquals((byte) (received + i), buf[i], "byte " + (received + i));
                        }
                        received += n;
                    }
                    writer.join();
                    return new int[] {received, timeouts};
                }
            });
            assertEquals(TOTAL, outcome[0]);
            assertTrue(outcome[1] > 0, "some reads must have timed out for the test to mean anything");
        }
    }
}
