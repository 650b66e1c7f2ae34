package io.ringloop.driver.uring;

import io.ringloop.sys.Errno;
import io.ringloop.sys.EventFd;
import io.ringloop.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The eventfd that wakes a ring blocked in io_uring_enter: the driver keeps an IORING_OP_READ pending on it
 * (into {@link #readBuffer()}), and {@link #wakeup()} from any thread completes that read. Shared between
 * the loop thread and any waking thread: {@link #wakeup} and {@link #close} synchronise on a lock so a wakeup
 * can never write to the number of an eventfd already closed (and perhaps reused).
 */
final class IoUringWaker {
    private final int fd;
    /** The pending READ's 8-byte target; the kernel's while the read is in flight. */
    private final MemorySegment readBuffer;
    /** wakeup()'s call state and value; guarded by {@link #lock}. */
    private final MemorySegment callState;
    private final MemorySegment writeBuffer;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private boolean closed;
    private final AtomicLong writes = new AtomicLong();
    /** Loop thread: the READ on the eventfd is in flight (its buffer is the kernel's). */
    private boolean armed;

    IoUringWaker(Arena arena, MemorySegment cs) throws IOException {
        int efd = EventFd.create(cs, 0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        if (efd < 0) {
            throw Errno.exception("eventfd", efd);
        }
        fd = efd;
        readBuffer = arena.allocate(8, 8);
        callState = Libc.allocateCallState(arena);
        writeBuffer = arena.allocate(8, 8);
    }

    /** Loop thread: queues the READ that a wakeup completes. */
    void arm(IoUringEngine engine, long userData) {
        engine.ensureSqSpace();
        // offset -1: the eventfd has no position; read at the "current" one.
        engine.sq.prepRead(fd, readBuffer, 8, -1L, userData);
        armed = true;
    }

    /** Loop thread: the READ's CQE was reaped. */
    void completed() {
        armed = false;
    }

    boolean armed() {
        return armed;
    }

    /** Any thread: adds 1 to the eventfd, completing the ring's pending read. */
    void wakeup() {
        synchronized (lock) {
            if (!closed && EventFd.write(callState, fd, 1, writeBuffer) == 8) {
                writes.incrementAndGet();
            }
        }
    }

    @Override
    public String toString() {
        return "IoUringWaker[eventfd=" + fd + ", armed=" + armed + ", writes=" + writes.get() + "]";
    }

    /** eventfd writes that succeeded. */
    long count() {
        return writes.get();
    }

    /** Loop thread, after the ring's read on the eventfd has completed. */
    void close(MemorySegment cs) {
        synchronized (lock) {
            closed = true;
            Libc.close(cs, fd);
        }
    }
}
