package io.ringloop.fs;

import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.Files;
import io.ringloop.sys.Libc;
import io.ringloop.task.internal.IoWaiter;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.function.ToIntFunction;

/** File calls as io_uring submissions on the task's loop: the loop never blocks. */
final class RingFileIo implements AsyncFile.FileIo {
    private static final int MODE_0644 = 0644;

    private final Loop loop;
    private final Driver driver;
    private final int fd;
    /** Names the file in errors, as on the other backends: {@code pread(/tmp/d): EISDIR (21) Is a directory}. */
    private final Path path;

    private RingFileIo(Loop loop, int fd, Path path) {
        this.loop = loop;
        this.driver = loop.driver();
        this.fd = fd;
        this.path = path;
    }

    static RingFileIo open(Loop loop, Path path, Set<OpenOption> options) throws IOException {
        int flags = flags(options);
        IoWaiter w = new IoWaiter(loop);
        String what = "open(" + path + ")";
        try (Arena arena = Arena.ofShared()) {
            MemorySegment cPath = arena.allocateFrom(path.toString());
            int r = w.run(() -> loop.driver().openFile(cPath, flags, MODE_0644, w), what, 0);
            if (r < 0) {
                throw AsyncFile.failure(what, r);
            }
            return new RingFileIo(loop, r, path);
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
        return flags;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        MemorySegment seg = MemorySegment.ofBuffer(dst);
        int len = dst.remaining();
        return call(w -> driver.readFile(fd, seg, 0, len, position, w), "pread(" + path + ")");
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        MemorySegment seg = MemorySegment.ofBuffer(src);
        int len = src.remaining();
        return call(w -> driver.writeFile(fd, seg, 0, len, position, w), "pwrite(" + path + ")");
    }

    @Override
    public void sync(boolean dataOnly) throws IOException {
        call(w -> driver.syncFile(fd, dataOnly, w), (dataOnly ? "fdatasync" : "fsync") + "(" + path + ")");
    }

    @Override
    public long size() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            long r = Files.size(Libc.allocateCallState(arena), fd);
            if (r < 0) {
                throw AsyncFile.failure("fstat(" + path + ")", (int) r);
            }
            return r;
        }
    }

    @Override
    public void close() throws IOException {
        call(w -> driver.closeFile(fd, w), "close(" + path + ")");
    }

    /**
     * One submission and its wait. Each call has its own waiter: positional file I/O allows any number of
     * concurrent calls on one file (unlike a socket direction), so there is no per-file waiter to share.
     */
    private int call(ToIntFunction<IoWaiter> op, String what) throws IOException {
        IoWaiter waiter = new IoWaiter(loop);
        int r = LoopContext.onCarrier(loop) ? waiter.finish(op.applyAsInt(waiter), what)
                : waiter.run(() -> op.applyAsInt(waiter), what, 0);
        if (r < 0) {
            throw AsyncFile.failure(what, r);
        }
        return r;
    }
}
