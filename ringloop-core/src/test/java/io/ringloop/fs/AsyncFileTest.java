package io.ringloop.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** AsyncFile on every backend: empty, one byte, a sparse gigabyte, concurrent readers, errors. */
class AsyncFileTest {
    @TempDir
    Path dir;

    private static <T> T run(Backend backend, Callable<T> body) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            return rt.blockOn(body);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReadEmptyAndOneByteFiles(Backend backend) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty"));
        Path one = Files.write(dir.resolve("one"), new byte[] {42});
        run(backend, () -> {
            try (AsyncFile f = AsyncFile.open(empty)) {
                assertEquals(0, f.size());
                assertEquals(-1, f.read(ByteBuffer.allocate(8), 0));
            }
            try (AsyncFile f = AsyncFile.open(one)) {
                ByteBuffer b = ByteBuffer.allocate(8);
                assertEquals(1, f.read(b, 0));
                assertEquals(42, b.get(0));
                assertEquals(-1, f.read(ByteBuffer.allocate(8), 1));
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldWriteAndReadSparseGigabyte(Backend backend) throws Exception {
        Path big = dir.resolve("sparse");
        long gib = 1L << 30;
        run(backend, () -> {
            try (AsyncFile f = AsyncFile.open(big, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                byte[] tail = "the end".getBytes();
                f.write(ByteBuffer.wrap(tail), gib - tail.length);
                f.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 4096);
                f.syncData();
                f.sync();
                assertEquals(gib, f.size());
                ByteBuffer back = ByteBuffer.allocateDirect(tail.length);
                f.readFully(back, gib - tail.length);
                byte[] got = new byte[tail.length];
                back.flip().get(got);
                assertArrayEquals(tail, got);
                ByteBuffer hole = ByteBuffer.allocate(4);
                f.readFully(hole, 4095);
                assertArrayEquals(new byte[] {0, 1, 2, 3}, hole.array(), "the hole reads as zeros");
            }
            return null;
        });
        assertEquals(gib, Files.size(big));
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeConcurrentReaders(Backend backend) throws Exception {
        byte[] content = new byte[1 << 20];
        new Random(5).nextBytes(content);
        Path file = Files.write(dir.resolve("data"), content);
        run(backend, () -> {
            try (AsyncFile f = AsyncFile.open(file)) {
                List<JoinHandle<Void>> readers = new ArrayList<>();
                for (int r = 0; r < 16; r++) {
                    int id = r;
                    readers.add(Tasks.spawn(() -> {
                        int chunk = content.length / 16;
                        ByteBuffer b = ByteBuffer.allocate(chunk);
                        f.readFully(b, (long) id * chunk);
                        for (int i = 0; i < chunk; i++) {
                            assertEquals(content[id * chunk + i], b.get(i));
                        }
                        return null;
                    }));
                }
                for (JoinHandle<Void> h : readers) {
                    h.join();
                }
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReportErrorsAndLeaveNoFd(Backend backend) throws Exception {
        Path exists = Files.write(dir.resolve("exists"), new byte[1]);
        run(backend, () -> null); // warm up
        int fds = Leaks.openFds();
        run(backend, () -> {
            assertThrows(NoSuchFileException.class, () -> AsyncFile.open(dir.resolve("missing")));
            Exception e = assertThrows(IOException.class, () -> AsyncFile.open(exists,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            assertTrue(e instanceof FileAlreadyExistsException || e.getMessage().contains("EEXIST"), e.toString());
            AsyncFile f = AsyncFile.open(exists, StandardOpenOption.APPEND);
            f.write(ByteBuffer.wrap(new byte[] {9}), 0);
            f.close();
            f.close();
            assertThrows(ClosedChannelException.class, () -> f.read(ByteBuffer.allocate(1), 0));
            return null;
        });
        assertEquals(2, Files.size(exists), "APPEND writes at the end");
        assertEquals(fds, Leaks.openFds());
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseReadOnlyBuffer(Backend backend) throws Exception {
        Path file = Files.write(dir.resolve("data"), new byte[] {1, 2, 3});
        run(backend, () -> {
            try (AsyncFile f = AsyncFile.open(file)) {
                byte[] backing = new byte[3];
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> f.read(ByteBuffer.wrap(backing).asReadOnlyBuffer(), 0));
                assertTrue(e.getMessage().contains("read-only buffer"), e.getMessage());
                assertThrows(IllegalArgumentException.class,
                        () -> f.readFully(ByteBuffer.allocateDirect(3).asReadOnlyBuffer(), 0));
                assertArrayEquals(new byte[3], backing, "nothing was written into the read-only buffer");
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReportFileErrorsInOneShapeOnEveryBackend(Backend backend) throws Exception {
        Path missing = dir.resolve("missing");
        Path exists = Files.write(dir.resolve("exists"), new byte[] {1});
        Path subdir = Files.createDirectory(dir.resolve("subdir"));
        run(backend, () -> {
            NoSuchFileException none = assertThrows(NoSuchFileException.class, () -> AsyncFile.open(missing));
            assertEquals("open(" + missing + "): ENOENT (2) No such file or directory", none.getMessage());
            FileAlreadyExistsException taken = assertThrows(FileAlreadyExistsException.class,
                    () -> AsyncFile.open(exists, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            assertEquals("open(" + exists + "): EEXIST (17) File exists", taken.getMessage());
            try (AsyncFile d = AsyncFile.open(subdir)) {
                java.io.IOException isDir = assertThrows(java.io.IOException.class,
                        () -> d.read(ByteBuffer.allocate(1), 0));
                assertEquals("pread(" + subdir + "): EISDIR (21) Is a directory", isDir.getMessage());
            }
            try (AsyncFile readOnly = AsyncFile.open(exists);
                 AsyncFile writeOnly = AsyncFile.open(exists, StandardOpenOption.WRITE)) {
                assertThrows(NonWritableChannelException.class, () -> readOnly.write(ByteBuffer.allocate(1), 0));
                assertThrows(NonReadableChannelException.class, () -> writeOnly.read(ByteBuffer.allocate(1), 0));
                assertThrows(IllegalArgumentException.class, () -> readOnly.read(ByteBuffer.allocate(1), -1));
            }
            return null;
        });
    }
}
