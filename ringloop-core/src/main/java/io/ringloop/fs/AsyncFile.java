package io.ringloop.fs;

import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.Errno;
import io.ringloop.task.internal.BlockingPool;
import io.ringloop.task.internal.LoopContext;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * A file for tasks: positional reads and writes, sync, size, close. On io_uring each call is one submission
 * (the loop is never blocked); on epoll and NIO, where the kernel has no asynchronous file I/O, each call runs
 * on a bounded pool of platform threads ({@link #POOL}) while the task parks. Either way a task calling
 * {@code read} frees its loop.
 *
 * <p>Positional I/O only: there is no shared file pointer, so concurrent readers need no lock.
 *
 * <p>Errors have one shape on every backend: the call, the path and the errno, e.g.
 * {@code pread(/tmp/d): EISDIR (21) Is a directory}, as a {@code NoSuchFileException},
 * {@code FileAlreadyExistsException}, {@code AccessDeniedException} or other {@code IOException}. Misuse is
 * refused up front as {@code FileChannel} refuses it: a read of a file not opened for reading
 * ({@link NonReadableChannelException}), a write of one not opened for writing
 * ({@link NonWritableChannelException}), a negative position, a read-only buffer ({@link IllegalArgumentException}).
 */
public final class AsyncFile implements AutoCloseable {
    /** Threads for file I/O on backends without asynchronous files. Bounded: at most 16 calls in the kernel. */
    static final BlockingPool POOL = new BlockingPool("ringloop-fs", 16, Duration.ofSeconds(10));

    private final Path path;
    private final FileIo io;
    /** What the open options allow (WRITE or APPEND write; READ, or no write option, read), as FileChannel. */
    private final boolean readable;
    private final boolean writable;
    private volatile boolean closed;

    private AsyncFile(Path path, FileIo io, Set<OpenOption> options) {
        this.path = path;
        this.io = io;
        this.writable = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        this.readable = options.contains(StandardOpenOption.READ) || !writable;
    }

    /**
     * Opens {@code path} with the JDK's options ({@link StandardOpenOption#READ}, {@code WRITE}, {@code CREATE},
     * {@code CREATE_NEW}, {@code TRUNCATE_EXISTING}, {@code APPEND}, {@code SYNC}, {@code DSYNC}). With no option,
     * READ. From a task on a loop, or from any thread.
     */
    public static AsyncFile open(Path path, OpenOption... options) throws IOException {
        Loop loop = LoopContext.current();
        Set<OpenOption> set = options.length == 0 ? Set.of(StandardOpenOption.READ) : Set.of(options);
        if (loop != null && LoopContext.onCarrier(loop) && loop.driver().supportsFiles()) {
            return new AsyncFile(path, RingFileIo.open(loop, path, set), set);
        }
        FileChannel ch = blocking(() -> FileChannel.open(path, set), "open(" + path + ")");
        return new AsyncFile(path, new PoolFileIo(ch, path), set);
    }

    /**
     * Reads into {@code dst} from file position {@code position}: the count, or -1 at end of file.
     *
     * @throws IllegalArgumentException if {@code dst} is read-only (as {@code FileChannel.read} does)
     */
    public int read(ByteBuffer dst, long position) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("pread(" + path + "): read-only buffer");
        }
        checkPosition(position, "pread");
        ensureOpen("pread");
        if (!readable) {
            throw new NonReadableChannelException();
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        int n = io.read(dst, position);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n == 0 ? -1 : n;
    }

    /**
     * Writes {@code src}'s remaining bytes at {@code position} (all of them, looping on short writes); a negative
     * position throws {@link IllegalArgumentException}.
     */
    public int write(ByteBuffer src, long position) throws IOException {
        checkPosition(position, "pwrite");
        ensureOpen("pwrite");
        if (!writable) {
            throw new NonWritableChannelException();
        }
        int total = 0;
        while (src.hasRemaining()) {
            int n = io.write(src, position + total);
            src.position(src.position() + n);
            total += n;
        }
        return total;
    }

    /** Fills {@code dst} from {@code position} or throws {@link java.io.EOFException} at end of file. */
    public void readFully(ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = read(dst, at);
            if (n < 0) {
                throw new EOFException("readFully(" + path + "): end of file at " + at);
            }
            at += n;
        }
    }

    /** {@code fsync}: data and metadata reach the device. */
    public void sync() throws IOException {
        ensureOpen("fsync");
        io.sync(false);
    }

    /** {@code fdatasync}: data (and the metadata needed to read it) reach the device. */
    public void syncData() throws IOException {
        ensureOpen("fdatasync");
        io.sync(true);
    }

    /** The file's size in bytes. */
    public long size() throws IOException {
        ensureOpen("fstat");
        return io.size();
    }

    public Path path() {
        return path;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Closes the file. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        io.close();
    }

    private void checkPosition(long position, String call) {
        if (position < 0) {
            throw new IllegalArgumentException(call + "(" + path + "): negative position " + position);
        }
    }

    /** Throws {@code <call>(path): file closed} once the file is closed. */
    private void ensureOpen(String call) throws ClosedChannelException {
        if (closed) {
            throw Errno.closedException(call + "(" + path + "): file closed");
        }
    }

    /** Runs a blocking file call on the pool and waits (a task parks); unwraps its IOException. */
    static <T> T blocking(Callable<T> call, String what) throws IOException {
        try {
            return POOL.spawn(call).join();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw FileErrors.translate(what, io);
            }
            if (c instanceof UncheckedIOException u) {
                throw FileErrors.translate(what, u.getCause());
            }
            if (c instanceof RuntimeException re) {
                throw re; // as the JDK throws it (NonWritableChannelException...): the same on every backend
            }
            throw new IOException(what + ": " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + ": interrupted");
        }
    }

    static IOException failure(String call, int r) {
        return Errno.exception(call, r);
    }

    /** The two ways a file call is carried out. */
    interface FileIo {
        int read(ByteBuffer dst, long position) throws IOException;

        int write(ByteBuffer src, long position) throws IOException;

        void sync(boolean dataOnly) throws IOException;

        long size() throws IOException;

        void close() throws IOException;
    }

}
