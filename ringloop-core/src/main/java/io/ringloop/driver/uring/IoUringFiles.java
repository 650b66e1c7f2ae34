package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Files;
import io.ringloop.sys.uring.IoUring;
import io.ringloop.sys.uring.IoUringRing;
import io.ringloop.sys.uring.IoUringSubmissionQueue;
import java.lang.foreign.MemorySegment;

/**
 * File operations as io_uring submissions: openat, pread, pwrite, fsync/fdatasync, close. A file fd is a
 * handle of the driver like a socket (counted, closed by {@code close()}), so nothing leaks when a task forgets
 * a file. Heap buffers go through the same bounce memory as socket reads and writes. Loop thread only.
 */
final class IoUringFiles {
    private final IoUringEngine engine;
    private final IoUringSubmissionQueue sq;
    private final IoUringOpMemory memory;
    private final IoUringFdTable fds;
    private final boolean supported;

    IoUringFiles(IoUringEngine engine) {
        this.engine = engine;
        this.sq = engine.sq;
        this.memory = engine.memory;
        this.fds = engine.fds;
        IoUringRing ring = engine.ring;
        this.supported = ring.supports(IoUring.OP_OPENAT) && ring.supports(IoUring.OP_READ)
                && ring.supports(IoUring.OP_WRITE) && ring.supports(IoUring.OP_FSYNC)
                && ring.supports(IoUring.OP_CLOSE);
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

    private int refuse(int fd) {
        if (!supported) {
            return -Errno.EOPNOTSUPP;
        }
        return fds.isOpen(fd) ? 0 : -Errno.EBADF;
    }
}
