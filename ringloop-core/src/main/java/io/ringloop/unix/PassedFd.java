package io.ringloop.unix;

import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file descriptor received over a Unix stream ({@link UnixStream#readWithFds}): this process owns it from the
 * receive on (close-on-exec), and must {@linkplain #close() close} it. Open it through {@link #path()} with any
 * Java file API (for a file, a new open of the same file; for a pipe or socket, the same object), or hand
 * {@link #value()} to native code or pass it on ({@link UnixStream#writeWithFds}).
 */
public final class PassedFd implements Closeable {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    PassedFd(int fd) {
        this.fd = fd;
    }

    /** The descriptor's number in this process. */
    public int value() {
        return fd;
    }

    /** {@code /proc/self/fd/N}: opening it opens what the descriptor refers to. */
    public Path path() {
        return Path.of("/proc/self/fd/" + fd);
    }

    /** False once {@link #close()} has been called. */
    public boolean isOpen() {
        return !closed.get();
    }

    /** Closes the descriptor (once; later calls do nothing). */
    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            closeRaw(fd);
        }
    }

    /** close(2) of a descriptor we own: throws naming the call and errno on failure. */
    static void closeRaw(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.allocateCallState(arena);
            int r = Libc.close(cs, fd);
            if (r < 0) {
                throw Errno.exception("close(fd=" + fd + ")", r);
            }
        }
    }

    @Override
    public String toString() {
        return "PassedFd[" + fd + (closed.get() ? ", closed" : "") + "]";
    }
}
