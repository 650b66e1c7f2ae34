package io.ringloop.sys;

import static io.ringloop.sys.Libc.critical;
import static io.ringloop.sys.Libc.result;
import static io.ringloop.sys.Libc.rethrow;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** eventfd (sys/eventfd.h): a kernel counter used to wake a sleeping loop from another thread. */
public final class EventFd {
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;

    private static final MethodHandle EVENTFD = critical("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);

    private EventFd() {
    }

    /** {@code eventfd(initval, flags)}. */
    public static int create(MemorySegment cs, int initval, int flags) {
        try {
            return result((int) EVENTFD.invokeExact(cs, initval, flags), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Adds {@code value} to the counter; {@code scratch} is 8 native bytes. */
    public static int write(MemorySegment cs, int fd, long value, MemorySegment scratch) {
        scratch.set(JAVA_LONG, 0, value);
        return Libc.write(cs, fd, scratch, 8);
    }

    /** Reads and resets the counter: 8 on success, -EAGAIN when it was zero. */
    public static int read(MemorySegment cs, int fd, MemorySegment scratch) {
        return Libc.read(cs, fd, scratch, 8);
    }

}
