package io.ringloop.sys;

import static io.ringloop.sys.Libc.LINKER;
import static io.ringloop.sys.Libc.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A child process through its pidfd (Linux 5.3): {@code pidfd_open}, which becomes readable when the child exits;
 * {@code pidfd_send_signal}, which cannot hit a recycled pid; {@code waitid(P_PIDFD)} (5.4), which reaps it; and
 * the small calls its pipes need ({@code fcntl(F_SETFL)}, {@code poll}). The two pidfd calls go through
 * {@code syscall(2)}: their numbers (434, 424) are the same on x86_64 and aarch64, and older glibc has no wrapper.
 *
 * <pre>
 * siginfo_t, as waitid fills it for a child (asm-generic/siginfo.h; 128 bytes):
 *     int si_signo;   //  0  SIGCHLD
 *     int si_errno;   //  4
 *     int si_code;    //  8  CLD_EXITED, CLD_KILLED, CLD_DUMPED
 *     (padding to 16 on 64-bit)
 *     pid_t si_pid;   // 16
 *     uid_t si_uid;   // 20
 *     int si_status;  // 24  the exit code, or the signal's number
 * struct pollfd { int fd; short events; short revents; };  // 8 bytes
 * </pre>
 */
public final class Pidfds {
    public static final long SIGINFO_SIZE = 128;
    public static final int CLD_EXITED = 1;
    public static final int CLD_KILLED = 2;
    public static final int CLD_DUMPED = 3;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    private static final int P_PIDFD = 3;
    private static final int WEXITED = 4;
    private static final int WNOHANG = 1;
    private static final long SI_CODE = 8;
    private static final long SI_PID = 16;
    private static final long SI_STATUS = 24;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;

    private static final MethodHandle SYSCALL2 = Libc.syscall(JAVA_LONG, JAVA_LONG);
    private static final MethodHandle SYSCALL4 = Libc.syscall(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);
    private static final MethodHandle WAITID = Libc.critical("waitid", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
            JAVA_INT);
    private static final MethodHandle POLL = Libc.blocking("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle FCNTL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("fcntl").orElseThrow(() -> new UnsatisfiedLinkError("libc has no fcntl")),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));

    private Pidfds() {
    }

    /** {@code pidfd_open(pid, 0)}: a close-on-exec fd for the child, or -errno. */
    public static int open(MemorySegment cs, int pid) {
        try {
            return Libc.result((long) SYSCALL2.invokeExact(cs, SYS_PIDFD_OPEN, (long) pid, 0L), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pidfd_send_signal(pidfd, signal, NULL, 0)}: 0, or -errno (ESRCH once it has been reaped). */
    public static int signal(MemorySegment cs, int pidfd, int signal) {
        try {
            return Libc.result((long) SYSCALL4.invokeExact(cs, SYS_PIDFD_SEND_SIGNAL, (long) pidfd, (long) signal,
                    MemorySegment.NULL, 0L), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code waitid(P_PIDFD, pidfd, info, WEXITED | WNOHANG)}: reaps the child if it has exited. Returns 0 with
     * {@code info} filled ({@link #pid} 0 when it is still running), or -errno (ECHILD: reaped already).
     */
    public static int reap(MemorySegment cs, int pidfd, MemorySegment info) {
        try {
            info.asSlice(0, SIGINFO_SIZE).fill((byte) 0);
            return Libc.result((int) WAITID.invokeExact(cs, P_PIDFD, pidfd, info, WEXITED | WNOHANG), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code si_pid} of a {@link #reap}: 0 when the child had not exited. */
    public static int pid(MemorySegment info) {
        return info.get(JAVA_INT, SI_PID);
    }

    /** {@code si_code}: {@link #CLD_EXITED}, {@link #CLD_KILLED} or {@link #CLD_DUMPED}. */
    public static int code(MemorySegment info) {
        return info.get(JAVA_INT, SI_CODE);
    }

    /** {@code si_status}: the exit code, or the number of the signal that ended the child. */
    public static int status(MemorySegment info) {
        return info.get(JAVA_INT, SI_STATUS);
    }

    /** Sets O_NONBLOCK on {@code fd} (F_GETFL, then F_SETFL): 0 or -errno. */
    public static int nonBlocking(MemorySegment cs, int fd) {
        try {
            int flags = Libc.result((int) FCNTL.invokeExact(cs, fd, F_GETFL, 0), cs);
            if (flags < 0) {
                return flags;
            }
            return Libc.result((int) FCNTL.invokeExact(cs, fd, F_SETFL, flags | Pipes.O_NONBLOCK), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code poll} of one fd for {@code events} for up to {@code timeoutMs} (may sleep: a pool thread's call): the
     * ready events, 0 on timeout, or -errno. {@code pollfd}: 8 native bytes.
     */
    public static int poll(MemorySegment cs, MemorySegment pollfd, int fd, int events, int timeoutMs) {
        try {
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, (short) events);
            pollfd.set(JAVA_SHORT, 6, (short) 0);
            int r = Libc.result((int) POLL.invokeExact(cs, pollfd, 1L, timeoutMs), cs);
            return r <= 0 ? r : Short.toUnsignedInt(pollfd.get(JAVA_SHORT, 6));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
