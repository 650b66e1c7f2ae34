package io.ringloop.task;

import static io.ringloop.net.TcpEchoTestAccess.ANY_LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import io.ringloop.task.internal.LoopContext;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without {@code --add-opens java.base/java.lang}, tasks run on the JDK's default scheduler and every I/O
 * operation hops to the loop: slower, but the same behaviour. Runs in its own surefire execution whose JVM
 * lacks the flag (see ringloop-core/pom.xml); the start-up line names the flag that would change it.
 */
@Tag("no-add-opens")
class FallbackModeTest {
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEchoAndCancelWithDefaultScheduler(Backend backend) throws Exception {
        assertFalse(Tasks.loopScheduled(), "this JVM must not open java.lang");
        assertTrue(Tasks.mode().contains("default virtual-thread scheduler"), Tasks.mode());
        Module core = Tasks.class.getModule();
        String flag = "--add-opens java.base/java.lang=" + (core.isNamed() ? core.getName() : "ALL-UNNAMED");
        assertTrue(Tasks.mode().contains(flag), "the log line names the flag for this run: " + Tasks.mode());
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(ANY_LOCAL); TcpStream c = TcpStream.connect(l.localAddress());
                     TcpStream s = l.accept()) {
                    assertFalse(LoopContext.onCarrier(Loop.of(l.loop())));
                    byte[] msg = new byte[200_000];
                    new Random(3).nextBytes(msg);
                    JoinHandle<Void> w = Tasks.spawn(() -> {
                        c.writeAll(msg);
                        return null;
                    });
                    byte[] back = new byte[msg.length];
                    s.readFully(back, 0, back.length);
                    w.join();
                    assertArrayEquals(msg, back);
                    CountDownLatch reading = new CountDownLatch(1);
                    JoinHandle<Integer> reader = Tasks.spawn(() -> {
                        reading.countDown();
                        return s.read(new byte[8]);
                    });
                    reading.await();
                    reader.cancel();
                    assertThrows(CancellationException.class, reader::join);
                }
                return null;
            });
        }
    }
}
