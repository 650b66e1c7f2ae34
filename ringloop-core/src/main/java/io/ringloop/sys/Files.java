package io.ringloop.sys;

import static io.ringloop.sys.Libc.critical;
import static io.ringloop.sys.Libc.result;
import static io.ringloop.sys.Libc.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** File constants (fcntl.h) and {@code fstat} for a size. */
public final class Files {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_DSYNC = 0x1000;
    public static final int O_SYNC = 0x101000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int AT_FDCWD = -100;

    /**
     * {@code struct stat} on x86_64 and aarch64 (asm/stat.h, asm-generic/stat.h): {@code st_size} is at
     * offset 48 in both; the struct is 144 (x86_64) or 128 (aarch64) bytes.
     */
    private static final long STAT_SIZE = 144;
    private static final long ST_SIZE = 48;

    private static final MethodHandle FSTAT = critical("fstat", JAVA_INT, JAVA_INT, ADDRESS);

    private Files() {
    }

    /** The file's size from {@code fstat}, or -errno. */
    public static long size(MemorySegment cs, int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(STAT_SIZE, 8);
            int r = result((int) FSTAT.invokeExact(cs, fd, st), cs);
            return r < 0 ? r : st.get(JAVA_LONG, ST_SIZE);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
