package io.ringloop.fs;

import io.ringloop.net.ByteStream;
import io.ringloop.sys.Errno;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.internal.BlockingPool;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
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
 * A file for tasks: positional reads and writes, sync, stat, truncate, preallocate, transfer to a stream, close.
 * On io_uring each call is one submission (the loop is never blocked); on epoll and NIO, where the kernel has no
 * asynchronous file I/O, each call is the system call on a bounded pool of platform threads ({@link #POOL}) while
 * the task parks. Either way a task calling {@code read} frees its loop. Static calls on paths (rename, delete,
 * directories) are in {@link AsyncFiles}.
 *
 * <p>Positional I/O only: there is no shared file pointer, so concurrent readers need no lock. {@link #close()}
 * waits for the calls in flight on the file (they complete), then closes; calls made after it throw
 * {@link ClosedChannelException}. A task cancelled during a call: its io_uring submission is cancelled (or
 * completes, if it raced the cancel) and the task ends; a call on the pool runs to its end first (the task's
 * buffer is the call's until then), and the next call of the cancelled task is refused.
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
    private final FdFile file;
    /** What the open options allow (WRITE or APPEND write; READ, or no write option, read), as FileChannel. */
    private final boolean readable;
    private final boolean writable;
    private volatile boolean closed;

    private AsyncFile(Path path, FdFile file, Set<OpenOption> options) {
        this.path = path;
        this.file = file;
        this.writable = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        this.readable = options.contains(StandardOpenOption.READ) || !writable;
    }

    /**
     * Opens {@code path} with the JDK's options ({@link StandardOpenOption#READ}, {@code WRITE}, {@code CREATE},
     * {@code CREATE_NEW}, {@code TRUNCATE_EXISTING}, {@code APPEND}, {@code SYNC}, {@code DSYNC}) and ours
     * ({@link FileOption#DIRECT}). With no option, READ. From a task on a loop, or from any thread.
     *
     * @throws IOException naming the call, the path and the errno; for a file system without direct I/O
     *                     (procfs; tmpfs before Linux 6.6), EINVAL and a note that it refuses O_DIRECT
     */
    public static AsyncFile open(Path path, OpenOption... options) throws IOException {
        Set<OpenOption> set = options.length == 0 ? Set.of(StandardOpenOption.READ) : Set.of(options);
        try {
            return new AsyncFile(path, FdFile.open(path, set), set);
        } catch (IOException e) {
            if (set.contains(FileOption.DIRECT) && e.getMessage() != null && e.getMessage().contains("EINVAL")) {
                throw new IOException(e.getMessage() + " (O_DIRECT: the file system refuses direct I/O)", e);
            }
            throw e;
        }
    }

    /**
     * A direct buffer of {@code capacity} bytes whose address is a multiple of {@code alignment} (a power of two),
     * as {@link FileOption#DIRECT} wants its buffers: 4096 suits common file systems.
     *
     * @throws IllegalArgumentException when {@code alignment} is not a positive power of two or
     *                                  {@code capacity} is negative
     */
    public static ByteBuffer allocateAligned(int capacity, int alignment) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1 || capacity < 0) {
            throw new IllegalArgumentException("allocateAligned: capacity " + capacity + ", alignment " + alignment
                    + " (a positive power of two)");
        }
        // alignedSlice rounds the start up and the end down to the alignment: room for both roundings.
        long rounded = ((long) capacity + alignment - 1) & -alignment;
        ByteBuffer raw = ByteBuffer.allocateDirect(Math.toIntExact(rounded + alignment));
        return raw.alignedSlice(alignment).limit(capacity).slice();
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
        enter("pread");
        try {
            int n = file.read(dst, position);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n == 0 ? -1 : n;
        } finally {
            file.exit();
        }
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
            enter("pwrite");
            try {
                int n = file.write(src, position + total);
                src.position(src.position() + n);
                total += n;
            } finally {
                file.exit();
            }
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
        enter("fsync");
        try {
            file.sync(false);
        } finally {
            file.exit();
        }
    }

    /** {@code fdatasync}: data (and the metadata needed to read it) reach the device. */
    public void syncData() throws IOException {
        enter("fdatasync");
        try {
            file.sync(true);
        } finally {
            file.exit();
        }
    }

    /** The file's size in bytes: {@link #stat()}'s, so never a synchronous call on the loop. */
    public long size() throws IOException {
        return stat().size();
    }

    /** The file's type, size, allocation, times and permissions: one {@code statx}. */
    public FileStat stat() throws IOException {
        enter("statx");
        try {
            return file.stat();
        } finally {
            file.exit();
        }
    }

    /**
     * Sets the file's size to {@code size} bytes ({@code ftruncate}): the tail goes, or the file grows with a hole
     * that reads as zeros. Unlike {@code FileChannel.truncate} it also grows the file.
     *
     * @throws IllegalArgumentException    for a negative size
     * @throws NonWritableChannelException when the file was not opened for writing
     */
    public void truncate(long size) throws IOException {
        checkPosition(size, "ftruncate");
        ensureOpen("ftruncate");
        if (!writable) {
            throw new NonWritableChannelException();
        }
        enter("ftruncate");
        try {
            file.truncate(size);
        } finally {
            file.exit();
        }
    }

    /**
     * Reserves disk blocks for {@code length} bytes from {@code position} ({@code fallocate} mode 0), so later
     * writes there cannot fail for want of space; the size grows to {@code position + length} if it was less.
     * A file system without fallocate (some network ones) answers EOPNOTSUPP.
     *
     * @throws IllegalArgumentException    for a negative position or a length below 1
     * @throws NonWritableChannelException when the file was not opened for writing
     */
    public void preallocate(long position, long length) throws IOException {
        checkPosition(position, "fallocate");
        if (length <= 0) {
            throw new IllegalArgumentException("fallocate(" + path + "): length " + length);
        }
        ensureOpen("fallocate");
        if (!writable) {
            throw new NonWritableChannelException();
        }
        enter("fallocate");
        try {
            file.allocate(position, length);
        } finally {
            file.exit();
        }
    }

    /**
     * Sends up to {@code count} bytes of the file from {@code position} to {@code target}, fewer only when the
     * file ends first: the count sent. To a {@code TcpStream} on io_uring or epoll the bytes never enter user
     * memory (file to a pipe with splice(2), on io_uring an IORING_OP_SPLICE; pipe to socket through the driver's
     * splice); to other streams, and on NIO, they are read in 64 KiB pieces and written. A failure of the stream
     * (a peer's reset) is thrown as it is; how much of the file went before it is then unknown.
     *
     * @throws IllegalArgumentException    for a negative position or count
     * @throws NonReadableChannelException when the file was not opened for reading
     */
    public long transferTo(long position, long count, ByteStream target) throws IOException {
        checkPosition(position, "transferTo");
        checkPosition(count, "transferTo");
        ensureOpen("transferTo");
        if (!readable) {
            throw new NonReadableChannelException();
        }
        enter("transferTo");
        try {
            return FileTransfer.transfer(this, file, position, count, target);
        } finally {
            file.exit();
        }
    }

    /** The path this file was opened with. */
    public Path path() {
        return path;
    }

    /** False once {@link #close()} has been called. */
    public boolean isOpen() {
        return !closed;
    }

    /** Closes the file once the calls in flight on it have ended. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        file.close();
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

    /** Counts a call in flight, or throws as {@link #ensureOpen} once close has begun. */
    private void enter(String call) throws ClosedChannelException {
        if (closed || !file.enter()) {
            throw Errno.closedException(call + "(" + path + "): file closed");
        }
    }

    /**
     * Runs a blocking file call on the pool and waits (a task parks); unwraps its IOException. A caller
     * interrupted (cancelled) while it waits keeps waiting for the call, which may be using its memory, and
     * returns its result with the interrupt status set; one interrupted before the call is refused.
     */
    static <T> T blocking(Callable<T> call, String what) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw Errno.cancelled(what);
        }
        JoinHandle<T> handle = POOL.spawn(call);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return handle.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the call runs on: wait for its end
                } catch (ExecutionException e) {
                    throw unwrap(what, e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static IOException unwrap(String what, Throwable c) {
        if (c instanceof IOException io) {
            return FileErrors.translate(what, io);
        }
        if (c instanceof UncheckedIOException u) {
            return FileErrors.translate(what, u.getCause());
        }
        if (c instanceof RuntimeException re) {
            throw re; // as the JDK throws it: the same on every backend
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new IOException(what + ": " + c, c);
    }
}
