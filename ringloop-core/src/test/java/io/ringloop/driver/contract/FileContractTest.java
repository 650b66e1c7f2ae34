package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Files;
import io.ringloop.sys.Statx;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * File operations through the driver: a backend that {@link Driver#supportsFiles() supports} them opens, writes,
 * syncs, reads and closes asynchronously; the others say -EOPNOTSUPP at once to each (callers then use a thread
 * pool), never calling the completion.
 */
final class FileContractTest {
    @AutoClose
    private final DriverKind.Opened drivers = new DriverKind.Opened();
    /** Closed after the drivers, so no buffer goes while an operation may still use it. */
    private final Arena arena = drivers.arena();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldDoFileOperationsOrSayNoToEach(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        MemorySegment path = arena.allocateFrom(dir.resolve("f").toString());
        MemorySegment data = MemorySegment.ofArray(new byte[] {1, 2, 3, 4, 5});
        Recorder r = new Recorder();
        int flags = Files.O_RDWR | Files.O_CREAT | Files.O_CLOEXEC;
        if (!d.supportsFiles()) {
            assertEquals(-Errno.EOPNOTSUPP, d.openFile(path, flags, 0600, r));
            assertEquals(-Errno.EOPNOTSUPP, d.writeFile(3, data, 0, 5, 0, r));
            assertEquals(-Errno.EOPNOTSUPP, d.readFile(3, data, 0, 5, 0, r));
            assertEquals(-Errno.EOPNOTSUPP, d.syncFile(3, false, r));
            assertEquals(-Errno.EOPNOTSUPP, d.closeFile(3, r));
            d.poll(0);
            assertEquals(0, r.calls());
            return;
        }
        int fd = await(d, r, d.openFile(path, flags, 0600, r));
        assertTrue(fd >= 0, () -> "openat: " + Errno.describe(fd));
        assertEquals(5, await(d, r, d.writeFile(fd, data, 0, 5, 10, r)), "pwrite at 10");
        assertEquals(0, await(d, r, d.syncFile(fd, true, r)));
        MemorySegment in = arena.allocate(8);
        assertEquals(3, await(d, r, d.readFile(fd, in, 2, 6, 12, r)), "pread at 12: the last 3 bytes");
        assertArrayEquals(new byte[] {3, 4, 5}, in.asSlice(2, 3).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(0, await(d, r, d.closeFile(fd, r)));
    }

    /**
     * statx, ftruncate, fallocate, renameat, unlinkat, mkdirat and a splice from a file: done where the backend
     * has them (FTRUNCATE may be -EOPNOTSUPP on a kernel before 6.9: that too is an answer the caller takes),
     * else -EOPNOTSUPP at once without a completion.
     */
    @ParameterizedTest
    @EnumSource(DriverKind.class)
    void shouldDoPathAndMetadataOperationsOrSayNoToEach(DriverKind kind) throws IOException {
        Driver d = drivers.open(kind);
        MemorySegment path = arena.allocateFrom(dir.resolve("g").toString());
        MemorySegment moved = arena.allocateFrom(dir.resolve("h").toString());
        MemorySegment sub = arena.allocateFrom(dir.resolve("sub").toString());
        MemorySegment statx = arena.allocate(Statx.SIZE, 8);
        Recorder r = new Recorder();
        if (!d.supportsFiles()) {
            assertEquals(-Errno.EOPNOTSUPP, d.statFile(3, Statx.STATX_BASIC_STATS, statx, r));
            assertEquals(-Errno.EOPNOTSUPP, d.truncateFile(3, 10, r));
            assertEquals(-Errno.EOPNOTSUPP, d.allocateFile(3, 0, 0, 10, r));
            assertEquals(-Errno.EOPNOTSUPP, d.renameFile(path, moved, r));
            assertEquals(-Errno.EOPNOTSUPP, d.unlinkFile(path, false, r));
            assertEquals(-Errno.EOPNOTSUPP, d.makeDirectory(sub, 0700, r));
            assertEquals(-Errno.EOPNOTSUPP, d.spliceFromFile(3, 0, 4, 10, r));
            d.poll(0);
            assertEquals(0, r.calls());
            return;
        }
        int fd = await(d, r, d.openFile(path, Files.O_RDWR | Files.O_CREAT | Files.O_CLOEXEC, 0600, r));
        assertTrue(fd >= 0, () -> "openat: " + Errno.describe(fd));
        assertEquals(0, await(d, r, d.allocateFile(fd, 0, 0, 8192, r)), "fallocate");
        assertEquals(0, await(d, r, d.statFile(fd, Statx.STATX_BASIC_STATS, statx, r)), "statx");
        assertEquals(8192, Statx.size(statx), "fallocate mode 0 grows the size");
        assertEquals(Statx.S_IFREG, Statx.mode(statx) & Statx.S_IFMT);
        int t = await(d, r, d.truncateFile(fd, 100, r));
        assertTrue(t == 0 || t == -Errno.EOPNOTSUPP, () -> "ftruncate: " + Errno.describe(t));
        MemorySegment data = arena.allocate(100);
        data.fill((byte) 7);
        assertEquals(100, await(d, r, d.writeFile(fd, data, 0, 100, 0, r)));
        int[] ends = new int[2];
        assertTrue(d.pipe(ends, 65536) > 0);
        assertEquals(60, await(d, r, d.spliceFromFile(fd, 40, ends[1], 60, r)), "file at 40 into the pipe");
        assertEquals(0, d.close(ends[0]) + d.close(ends[1]));
        assertEquals(0, await(d, r, d.closeFile(fd, r)));
        assertEquals(0, await(d, r, d.renameFile(path, moved, r)), "renameat");
        assertEquals(-Errno.ENOENT, await(d, r, d.unlinkFile(path, false, r)), "the old name is gone");
        assertEquals(0, await(d, r, d.unlinkFile(moved, false, r)), "unlinkat");
        assertEquals(0, await(d, r, d.makeDirectory(sub, 0700, r)), "mkdirat");
        assertEquals(-Errno.EEXIST, await(d, r, d.makeDirectory(sub, 0700, r)));
        assertEquals(-Errno.EISDIR, await(d, r, d.unlinkFile(sub, false, r)), "a directory is not unlinked");
        assertEquals(0, await(d, r, d.unlinkFile(sub, true, r)), "rmdir");
        assertFalse(java.nio.file.Files.exists(dir.resolve("sub")));
    }
}
