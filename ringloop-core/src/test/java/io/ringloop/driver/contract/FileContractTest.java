package io.ringloop.driver.contract;

import static io.ringloop.driver.contract.DriverTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Files;
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
}
