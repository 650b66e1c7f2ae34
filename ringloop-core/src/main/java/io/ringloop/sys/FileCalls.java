package io.ringloop.sys;

import static io.ringloop.sys.Libc.blocking;
import static io.ringloop.sys.Libc.result;
import static io.ringloop.sys.Libc.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The file system calls made on a thread of the blocking pool where the driver has no submission for them (epoll,
 * and io_uring for an opcode its kernel lacks). Every one may sleep on the disk, so none is linked critical:
 * memory is native. Each returns a non-negative result or -errno; EINTR is returned, not retried (the pool's
 * threads install no signal handlers, so it does not come).
 */
public final class FileCalls {
    /** unlinkat: remove a directory (rmdir). */
    public static final int AT_REMOVEDIR = 0x200;
    /** statx: an empty path names {@code dirfd} itself (fstat). */
    public static final int AT_EMPTY_PATH = 0x1000;
    /** open: the page cache is bypassed; buffers, offsets and lengths must be aligned (fcntl.h, x86_64/aarch64). */
    public static final int O_DIRECT = 0x4000;
    /** open(2) of x86_64; aarch64's is 0x10000 (asm/fcntl.h), see {@link #oDirect()}. */
    private static final int O_DIRECT_ARM64 = 0x10000;
    /** fallocate mode: the size stays as it is (blocks are reserved past the end). */
    public static final int FALLOC_FL_KEEP_SIZE = 1;

    private static final MethodHandle OPENAT = blocking("openat", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle PREAD = blocking("pread", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle PWRITE = blocking("pwrite", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle FSYNC = blocking("fsync", JAVA_INT, JAVA_INT);
    private static final MethodHandle FDATASYNC = blocking("fdatasync", JAVA_INT, JAVA_INT);
    private static final MethodHandle FTRUNCATE = blocking("ftruncate", JAVA_INT, JAVA_INT, JAVA_LONG);
    private static final MethodHandle FALLOCATE = blocking("fallocate", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG,
            JAVA_LONG);
    private static final MethodHandle STATX = blocking("statx", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
            ADDRESS);
    private static final MethodHandle RENAMEAT = blocking("renameat", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle UNLINKAT = blocking("unlinkat", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle MKDIRAT = blocking("mkdirat", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    // ssize_t splice(int fd_in, loff_t *off_in, int fd_out, loff_t *off_out, size_t len, unsigned int flags)
    private static final MethodHandle SPLICE = blocking("splice", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
            JAVA_LONG, JAVA_INT);

    private FileCalls() {
    }

    /** O_DIRECT of this machine's architecture. */
    public static int oDirect() {
        return "aarch64".equals(System.getProperty("os.arch")) ? O_DIRECT_ARM64 : O_DIRECT;
    }

    /** {@code openat(dirfd, path, flags, mode)}: the fd or -errno; {@code path} a native C string. */
    public static int openat(MemorySegment cs, int dirfd, MemorySegment path, int flags, int mode) {
        try {
            return result((int) OPENAT.invokeExact(cs, dirfd, path, flags, mode), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pread(fd, buf, count, offset)} into native {@code buf}: bytes read, 0 at end of file, or -errno. */
    public static int pread(MemorySegment cs, int fd, MemorySegment buf, long count, long offset) {
        try {
            return result((long) PREAD.invokeExact(cs, fd, buf, count, offset), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pwrite(fd, buf, count, offset)} of native {@code buf}: bytes written or -errno. */
    public static int pwrite(MemorySegment cs, int fd, MemorySegment buf, long count, long offset) {
        try {
            return result((long) PWRITE.invokeExact(cs, fd, buf, count, offset), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code fdatasync(fd)} when {@code dataOnly}, else {@code fsync(fd)}: 0 or -errno. */
    public static int fsync(MemorySegment cs, int fd, boolean dataOnly) {
        try {
            return result(dataOnly ? (int) FDATASYNC.invokeExact(cs, fd) : (int) FSYNC.invokeExact(cs, fd), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ftruncate(fd, length)}: 0 or -errno. */
    public static int ftruncate(MemorySegment cs, int fd, long length) {
        try {
            return result((int) FTRUNCATE.invokeExact(cs, fd, length), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code fallocate(fd, mode, offset, length)}: 0 or -errno. */
    public static int fallocate(MemorySegment cs, int fd, int mode, long offset, long length) {
        try {
            return result((int) FALLOCATE.invokeExact(cs, fd, mode, offset, length), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code statx(dirfd, path, flags, mask, statx)}: 0 or -errno; {@code statx} native, {@link Statx#SIZE}. */
    public static int statx(MemorySegment cs, int dirfd, MemorySegment path, int flags, int mask,
                            MemorySegment statx) {
        try {
            return result((int) STATX.invokeExact(cs, dirfd, path, flags, mask, statx), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code renameat(AT_FDCWD, from, AT_FDCWD, to)}: 0 or -errno. */
    public static int rename(MemorySegment cs, MemorySegment from, MemorySegment to) {
        try {
            return result((int) RENAMEAT.invokeExact(cs, Files.AT_FDCWD, from, Files.AT_FDCWD, to), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code unlinkat(AT_FDCWD, path, flags)} ({@link #AT_REMOVEDIR} for a directory): 0 or -errno. */
    public static int unlink(MemorySegment cs, MemorySegment path, int flags) {
        try {
            return result((int) UNLINKAT.invokeExact(cs, Files.AT_FDCWD, path, flags), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code mkdirat(AT_FDCWD, path, mode)}: 0 or -errno. */
    public static int mkdir(MemorySegment cs, MemorySegment path, int mode) {
        try {
            return result((int) MKDIRAT.invokeExact(cs, Files.AT_FDCWD, path, mode), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code splice(file, &offset, pipe, NULL, length, flags)}: up to {@code length} bytes of file {@code fdIn}
     * from the offset in {@code offset} (a native {@code loff_t}, advanced by the kernel) into pipe {@code pipe}:
     * bytes moved, 0 at end of file, or -errno.
     */
    public static int spliceFromFile(MemorySegment cs, int fdIn, MemorySegment offset, int pipe, int length,
                                     int flags) {
        try {
            return result((long) SPLICE.invokeExact(cs, fdIn, offset, pipe, MemorySegment.NULL, (long) length,
                    flags), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
