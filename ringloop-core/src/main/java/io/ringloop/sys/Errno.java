package io.ringloop.sys;

import io.ringloop.error.SyscallException;
import java.io.IOException;
import java.io.Serial;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CancellationException;

/**
 * Linux errno values (x86_64 and aarch64 share them) and their conversion into exceptions.
 *
 * <p>Calls in {@code sys} return raw results: a non-negative value, or {@code -errno}. This class turns a
 * negative result into an exception at the driver/net boundary, with a message that names the call.
 * Names and descriptions are computed once, up front (see netty's {@code Errors}).
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int ETIME = 62;
    public static final int ENOTSOCK = 88;
    public static final int EMSGSIZE = 90;
    public static final int ENOPROTOOPT = 92;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETUNREACH = 101;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int EISCONN = 106;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int ECANCELED = 125;

    private static final String[] NAMES = new String[134];
    private static final String[] TEXTS = new String[134];

    static {
        def(EPERM, "EPERM", "Operation not permitted");
        def(ENOENT, "ENOENT", "No such file or directory");
        def(EINTR, "EINTR", "Interrupted system call");
        def(EIO, "EIO", "Input/output error");
        def(EBADF, "EBADF", "Bad file descriptor");
        def(EAGAIN, "EAGAIN", "Resource temporarily unavailable");
        def(ENOMEM, "ENOMEM", "Cannot allocate memory");
        def(EACCES, "EACCES", "Permission denied");
        def(EFAULT, "EFAULT", "Bad address");
        def(EBUSY, "EBUSY", "Device or resource busy");
        def(EEXIST, "EEXIST", "File exists");
        def(ENOTDIR, "ENOTDIR", "Not a directory");
        def(EISDIR, "EISDIR", "Is a directory");
        def(EINVAL, "EINVAL", "Invalid argument");
        // file-system errnos (AsyncFile, AsyncFiles): named, without constants of their own
        def(18, "EXDEV", "Invalid cross-device link");
        def(26, "ETXTBSY", "Text file busy");
        def(27, "EFBIG", "File too large");
        def(30, "EROFS", "Read-only file system");
        def(31, "EMLINK", "Too many links");
        def(36, "ENAMETOOLONG", "File name too long");
        def(39, "ENOTEMPTY", "Directory not empty");
        def(40, "ELOOP", "Too many levels of symbolic links");
        def(ENFILE, "ENFILE", "Too many open files in system");
        def(EMFILE, "EMFILE", "Too many open files");
        def(ENOSPC, "ENOSPC", "No space left on device");
        def(EPIPE, "EPIPE", "Broken pipe");
        def(ENOSYS, "ENOSYS", "Function not implemented");
        def(ETIME, "ETIME", "Timer expired");
        def(ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket");
        def(EMSGSIZE, "EMSGSIZE", "Message too long");
        def(ENOPROTOOPT, "ENOPROTOOPT", "Protocol not available");
        def(EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported");
        def(EAFNOSUPPORT, "EAFNOSUPPORT", "Address family not supported by protocol");
        def(EADDRINUSE, "EADDRINUSE", "Address already in use");
        def(EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address");
        def(ENETUNREACH, "ENETUNREACH", "Network is unreachable");
        def(ECONNABORTED, "ECONNABORTED", "Software caused connection abort");
        def(ECONNRESET, "ECONNRESET", "Connection reset by peer");
        def(ENOBUFS, "ENOBUFS", "No buffer space available");
        def(EISCONN, "EISCONN", "Transport endpoint is already connected");
        def(ENOTCONN, "ENOTCONN", "Transport endpoint is not connected");
        def(ETIMEDOUT, "ETIMEDOUT", "Connection timed out");
        def(ECONNREFUSED, "ECONNREFUSED", "Connection refused");
        def(EHOSTUNREACH, "EHOSTUNREACH", "No route to host");
        def(EALREADY, "EALREADY", "Operation already in progress");
        def(EINPROGRESS, "EINPROGRESS", "Operation now in progress");
        def(ECANCELED, "ECANCELED", "Operation canceled");
    }

    private Errno() {
    }

    private static void def(int errno, String name, String text) {
        NAMES[errno] = name;
        TEXTS[errno] = text;
    }

    /** {@code ECONNREFUSED}, or {@code errno 200} for a value without a name here. */
    public static String name(int errno) {
        int e = Math.abs(errno);
        return e < NAMES.length && NAMES[e] != null ? NAMES[e] : "errno " + e;
    }

    /** {@code EBADF (9) Bad file descriptor}. */
    public static String describe(int errno) {
        int e = Math.abs(errno);
        if (e < TEXTS.length && TEXTS[e] != null) {
            return NAMES[e] + " (" + e + ") " + TEXTS[e];
        }
        return "errno " + e;
    }

    /**
     * The exception for a failed call: a JDK type where users expect one, else {@link SyscallException}.
     *
     * @param call  the call and its argument that matters, e.g. {@code connect(127.0.0.1:1)}
     * @param errno the errno, positive or negative (a raw {@code -errno} result is accepted)
     */
    public static IOException exception(String call, int errno) {
        int e = Math.abs(errno);
        String message = call + ": " + describe(e);
        IOException ex = switch (e) {
            case ECONNREFUSED -> new ConnectException(message);
            case ETIMEDOUT -> new SocketTimeoutException(message);
            case EADDRINUSE, EADDRNOTAVAIL -> new BindException(message);
            case EHOSTUNREACH, ENETUNREACH -> new NoRouteToHostException(message);
            case ECONNRESET, EPIPE, ENOTCONN -> new SocketException(message);
            case EBADF -> closed(call);
            case ENOENT -> new NoSuchFileException(call, null, describe(e));
            case EEXIST -> new FileAlreadyExistsException(call, null, describe(e));
            case EACCES, EPERM -> new AccessDeniedException(call, null, describe(e));
            default -> syscall(call, e);
        };
        return ex;
    }

    private static IOException closed(String call) {
        var ex = closedException(call + ": " + describe(EBADF));
        ex.initCause(syscall(call, EBADF));
        return ex;
    }

    /**
     * A {@link ClosedChannelException} with a message, which the JDK's has not: the call and what was closed,
     * e.g. {@code read(fd=7): stream closed}. Callers catch it as the JDK type.
     */
    public static ClosedChannelException closedException(String message) {
        return new NamedClosedChannelException(message);
    }

    /**
     * An {@link AsynchronousCloseException} (a close by another task or thread ended the waiting call) with a
     * message, e.g. {@code read(fd=7): stream closed while the call was waiting}.
     */
    public static AsynchronousCloseException asyncCloseException(String message) {
        return new NamedAsynchronousCloseException(message);
    }

    private static final class NamedClosedChannelException extends ClosedChannelException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String message;

        NamedClosedChannelException(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    private static final class NamedAsynchronousCloseException extends AsynchronousCloseException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String message;

        NamedAsynchronousCloseException(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    /** {@link SyscallException} for {@code errno} (positive), with its name and description from this table. */
    private static SyscallException syscall(String call, int errno) {
        return new SyscallException(call, errno, name(errno), describe(errno));
    }

    /** The exception a cancelled operation throws to its caller. */
    public static CancellationException cancelled(String call) {
        return new CancellationException(call + ": cancelled");
    }
}
