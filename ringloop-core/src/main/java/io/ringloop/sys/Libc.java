package io.ringloop.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * The C library through FFM: how calls are linked, errno capture, and the fd calls every facility shares
 * (read, write, readv, writev, close).
 *
 * <p><b>Convention.</b> Every call takes a <i>call-state</i> segment first (from {@link #allocateCallState};
 * each loop owns one, so capturing errno allocates nothing) and returns a non-negative result or
 * {@code -errno}. EINTR is returned like any errno; callers retry where that is correct.
 *
 * <p>Short calls that never block on a non-blocking fd are linked {@code critical(true)}: no thread-state
 * transition (~4 ns instead of ~12 ns) and heap segments may be passed directly, because the GC cannot
 * move an array while a critical call runs.
 */
public final class Libc {
    public static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET =
            CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle READ = critical("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE = critical("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle READV = critical("readv", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle WRITEV = critical("writev", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle CLOSE = blocking("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle PIPE2 = critical("pipe2", JAVA_INT, ADDRESS, JAVA_INT);

    private Libc() {
    }

    /** A segment for {@code captureCallState("errno")}; one per thread that makes calls, owned by its arena. */
    public static MemorySegment allocateCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** Links a call that may block or take long: normal thread-state transition, native memory only. */
    static MethodHandle blocking(String name, ValueLayout result, ValueLayout... args) {
        return link(name, result, args, false);
    }

    /** Links a short, non-blocking call: critical, heap segments allowed. */
    static MethodHandle critical(String name, ValueLayout result, ValueLayout... args) {
        return link(name, result, args, true);
    }

    private static MethodHandle link(String name, ValueLayout result, ValueLayout[] args, boolean critical) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        FunctionDescriptor descriptor = result == null ? FunctionDescriptor.ofVoid(args)
                : FunctionDescriptor.of(result, args);
        Linker.Option capture = Linker.Option.captureCallState("errno");
        return critical
                ? LINKER.downcallHandle(symbol, descriptor, capture, Linker.Option.critical(true))
                : LINKER.downcallHandle(symbol, descriptor, capture);
    }

    /**
     * Links libc's variadic {@code syscall(long number, ...)} with {@code args} after the number (each passed as
     * a full register value), errno captured; not critical: a system call may sleep (io_uring_enter waits).
     */
    public static MethodHandle syscall(MemoryLayout... args) {
        MemoryLayout[] all = new MemoryLayout[args.length + 1];
        all[0] = JAVA_LONG;
        System.arraycopy(args, 0, all, 1, args.length);
        MemorySegment symbol = LINKER.defaultLookup().find("syscall")
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall"));
        return LINKER.downcallHandle(symbol, FunctionDescriptor.of(JAVA_LONG, all),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    /** {@code -errno} as captured by the call that just returned -1. */
    static int errno(MemorySegment callState) {
        return -callState.get(JAVA_INT, ERRNO_OFFSET);
    }

    public static int result(long r, MemorySegment callState) {
        return r >= 0 ? (int) r : errno(callState);
    }

    /** {@code ssize_t read(int fd, void *buf, size_t count)}; heap or native {@code buf}. */
    public static int read(MemorySegment cs, int fd, MemorySegment buf, long count) {
        try {
            return result((long) READ.invokeExact(cs, fd, buf, count), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ssize_t write(int fd, const void *buf, size_t count)}; heap or native {@code buf}. */
    public static int write(MemorySegment cs, int fd, MemorySegment buf, long count) {
        try {
            return result((long) WRITE.invokeExact(cs, fd, buf, count), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ssize_t readv(int fd, const struct iovec *iov, int iovcnt)}; {@code iov} native. */
    public static int readv(MemorySegment cs, int fd, MemorySegment iov, int iovcnt) {
        try {
            return result((long) READV.invokeExact(cs, fd, iov, iovcnt), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ssize_t writev(int fd, const struct iovec *iov, int iovcnt)}; {@code iov} native. */
    public static int writev(MemorySegment cs, int fd, MemorySegment iov, int iovcnt) {
        try {
            return result((long) WRITEV.invokeExact(cs, fd, iov, iovcnt), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pipe2(fds, flags)}: {@code fds} (native, 8 bytes) gets the read end at 0, the write end at 4. */
    public static int pipe2(MemorySegment cs, MemorySegment fds, int flags) {
        try {
            return result((int) PIPE2.invokeExact(cs, fds, flags), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int close(int fd)}. Not retried on EINTR: Linux releases the fd even then. */
    public static int close(MemorySegment cs, int fd) {
        try {
            return result((int) CLOSE.invokeExact(cs, fd), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code struct iovec { void *iov_base; size_t iov_len; }}: 16 bytes on 64-bit Linux. */
    public static final long IOVEC_SIZE = 16;

    /** Writes iovec {@code index} of {@code iov}: base address and length of {@code buf} (native). */
    public static void iovec(MemorySegment iov, int index, MemorySegment buf) {
        iov.set(ADDRESS, index * IOVEC_SIZE, buf);
        iov.set(JAVA_LONG, index * IOVEC_SIZE + 8, buf.byteSize());
    }

    /**
     * Writes iovec {@code index} of {@code iov} over {@code length} bytes of native {@code buf} from
     * {@code offset}, without the slice object {@link #iovec(MemorySegment, int, MemorySegment)} would need.
     * {@code buf} may be {@link MemorySegment#NULL} with offset and length 0 (an empty iovec).
     */
    public static void iovec(MemorySegment iov, int index, MemorySegment buf, long offset, long length) {
        if (!buf.isNative()) {
            throw new IllegalArgumentException("an iovec needs native memory: " + buf);
        }
        Objects.checkFromIndexSize(offset, length, buf.byteSize());
        // SAFETY: [offset, offset + length) lies inside buf (checked above). The kernel uses the address only
        // while the caller keeps buf alive: for the whole call (epoll), or until the CQE (io_uring, whose op
        // table holds the buffers).
        iov.set(JAVA_LONG, index * IOVEC_SIZE, buf.address() + offset);
        iov.set(JAVA_LONG, index * IOVEC_SIZE + 8, length);
    }

    /** {@code iov_len} of iovec {@code index} of {@code iov}. */
    public static long iovecLength(MemorySegment iov, int index) {
        return iov.get(JAVA_LONG, index * IOVEC_SIZE + 8);
    }

    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
