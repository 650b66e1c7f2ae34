package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.sys.Errno;
import io.ringloop.sys.FileCalls;
import io.ringloop.sys.Files;
import io.ringloop.sys.Pipes;
import io.ringloop.sys.uring.IoUring;
import io.ringloop.sys.uring.IoUringRing;
import io.ringloop.sys.uring.IoUringSubmissionQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * File operations as io_uring submissions: openat, pread, pwrite, fsync/fdatasync, close, statx, ftruncate,
 * fallocate, renameat, unlinkat, mkdirat, and splice from a file into a pipe. The first five are needed for
 * {@link #supported()}; each of the others is probed on its own and refused with -EOPNOTSUPP when the kernel
 * lacks it (FTRUNCATE came with Linux 6.9), so the caller makes the system call on its pool. A file fd is a
 * handle of the driver like a socket (counted, closed by {@code close()}), so nothing leaks when a task forgets
 * a file. Heap buffers go through the same bounce memory as socket reads and writes. Loop thread only.
 */
final class IoUringFiles {
    private final IoUringEngine engine;
    private final IoUringSubmissionQueue sq;
    private final IoUringOpMemory memory;
    private final IoUringFdTable fds;
    private final boolean supported;
    /** Per opcode beyond the five: the kernel has it (probed once). */
    private final boolean statx;
    private final boolean ftruncate;
    private final boolean fallocate;
    private final boolean renameat;
    private final boolean unlinkat;
    private final boolean mkdirat;
    private final boolean splice;
    /** The empty C string of statx with AT_EMPTY_PATH: the fd itself. */
    private final MemorySegment emptyPath;

    IoUringFiles(IoUringEngine engine, Arena arena) {
        this.engine = engine;
        this.sq = engine.sq;
        this.memory = engine.memory;
        this.fds = engine.fds;
        IoUringRing ring = engine.ring;
        this.supported = ring.supports(IoUring.OP_OPENAT) && ring.supports(IoUring.OP_READ)
                && ring.supports(IoUring.OP_WRITE) && ring.supports(IoUring.OP_FSYNC)
                && ring.supports(IoUring.OP_CLOSE);
        this.statx = supported && ring.supports(IoUring.OP_STATX);
        this.ftruncate = supported && ring.supports(IoUring.OP_FTRUNCATE);
        this.fallocate = supported && ring.supports(IoUring.OP_FALLOCATE);
        this.renameat = supported && ring.supports(IoUring.OP_RENAMEAT);
        this.unlinkat = supported && ring.supports(IoUring.OP_UNLINKAT);
        this.mkdirat = supported && ring.supports(IoUring.OP_MKDIRAT);
        this.splice = supported && ring.supports(IoUring.OP_SPLICE);
        this.emptyPath = arena.allocate(1); // zeroed: ""
    }

    boolean supported() {
        return supported;
    }

    int open(MemorySegment path, int flags, int mode, Completion completion) {
        if (!supported) {
            return -Errno.EOPNOTSUPP;
        }
        long token = engine.begin(-1, completion, IoUringOpKind.FILE_OPEN, path);
        sq.prepOpenAt(Files.AT_FDCWD, path, flags, mode, token);
        return Driver.PENDING;
    }

    int read(int fd, MemorySegment buffer, long offset, int length, long position, Completion completion) {
        int refused = refuse(fd);
        if (refused != 0) {
            return refused;
        }
        MemorySegment user = buffer.asSlice(offset, length);
        long token = engine.begin(fd, completion, IoUringOpKind.FILE_READ, user);
        MemorySegment target = memory.kernelBuffer(IoUringEngine.slot(token), user, false);
        sq.prepRead(fd, target, IoUringOpMemory.kernelLength(user), position, token);
        return Driver.PENDING;
    }

    int write(int fd, MemorySegment buffer, long offset, int length, long position, Completion completion) {
        int refused = refuse(fd);
        if (refused != 0) {
            return refused;
        }
        MemorySegment user = buffer.asSlice(offset, length);
        long token = engine.begin(fd, completion, IoUringOpKind.FILE_WRITE, user);
        MemorySegment source = memory.kernelBuffer(IoUringEngine.slot(token), user, true);
        sq.prepWrite(fd, source, IoUringOpMemory.kernelLength(user), position, token);
        return Driver.PENDING;
    }

    int sync(int fd, boolean dataOnly, Completion completion) {
        int refused = refuse(fd);
        if (refused != 0) {
            return refused;
        }
        long token = engine.begin(fd, completion, IoUringOpKind.FILE_SYNC, null);
        sq.prepFsync(fd, dataOnly ? IoUring.FSYNC_DATASYNC : 0, token);
        return Driver.PENDING;
    }

    int close(int fd, Completion completion) {
        int refused = refuse(fd);
        if (refused != 0) {
            return refused;
        }
        fds.closed(fd); // new operations on it are refused from now on
        long token = engine.begin(-1, completion, IoUringOpKind.FILE_CLOSE, null);
        sq.prepClose(fd, token);
        return Driver.PENDING;
    }

    int stat(int fd, int mask, MemorySegment statx, Completion completion) {
        int refused = refuse(fd, this.statx);
        if (refused != 0) {
            return refused;
        }
        long token = engine.begin(fd, completion, IoUringOpKind.FILE_STAT, statx);
        sq.prepStatx(fd, emptyPath, FileCalls.AT_EMPTY_PATH, mask, statx, token);
        return Driver.PENDING;
    }

    int truncate(int fd, long length, Completion completion) {
        int refused = refuse(fd, ftruncate);
        if (refused != 0) {
            return refused;
        }
        sq.prepFtruncate(fd, length, engine.begin(fd, completion, IoUringOpKind.FILE_TRUNCATE, null));
        return Driver.PENDING;
    }

    int allocate(int fd, int mode, long offset, long length, Completion completion) {
        int refused = refuse(fd, fallocate);
        if (refused != 0) {
            return refused;
        }
        sq.prepFallocate(fd, mode, offset, length, engine.begin(fd, completion, IoUringOpKind.FILE_ALLOCATE, null));
        return Driver.PENDING;
    }

    int rename(MemorySegment from, MemorySegment to, Completion completion) {
        if (!renameat) {
            return -Errno.EOPNOTSUPP;
        }
        long token = engine.begin(-1, completion, IoUringOpKind.FILE_RENAME, from);
        sq.prepRenameAt(Files.AT_FDCWD, from, to, 0, token);
        return Driver.PENDING;
    }

    int unlink(MemorySegment path, boolean directory, Completion completion) {
        if (!unlinkat) {
            return -Errno.EOPNOTSUPP;
        }
        long token = engine.begin(-1, completion, IoUringOpKind.FILE_UNLINK, path);
        sq.prepUnlinkAt(Files.AT_FDCWD, path, directory ? FileCalls.AT_REMOVEDIR : 0, token);
        return Driver.PENDING;
    }

    int mkdir(MemorySegment path, int mode, Completion completion) {
        if (!mkdirat) {
            return -Errno.EOPNOTSUPP;
        }
        long token = engine.begin(-1, completion, IoUringOpKind.FILE_MKDIR, path);
        sq.prepMkdirAt(Files.AT_FDCWD, path, mode, token);
        return Driver.PENDING;
    }

    /** File to pipe; no SPLICE_F_NONBLOCK: the caller's pipe has room, and the worker may sleep on the disk. */
    int spliceFrom(int fd, long position, int pipe, int length, Completion completion) {
        if (length <= 0) {
            throw new IllegalArgumentException("spliceFromFile: length " + length);
        }
        int refused = refuse(fd, splice);
        if (refused == 0 && !fds.isOpen(pipe)) {
            refused = -Errno.EBADF;
        }
        if (refused != 0) {
            return refused;
        }
        long token = engine.begin(fd, completion, IoUringOpKind.FILE_SPLICE, null);
        sq.prepSpliceFromFile(fd, position, pipe, length, Pipes.SPLICE_F_MOVE, token);
        return Driver.PENDING;
    }

    private int refuse(int fd, boolean opcode) {
        return opcode ? refuse(fd) : -Errno.EOPNOTSUPP;
    }

    private int refuse(int fd) {
        if (!supported) {
            return -Errno.EOPNOTSUPP;
        }
        return fds.isOpen(fd) ? 0 : -Errno.EBADF;
    }
}
