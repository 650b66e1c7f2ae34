package io.ringloop.fs;

import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.Errno;
import io.ringloop.sys.FileCalls;
import io.ringloop.task.internal.IoWaiter;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * File-system calls on paths for tasks: rename, delete, create and delete directories, list a directory. On a
 * loop whose driver does files (io_uring) each is one submission (IORING_OP_RENAMEAT, UNLINKAT, MKDIRAT); else
 * (epoll, NIO, a plain thread, or an opcode the kernel lacks) the system call runs on the blocking pool while the
 * task parks. Listing is always on the pool: io_uring has no getdents. Errors have {@link AsyncFile}'s shape:
 * {@code unlinkat(/tmp/x): ENOENT (2) No such file or directory}, as a {@code NoSuchFileException} and so on.
 */
public final class AsyncFiles {
    private static final int MODE_0777 = 0777;

    private AsyncFiles() {
    }

    /**
     * Renames {@code from} to {@code to} ({@code rename(2)}): atomic on one file system, and a file at {@code to}
     * is replaced; across file systems EXDEV.
     */
    public static void rename(Path from, Path to) throws IOException {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        String what = "renameat(" + from + " -> " + to + ")";
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = arena.allocateFrom(from.toString());
            MemorySegment b = arena.allocateFrom(to.toString());
            call(what, (d, w) -> d.renameFile(a, b, w), (cs, x) -> FileCalls.rename(cs, a, b));
        }
    }

    /** Deletes the file (not a directory: EISDIR) at {@code path} ({@code unlink(2)}). */
    public static void delete(Path path) throws IOException {
        unlink(path, false, "unlinkat(");
    }

    /** Creates the directory {@code path} with mode 0777 less the umask ({@code mkdir(2)}); its parent must exist. */
    public static void createDirectory(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        String what = "mkdirat(" + path + ")";
        try (Arena arena = Arena.ofShared()) {
            MemorySegment p = arena.allocateFrom(path.toString());
            call(what, (d, w) -> d.makeDirectory(p, MODE_0777, w), (cs, x) -> FileCalls.mkdir(cs, p, MODE_0777));
        }
    }

    /** Deletes the empty directory {@code path} ({@code rmdir(2)}; not empty: ENOTEMPTY). */
    public static void deleteDirectory(Path path) throws IOException {
        unlink(path, true, "rmdir(");
    }

    /**
     * The entries of directory {@code path} (without {@code .} and {@code ..}), in the order the file system gives
     * them, read on the blocking pool on every backend.
     */
    public static List<Path> list(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        return AsyncFile.blocking(() -> {
            List<Path> entries = new ArrayList<>();
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(path)) {
                dir.forEach(entries::add);
            }
            return entries;
        }, "opendir(" + path + ")");
    }

    private static void unlink(Path path, boolean directory, String call) throws IOException {
        Objects.requireNonNull(path, "path");
        String what = call + path + ")";
        int flags = directory ? FileCalls.AT_REMOVEDIR : 0;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment p = arena.allocateFrom(path.toString());
            call(what, (d, w) -> d.unlinkFile(p, directory, w), (cs, x) -> FileCalls.unlink(cs, p, flags));
        }
    }

    /** A submission on the caller's loop where its driver has it, else {@code syscall} on the pool. */
    private static void call(String what, Submission submission, FdFile.Syscall syscall) throws IOException {
        Loop loop = LoopContext.current();
        if (loop != null && LoopContext.onCarrier(loop) && loop.driver().supportsFiles()) {
            IoWaiter w = new IoWaiter(loop);
            int r = w.finish(submission.submit(loop.driver(), w), what);
            if (r != -Errno.EOPNOTSUPP) {
                FdFile.check(r, what);
                return;
            }
        }
        FdFile.pooled(what, syscall);
    }

    /** A driver call with its completion. */
    @FunctionalInterface
    private interface Submission {
        int submit(Driver driver, IoWaiter waiter);
    }
}
