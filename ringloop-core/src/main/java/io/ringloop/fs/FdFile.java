package io.ringloop.fs;

import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.Errno;
import io.ringloop.sys.FileCalls;
import io.ringloop.sys.Files;
import io.ringloop.sys.Libc;
import io.ringloop.sys.Statx;
import io.ringloop.task.internal.IoWaiter;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * An open file descriptor and the two ways of calling the kernel on it. Where the opening task's loop drives a
 * driver that does files (io_uring), the fd is a handle of that driver (closed with it if the user forgets) and
 * each call is one submission: the loop never blocks. Elsewhere (epoll, NIO, a plain thread) the fd is ours and
 * each call is the system call on {@link AsyncFile#POOL} while the task parks; so is a call the driver refuses
 * with -EOPNOTSUPP (an io_uring opcode this kernel lacks, e.g. FTRUNCATE before Linux 6.9). Either way the error
 * is the kernel's errno: {@code pread(/tmp/d): EISDIR (21) Is a directory}.
 *
 * <p>Close waits for the calls in flight ({@link #enter}/{@link #exit} count them): a pooled call queued before
 * the close must never run on the number after the kernel has given it to another file.
 */
final class FdFile {
    private static final int MODE_0644 = 0644;
    /** Most bytes one pooled call moves through native staging for a heap buffer. */
    private static final int STAGING_MAX = 1 << 20;
    private static final int STAT_MASK = Statx.STATX_BASIC_STATS | Statx.STATX_BTIME;
    /** In {@link #users}: close has begun; the low bits count calls in flight. */
    private static final int CLOSING = 1 << 30;

    /** The loop whose driver owns {@link #fd}, or null: the fd is ours and calls go to the pool. */
    final Loop loop;
    final int fd;
    final Path path;
    private final AtomicInteger users = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    private FdFile(Loop loop, int fd, Path path) {
        this.loop = loop;
        this.fd = fd;
        this.path = path;
    }

    static FdFile open(Path path, Set<OpenOption> options) throws IOException {
        Loop loop = LoopContext.current();
        int flags = flags(options);
        String what = "open(" + path + ")";
        try (Arena arena = Arena.ofShared()) {
            MemorySegment cPath = arena.allocateFrom(path.toString());
            if (loop != null && LoopContext.onCarrier(loop) && loop.driver().supportsFiles()) {
                IoWaiter w = new IoWaiter(loop);
                int r = w.run(() -> loop.driver().openFile(cPath, flags, MODE_0644, w), what, 0);
                return new FdFile(loop, check(r, what), path);
            }
            int fd = pooled(what, (cs, a) -> FileCalls.openat(cs, Files.AT_FDCWD, cPath, flags, MODE_0644));
            return new FdFile(null, fd, path);
        }
    }

    static int flags(Set<OpenOption> options) {
        boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        boolean read = options.contains(StandardOpenOption.READ) || !write;
        int flags = Files.O_CLOEXEC | (read && write ? Files.O_RDWR : write ? Files.O_WRONLY : Files.O_RDONLY);
        if (options.contains(StandardOpenOption.CREATE_NEW)) {
            flags |= Files.O_CREAT | Files.O_EXCL;
        } else if (options.contains(StandardOpenOption.CREATE)) {
            flags |= Files.O_CREAT;
        }
        if (options.contains(StandardOpenOption.TRUNCATE_EXISTING) && write) {
            flags |= Files.O_TRUNC;
        }
        if (options.contains(StandardOpenOption.APPEND)) {
            flags |= Files.O_APPEND;
        }
        if (options.contains(StandardOpenOption.SYNC)) {
            flags |= Files.O_SYNC;
        } else if (options.contains(StandardOpenOption.DSYNC)) {
            flags |= Files.O_DSYNC;
        }
        if (options.contains(FileOption.DIRECT)) {
            flags |= FileCalls.oDirect();
        }
        return flags;
    }

    /** {@code pread}: the count, 0 at end of file. The caller advances {@code dst}. */
    int read(ByteBuffer dst, long position) throws IOException {
        String what = "pread(" + path + ")";
        int len = dst.remaining();
        MemorySegment seg = MemorySegment.ofBuffer(dst);
        int r = submit(w -> driver().readFile(fd, seg, 0, len, position, w), what);
        if (r != -Errno.EOPNOTSUPP) {
            return check(r, what);
        }
        return pooled(what, (cs, arena) -> {
            if (seg.isNative()) {
                return FileCalls.pread(cs, fd, seg, len, position);
            }
            int n = Math.min(len, STAGING_MAX);
            MemorySegment staging = arena.allocate(n, 4096); // aligned: O_DIRECT takes it too
            int got = FileCalls.pread(cs, fd, staging, n, position);
            if (got > 0) {
                MemorySegment.copy(staging, 0, seg, 0, got);
            }
            return got;
        });
    }

    /** {@code pwrite}: the count written (may be fewer). The caller advances {@code src}. */
    int write(ByteBuffer src, long position) throws IOException {
        String what = "pwrite(" + path + ")";
        int len = src.remaining();
        MemorySegment seg = MemorySegment.ofBuffer(src);
        int r = submit(w -> driver().writeFile(fd, seg, 0, len, position, w), what);
        if (r != -Errno.EOPNOTSUPP) {
            return check(r, what);
        }
        return pooled(what, (cs, arena) -> {
            if (seg.isNative()) {
                return FileCalls.pwrite(cs, fd, seg, len, position);
            }
            int n = Math.min(len, STAGING_MAX);
            MemorySegment staging = arena.allocate(n, 4096);
            MemorySegment.copy(seg, 0, staging, 0, n);
            return FileCalls.pwrite(cs, fd, staging, n, position);
        });
    }

    void sync(boolean dataOnly) throws IOException {
        String what = (dataOnly ? "fdatasync(" : "fsync(") + path + ")";
        int r = submit(w -> driver().syncFile(fd, dataOnly, w), what);
        if (r == -Errno.EOPNOTSUPP) {
            pooled(what, (cs, a) -> FileCalls.fsync(cs, fd, dataOnly));
        } else {
            check(r, what);
        }
    }

    /** One statx of the fd: IORING_OP_STATX, or statx(2) on the pool. */
    FileStat stat() throws IOException {
        String what = "statx(" + path + ")";
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(Statx.SIZE, 8);
            int r = submit(w -> driver().statFile(fd, STAT_MASK, buf, w), what);
            if (r == -Errno.EOPNOTSUPP) {
                MemorySegment empty = arena.allocate(1);
                pooled(what, (cs, a) -> FileCalls.statx(cs, fd, empty, FileCalls.AT_EMPTY_PATH, STAT_MASK, buf));
            } else {
                check(r, what);
            }
            return decode(buf);
        }
    }

    /** {@code ftruncate}: IORING_OP_FTRUNCATE where the kernel has it (6.9), else on the pool. */
    void truncate(long size) throws IOException {
        String what = "ftruncate(" + path + ")";
        int r = submit(w -> driver().truncateFile(fd, size, w), what);
        if (r == -Errno.EOPNOTSUPP) {
            pooled(what, (cs, a) -> FileCalls.ftruncate(cs, fd, size));
        } else {
            check(r, what);
        }
    }

    /** {@code fallocate(fd, 0, position, length)}: blocks reserved, the size grown to cover them. */
    void allocate(long position, long length) throws IOException {
        String what = "fallocate(" + path + ")";
        int r = submit(w -> driver().allocateFile(fd, 0, position, length, w), what);
        if (r == -Errno.EOPNOTSUPP) {
            pooled(what, (cs, a) -> FileCalls.fallocate(cs, fd, 0, position, length));
        } else {
            check(r, what);
        }
    }

    /** Waits for the calls in flight, then closes the fd. Once. */
    void close() throws IOException {
        int before = users.getAndUpdate(u -> u | CLOSING);
        if (before != 0) {
            drained.join(); // not interruptible: the calls in flight end on their own (files do not wait on peers)
        }
        String what = "close(" + path + ")";
        int r = submit(w -> driver().closeFile(fd, w), what);
        if (r == -Errno.EOPNOTSUPP) {
            pooled(what, (cs, a) -> Libc.close(cs, fd));
        } else {
            check(r, what);
        }
    }

    /** A call starts: false once close has begun (the caller then reports the file closed). */
    boolean enter() {
        int u = users.updateAndGet(v -> (v & CLOSING) != 0 ? v : v + 1);
        return (u & CLOSING) == 0;
    }

    /** A call {@link #enter}ed has ended. */
    void exit() {
        if (users.decrementAndGet() == CLOSING) {
            drained.complete(null);
        }
    }

    private Driver driver() {
        return loop.driver();
    }

    /**
     * One submission and its wait, where the fd is the loop driver's; else -EOPNOTSUPP at once, and the caller
     * goes to the pool. Each call has its own waiter: positional file I/O allows any number of calls at once.
     *
     * @throws java.util.concurrent.CancellationException when the calling task was cancelled (interrupted)
     */
    int submit(ToIntFunction<IoWaiter> op, String what) {
        if (loop == null) {
            return -Errno.EOPNOTSUPP;
        }
        if (Thread.currentThread().isInterrupted()) {
            // A file read in the kernel is rarely cancellable (ASYNC_CANCEL finds it running and it completes):
            // a cancelled task that goes on calling would never stop. Refused before it starts, as on the pool.
            throw Errno.cancelled(what);
        }
        IoWaiter waiter = new IoWaiter(loop);
        return LoopContext.onCarrier(loop) ? waiter.finish(op.applyAsInt(waiter), what)
                : waiter.run(() -> op.applyAsInt(waiter), what, 0);
    }

    /** A system call made on a pool thread with a call state and an arena of its own. */
    @FunctionalInterface
    interface Syscall {
        int call(MemorySegment cs, Arena arena);
    }

    /** Runs {@code call} on the pool while the caller parks: its result, or the errno as {@code what}'s error. */
    static int pooled(String what, Syscall call) throws IOException {
        int r = AsyncFile.blocking(() -> {
            try (Arena arena = Arena.ofConfined()) {
                return call.call(Libc.allocateCallState(arena), arena);
            }
        }, what);
        return check(r, what);
    }

    static int check(int r, String what) throws IOException {
        if (r < 0) {
            throw Errno.exception(what, r);
        }
        return r;
    }

    private static FileStat decode(MemorySegment s) {
        int mode = Statx.mode(s);
        FileStat.FileType type = switch (mode & Statx.S_IFMT) {
            case Statx.S_IFREG -> FileStat.FileType.REGULAR;
            case Statx.S_IFDIR -> FileStat.FileType.DIRECTORY;
            case Statx.S_IFLNK -> FileStat.FileType.SYMBOLIC_LINK;
            default -> FileStat.FileType.OTHER;
        };
        Instant created = (Statx.mask(s) & Statx.STATX_BTIME) != 0 ? time(s, 'b') : null;
        return new FileStat(type, Statx.size(s), Statx.blocks(s) * 512, time(s, 'm'), time(s, 'a'), time(s, 'c'),
                created, mode & 07777);
    }

    private static Instant time(MemorySegment s, char which) {
        return Instant.ofEpochSecond(Statx.seconds(s, which), Statx.nanos(s, which));
    }
}
