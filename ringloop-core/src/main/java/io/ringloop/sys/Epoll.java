package io.ringloop.sys;

import static io.ringloop.sys.Libc.blocking;
import static io.ringloop.sys.Libc.critical;
import static io.ringloop.sys.Libc.result;
import static io.ringloop.sys.Libc.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * epoll (sys/epoll.h). On x86_64 the event struct is packed, 12 bytes; elsewhere it is 16:
 *
 * <pre>
 * struct epoll_event { uint32_t events; epoll_data_t data; } __EPOLL_PACKED;   // x86_64: packed
 * </pre>
 */
public final class Epoll {
    public static final int EPOLL_CLOEXEC = 0x80000;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLPRI = 0x002;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLRDHUP = 0x2000;
    /** Report one event, then disable the fd until it is modified or removed. */
    public static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLET = 1 << 31;

    private static final boolean PACKED = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    /** {@code sizeof(struct epoll_event)}. */
    public static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;

    private static final MethodHandle CREATE1 = critical("epoll_create1", JAVA_INT, JAVA_INT);
    private static final MethodHandle CTL = critical("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle WAIT = blocking("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);

    private Epoll() {
    }

    public static int create1(MemorySegment cs, int flags) {
        int refused = SyscallRefusals.epollCreate();
        if (refused != 0) {
            return -refused; // a test refuses it, as a seccomp filter could
        }
        try {
            return result((int) CREATE1.invokeExact(cs, flags), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code epoll_ctl}; {@code scratch} is a native segment of at least {@link #EVENT_SIZE} bytes. */
    public static int ctl(MemorySegment cs, int epfd, int op, int fd, int events, long data, MemorySegment scratch) {
        scratch.set(JAVA_INT_UNALIGNED, 0, events);
        scratch.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
        try {
            return result((int) CTL.invokeExact(cs, epfd, op, fd, scratch), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code epoll_wait}: the number of events written to {@code events}, or {@code -errno} (EINTR too). */
    public static int wait(MemorySegment cs, int epfd, MemorySegment events, int maxEvents, int timeoutMs) {
        try {
            return result((int) WAIT.invokeExact(cs, epfd, events, maxEvents, timeoutMs), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The same as {@link #wait} linked critical, for a zero timeout (never blocks). */
    public static int waitNow(MemorySegment cs, int epfd, MemorySegment events, int maxEvents) {
        try {
            return result((int) WAIT_NOW.invokeExact(cs, epfd, events, maxEvents, 0), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static final MethodHandle WAIT_NOW =
            critical("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);

    public static int events(MemorySegment events, int index) {
        return events.get(JAVA_INT_UNALIGNED, index * EVENT_SIZE);
    }

    public static long data(MemorySegment events, int index) {
        return events.get(JAVA_LONG_UNALIGNED, index * EVENT_SIZE + DATA_OFFSET);
    }
}
