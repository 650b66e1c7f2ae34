package io.ringloop.process;

import io.ringloop.net.AsyncFd;
import io.ringloop.net.ByteStream;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One of a child's standard streams as a {@link ByteStream}: its stdin (write only) or its stdout or stderr (read
 * only), so {@code StreamReader}/{@code StreamWriter} work on them. A read or write is the system call on the
 * non-blocking pipe; when the pipe is empty (full), the task waits for it through the loop's driver (io_uring,
 * epoll) or on a pool thread (NIO, a plain thread) and parks meanwhile. One reader (or writer) at a time.
 * {@link #shutdownOutput()} of stdin (or its close) is the child's end of input; the wrong direction throws
 * {@link NonReadableChannelException} or {@link NonWritableChannelException}, as a {@code FileChannel} does.
 * Closing the stream while a call waits ends that call with an {@code AsynchronousCloseException}.
 */
public final class ProcessPipe implements ByteStream {
    private final ProcessFd fd;
    private final boolean readable;
    private final AtomicBoolean busy = new AtomicBoolean();

    ProcessPipe(ProcessFd fd, boolean readable) {
        this.fd = fd;
        this.readable = readable;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return read(MemorySegment.ofArray(b), off, len);
    }

    @Override
    public int read(MemorySegment buffer, long offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        if (!readable) {
            throw new NonReadableChannelException();
        }
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("read(" + fd.name + "): read-only buffer");
        }
        if (length == 0) {
            return 0;
        }
        begin("read");
        try {
            MemorySegment into = buffer.asSlice(offset, length);
            while (true) {
                int r = Libc.read(fd.cs, fd.fd, into, length);
                if (r > 0) {
                    return r;
                }
                if (r == 0) {
                    return -1;
                }
                if (r == -Errno.EAGAIN) {
                    FdWait.await(fd, AsyncFd.READABLE, 0, "read");
                } else if (r != -Errno.EINTR) {
                    throw fd.failure("read", r);
                }
            }
        } finally {
            end();
        }
    }

    @Override
    public void writeAll(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        writeAll(MemorySegment.ofArray(b), off, len);
    }

    @Override
    public void writeAll(MemorySegment buffer, long offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        if (readable) {
            throw new NonWritableChannelException();
        }
        begin("write");
        try {
            long at = offset;
            long end = offset + length;
            while (at < end) {
                int r = Libc.write(fd.cs, fd.fd, buffer.asSlice(at, end - at), end - at);
                if (r > 0) {
                    at += r;
                } else if (r == -Errno.EAGAIN) {
                    FdWait.await(fd, AsyncFd.WRITABLE, 0, "write");
                } else if (r != -Errno.EINTR) {
                    throw fd.failure("write", r); // EPIPE: the child closed its stdin (SIGPIPE is the JVM's to ignore)
                }
            }
        } finally {
            end();
        }
    }

    @Override
    public void writeAll(MemorySegment... srcs) throws IOException {
        for (MemorySegment s : srcs) {
            writeAll(s, 0, Math.toIntExact(s.byteSize()));
        }
    }

    /** For the child's stdin: closes it, so the child reads end of input. */
    @Override
    public void shutdownOutput() throws IOException {
        if (readable) {
            throw new NonWritableChannelException();
        }
        close();
    }

    @Override
    public boolean isOpen() {
        return !fd.closing();
    }

    /** Closes this end of the pipe (at once, or when a call waiting on it has left). Idempotent. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "ProcessPipe[" + fd.name + (isOpen() ? "" : ", closed") + "]";
    }

    private void begin(String call) throws IOException {
        fd.enter(call);
        if (!busy.compareAndSet(false, true)) {
            fd.exit();
            throw new IllegalStateException(call + "(" + fd.name + "): another task is already in a " + call);
        }
    }

    private void end() {
        busy.set(false);
        fd.exit();
    }
}
