package io.ringloop.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** AsyncFile's stat, truncate, preallocate and O_DIRECT on every backend, against what the JDK sees. */
class AsyncFileMetadataTest {
    private static final StandardOpenOption[] RW = {StandardOpenOption.READ, StandardOpenOption.WRITE};

    @TempDir
    Path dir;

    private static <T> T run(Backend backend, Callable<T> body) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            return rt.blockOn(body);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldStatTypeSizeTimesAndPermissions(Backend backend) throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[12345]);
        Instant mtime = Instant.parse("2020-01-02T03:04:05.123456789Z");
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        run(backend, () -> {
            try (AsyncFile f = AsyncFile.open(file); AsyncFile d = AsyncFile.open(dir)) {
                FileStat s = f.stat();
                assertEquals(FileStat.FileType.REGULAR, s.type());
                assertEquals(12345, s.size());
                assertEquals(12345, f.size());
                assertEquals(mtime, s.lastModified());
                assertEquals(0640, s.permissions());
                assertTrue(!s.lastChanged().isBefore(s.lastModified()), s.toString());
                assertEquals(FileStat.FileType.DIRECTORY, d.stat().type());
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTruncateDownAndUpWithAHole(Backend backend) throws Exception {
        byte[] content = new byte[10000];
        java.util.Arrays.fill(content, (byte) 5);
        Path file = Files.write(dir.resolve("t"), content);
        run(backend, () -> {
            try (AsyncFile f = AsyncFile.open(file, RW)) {
                f.truncate(100);
                assertEquals(100, f.size());
                f.truncate(1 << 20);
                FileStat s = f.stat();
                assertEquals(1 << 20, s.size());
                assertTrue(s.allocatedBytes() < s.size(), "grown with a hole: " + s);
                ByteBuffer b = ByteBuffer.allocate(8);
                f.readFully(b, 96);
                assertArrayEquals(new byte[] {5, 5, 5, 5, 0, 0, 0, 0}, b.array(), "old bytes, then the hole");
            }
            try (AsyncFile readOnly = AsyncFile.open(file)) {
                assertThrows(NonWritableChannelException.class, () -> readOnly.truncate(0));
                assertThrows(IllegalArgumentException.class, () -> readOnly.truncate(-1));
            }
            return null;
        });
        assertEquals(1 << 20, Files.size(file));
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldPreallocateBlocksAndGrowTheSize(Backend backend) throws Exception {
        Path file = Files.createFile(dir.resolve("p"));
        run(backend, () -> {
            AsyncFile f = AsyncFile.open(file, RW);
            f.preallocate(0, 1 << 20);
            FileStat s = f.stat();
            assertEquals(1 << 20, s.size());
            assertTrue(s.allocatedBytes() >= 1 << 20, "blocks reserved: " + s);
            assertThrows(IllegalArgumentException.class, () -> f.preallocate(0, 0));
            f.close();
            ClosedChannelException closed = assertThrows(ClosedChannelException.class, f::stat);
            assertEquals("statx(" + file + "): file closed", closed.getMessage());
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReadAndWriteDirectWithAlignedBuffers(Backend backend) throws Exception {
        Path file = dir.resolve("direct");
        run(backend, () -> {
            try (AsyncFile f = AsyncFile.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, FileOption.DIRECT)) {
                ByteBuffer out = AsyncFile.allocateAligned(8192, 4096);
                for (int i = 0; i < 8192; i++) {
                    out.put(i, (byte) i);
                }
                assertEquals(8192, f.write(out, 4096));
                ByteBuffer in = AsyncFile.allocateAligned(4096, 4096);
                f.readFully(in, 8192);
                for (int i = 0; i < 4096; i++) {
                    assertEquals((byte) (4096 + i), in.get(i), "byte " + i);
                }
                assertEquals(12288, f.size());
            }
            return null;
        });
    }

    /** procfs has no direct I/O (tmpfs has had it since Linux 6.6): the open is refused, nothing is left open. */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNameTheCallWhenTheFileSystemRefusesDirectIo(Backend backend) throws Exception {
        Path file = Path.of("/proc/self/status");
        run(backend, () -> null); // warm up
        int fds = Leaks.openFds();
        run(backend, () -> {
            IOException e = assertThrows(IOException.class, () -> AsyncFile.open(file, FileOption.DIRECT));
            assertEquals("open(" + file + "): EINVAL (22) Invalid argument (O_DIRECT: the file system refuses "
                    + "direct I/O)", e.getMessage());
            return null;
        });
        assertEquals(fds, Leaks.openFds());
    }

    @Test
    void shouldAllocateAlignedBuffers() {
        ByteBuffer b = AsyncFile.allocateAligned(100, 512);
        assertEquals(100, b.capacity());
        assertTrue(b.isDirect());
        assertEquals(0, java.lang.foreign.MemorySegment.ofBuffer(b).address() % 512);
        assertThrows(IllegalArgumentException.class, () -> AsyncFile.allocateAligned(100, 48));
        assertThrows(IllegalArgumentException.class, () -> AsyncFile.allocateAligned(-1, 512));
    }
}
