package io.ringloop.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A task cancelled with a file read in flight, and a file closed under its readers, on every backend: the
 * operations end (cancelled or completed), the tasks end, every byte read is the file's, no fd stays open.
 */
class AsyncFileCancelTest {
    private static final int SIZE = 4 << 20;

    @TempDir
    Path dir;

    private Path data() throws Exception {
        byte[] content = new byte[SIZE];
        new Random(14).nextBytes(content);
        return Files.write(dir.resolve("data"), content);
    }

    /** Reads the whole file over and over, checking it against {@code expected}, until something stops it. */
    private static Void readForever(AsyncFile f, byte[] expected, CountDownLatch started, AtomicLong reads)
            throws Exception {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        while (true) {
            b.clear();
            started.countDown();
            f.readFully(b, 0);
            assertEquals(ByteBuffer.wrap(expected), b.flip(), "a read gave bytes that are not the file's");
            reads.incrementAndGet();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEndATaskCancelledWithAReadInFlight(Backend backend) throws Exception {
        Path file = data();
        byte[] expected = Files.readAllBytes(file);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> null); // warm up: the loop's own fds are open before the count
            int fds = Leaks.openFds();
            rt.blockOn(() -> {
                try (AsyncFile f = AsyncFile.open(file)) {
                    for (int round = 0; round < 20; round++) {
                        CountDownLatch started = new CountDownLatch(1);
                        AtomicLong reads = new AtomicLong();
                        JoinHandle<Void> reader = Tasks.spawn(() -> readForever(f, expected, started, reads));
                        started.await();
                        assertTrue(reader.cancel(), "the reader never ends on its own");
                        assertThrows(CancellationException.class, reader::join);
                    }
                    ByteBuffer after = ByteBuffer.allocate(SIZE);
                    f.readFully(after, 0);
                    assertEquals(ByteBuffer.wrap(expected), after.flip(), "the file serves the next task");
                }
                return null;
            });
            assertEquals(fds, Leaks.openFds());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCloseAFileWithReadsInFlight(Backend backend) throws Exception {
        Path file = data();
        byte[] expected = Files.readAllBytes(file);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> null);
            int fds = Leaks.openFds();
            rt.blockOn(() -> {
                AsyncFile f = AsyncFile.open(file);
                CountDownLatch started = new CountDownLatch(8);
                AtomicLong reads = new AtomicLong();
                List<JoinHandle<Void>> readers = new ArrayList<>();
                for (int r = 0; r < 8; r++) {
                    readers.add(Tasks.spawnJoined(Tasks.currentLoop(), false,
                            () -> readForever(f, expected, started, reads)));
                }
                started.await();
                f.close(); // waits for the reads in flight, which complete with the file's bytes
                for (JoinHandle<Void> h : readers) {
                    ExecutionException e = assertThrows(ExecutionException.class, h::join);
                    assertInstanceOf(ClosedChannelException.class, e.getCause(), e.getCause().toString());
                }
                return null;
            });
            assertEquals(fds, Leaks.openFds(), "the file's fd is closed");
        }
    }
}
