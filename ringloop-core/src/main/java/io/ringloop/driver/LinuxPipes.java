package io.ringloop.driver;

import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.Pipes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The pipes of {@link Driver#pipe} and the one {@code splice(2)} try of {@link Driver#splice}, shared by the
 * fd-based backends (epoll, io_uring). Loop thread only; the scratch memory is the caller's driver's.
 */
public final class LinuxPipes {
    /**
     * Flags of every splice: SPLICE_F_NONBLOCK so the pipe side never sleeps (the sockets are non-blocking
     * already), SPLICE_F_MOVE as the hint to move pages rather than copy them.
     */
    public static final int SPLICE_FLAGS = Pipes.SPLICE_F_NONBLOCK | Pipes.SPLICE_F_MOVE;

    private final MemorySegment cs;
    private final MemorySegment fds;

    /** {@code cs}: the driver's call state; the two-int scratch comes from {@code arena}, freed with it. */
    public LinuxPipes(MemorySegment cs, Arena arena) {
        this.cs = cs;
        this.fds = arena.allocate(8, 4);
    }

    /**
     * A non-blocking, close-on-exec pipe resized to {@code capacityBytes} (where the kernel allows it): its read
     * end into {@code ends[0]}, its write end into {@code ends[1]}; the capacity, or -errno with nothing open.
     */
    public int open(int[] ends, int capacityBytes) {
        if (ends.length < 2) {
            throw new IllegalArgumentException("pipe: ends must hold 2 handles, not " + ends.length);
        }
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("pipe: capacity " + capacityBytes + " bytes");
        }
        int r = Pipes.pipe2(cs, fds, Pipes.O_NONBLOCK | Pipes.O_CLOEXEC);
        if (r < 0) {
            return r;
        }
        int readEnd = fds.get(ValueLayout.JAVA_INT, 0);
        int writeEnd = fds.get(ValueLayout.JAVA_INT, 4);
        int capacity = Pipes.setPipeSize(cs, writeEnd, capacityBytes);
        if (capacity == -Errno.EPERM || capacity == -Errno.EINVAL) {
            // Above pipe-max-size for an unprivileged process, or below a page: keep the default size.
            capacity = Pipes.getPipeSize(cs, writeEnd);
        }
        if (capacity < 0) {
            Libc.close(cs, readEnd);
            Libc.close(cs, writeEnd);
            return capacity;
        }
        ends[0] = readEnd;
        ends[1] = writeEnd;
        return capacity;
    }

    /** One non-blocking {@code splice(from, to, length)}: the count, 0 at end of input, -EAGAIN, -errno. */
    public int splice(int from, int to, int length) {
        return Pipes.splice(cs, from, to, length, SPLICE_FLAGS);
    }
}
