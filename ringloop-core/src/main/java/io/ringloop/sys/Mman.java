package io.ringloop.sys;

import static io.ringloop.sys.Libc.LINKER;
import static io.ringloop.sys.Libc.blocking;
import static io.ringloop.sys.Libc.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Memory mappings (sys/mman.h): {@code mmap} and {@code munmap}. io_uring shares its rings with user space
 * through {@code mmap} of the ring file descriptor.
 */
public final class Mman {
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_POPULATE = 0x08000;

    private static final MethodHandle MMAP =
            blocking("mmap", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG);
    /** munmap without errno capture: it runs as an arena cleanup action, where there is no call state. */
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(
            LINKER.defaultLookup().find("munmap").orElseThrow(() -> new UnsatisfiedLinkError("libc has no munmap")),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    /** {@code MAP_FAILED}, i.e. {@code (void *) -1}. */
    private static final long MAP_FAILED = -1L;

    private Mman() {
    }

    /**
     * {@code mmap(NULL, length, prot, flags, fd, offset)}. On success the mapping is returned as a segment of
     * {@code length} bytes that belongs to {@code arena}: closing the arena unmaps it, and any access after
     * that throws instead of touching unmapped memory. On failure returns null; {@link Socket#lastErrno}
     * of {@code cs} gives the errno.
     */
    public static MemorySegment mmap(MemorySegment cs, long length, int prot, int flags, int fd, long offset,
                                     Arena arena) {
        MemorySegment raw;
        try {
            raw = (MemorySegment) MMAP.invokeExact(cs, MemorySegment.NULL, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (raw.address() == MAP_FAILED) {
            return null;
        }
        // SAFETY: the kernel mapped exactly `length` bytes at this address; the segment lives as long as
        // `arena`, whose cleanup is the only munmap of the mapping, so no access can follow the unmap.
        return raw.reinterpret(length, arena, zero -> munmap(zero, length));
    }

    private static void munmap(MemorySegment start, long length) {
        try {
            int ignore = (int) MUNMAP.invokeExact(start, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
