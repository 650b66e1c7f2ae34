package io.ringloop.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Pipes and {@code splice(2)}: bytes moved between a socket and a pipe inside the kernel, never through user
 * memory. A socket-to-socket copy goes socket → pipe → socket, since splice needs a pipe on one side.
 *
 * <p>Calls follow {@link Libc}'s convention (call state first, {@code -errno} on failure). {@code splice} is
 * linked critical: on a non-blocking socket with {@link #SPLICE_F_NONBLOCK} it never sleeps.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/splice.2.html">splice(2)</a>,
 *      <a href="https://man7.org/linux/man-pages/man2/pipe.2.html">pipe2(2)</a>
 */
public final class Pipes {
    /** {@code O_NONBLOCK} as pipe2 takes it (asm-generic/fcntl.h). */
    public static final int O_NONBLOCK = 0x800;
    /** {@code O_CLOEXEC} (asm-generic/fcntl.h). */
    public static final int O_CLOEXEC = 0x80000;
    /** Move pages instead of copying where the kernel can (a hint). */
    public static final int SPLICE_F_MOVE = 1;
    /** The pipe side does not block (the socket's own O_NONBLOCK governs the socket side). */
    public static final int SPLICE_F_NONBLOCK = 2;
    /** More data will follow (MSG_MORE on the socket). */
    public static final int SPLICE_F_MORE = 4;
    /** {@code F_SETPIPE_SZ} (linux/fcntl.h: F_LINUX_SPECIFIC_BASE + 7). */
    public static final int F_SETPIPE_SZ = 1031;
    /** {@code F_GETPIPE_SZ} (F_LINUX_SPECIFIC_BASE + 8). */
    public static final int F_GETPIPE_SZ = 1032;

    private static final MethodHandle PIPE2 = Libc.critical("pipe2", JAVA_INT, ADDRESS, JAVA_INT);
    // ssize_t splice(int fd_in, off_t *off_in, int fd_out, off_t *off_out, size_t len, unsigned int flags)
    private static final MethodHandle SPLICE = Libc.critical("splice", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT,
            ADDRESS, JAVA_LONG, JAVA_INT);
    // int fcntl(int fd, int cmd, ...): variadic from its third argument, which the linker must be told.
    private static final MethodHandle FCNTL = Libc.LINKER.downcallHandle(
            Libc.LINKER.defaultLookup().find("fcntl").orElseThrow(() -> new UnsatisfiedLinkError("libc has no fcntl")),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));

    private Pipes() {
    }

    /**
     * {@code int pipe2(int pipefd[2], int flags)}: the read end into {@code fds[0]}, the write end into
     * {@code fds[1]} ({@code fds}: two ints, native). Returns 0 or -errno.
     */
    public static int pipe2(MemorySegment cs, MemorySegment fds, int flags) {
        try {
            return Libc.result((int) PIPE2.invokeExact(cs, fds, flags), cs);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** {@code splice(fdIn, NULL, fdOut, NULL, length, flags)}: bytes moved, 0 at end of input, or -errno. */
    public static int splice(MemorySegment cs, int fdIn, int fdOut, int length, int flags) {
        try {
            return Libc.result((long) SPLICE.invokeExact(cs, fdIn, MemorySegment.NULL, fdOut, MemorySegment.NULL,
                    (long) length, flags), cs);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** {@code fcntl(fd, F_GETPIPE_SZ)}: the pipe's capacity in bytes, or -errno. */
    public static int getPipeSize(MemorySegment cs, int fd) {
        try {
            return Libc.result((int) FCNTL.invokeExact(cs, fd, F_GETPIPE_SZ, 0), cs);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** {@code fcntl(fd, F_SETPIPE_SZ, bytes)}: the capacity the kernel gave (rounded up to pages), or -errno. */
    public static int setPipeSize(MemorySegment cs, int fd, int bytes) {
        try {
            return Libc.result((int) FCNTL.invokeExact(cs, fd, F_SETPIPE_SZ, bytes), cs);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
