package io.ringloop.net;

import static io.ringloop.net.TcpEchoTest.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A task cancelled a second time while its first cancel is under way (its caller and its loop's shutdown both
 * cancel it; Happy Eyeballs cancels losing attempts as a shutdown may) ends like one cancelled once. Before, the
 * second interrupt stayed set in the waiting task, whose park then returned at once for ever: a spin on the loop
 * thread that kept the cancel's completion from ever being polled (seen on io_uring).
 */
class CancelTwiceTest {
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEndATaskCancelledTwiceWhileItWaits(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                     TcpStream s = l.accept()) {
                    JoinHandle<Integer> reader = Tasks.spawn(() -> c.read(new byte[8]));
                    while (reader.thread().getState() != Thread.State.WAITING) { // parked in its read
                        Thread.yield();
                    }
                    reader.cancel();
                    Thread.yield(); // the reader runs first: it takes the interrupt and asks for the cancel
                    reader.cancel();
                    assertThrows(CancellationException.class, () -> reader.join(Duration.ofSeconds(30)));
                    s.writeAll("after".getBytes());
                    byte[] got = new byte[5];
                    c.readFully(got, 0, 5);
                    assertArrayEquals("after".getBytes(), got, "the loop and the stream serve on");
                }
                return null;
            });
        }
    }
}
