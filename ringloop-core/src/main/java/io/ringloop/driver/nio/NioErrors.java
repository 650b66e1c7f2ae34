package io.ringloop.driver.nio;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * Turns what the JDK's channels throw into the {@code -errno} results of the {@link Driver} contract, so the NIO
 * backend fails the same way as the fd-based ones.
 *
 * <p>The JDK keeps the errno only as text: native failures become an {@link IOException} whose message is
 * {@code strerror(errno)} (sometimes shortened, e.g. {@code "Connection reset"}). So the type decides where it is
 * specific enough, and otherwise the message is matched against the texts below. Anything unknown is
 * {@code -EIO}; a runtime exception (a misuse such as a read-only buffer) is {@code -EINVAL}.
 *
 * <p>Only failures take this path, so its cost (a {@code String.contains} or two) does not matter.
 */
final class NioErrors {
    /** {@code ENOPROTOOPT}: the option is not supported at this level (has no name in {@link Errno}). */
    static final int ENOPROTOOPT = 92;

    /** Message fragments of {@code strerror} as the JDK passes them on, most specific first. */
    private static final String[] TEXTS = {
        "Connection refused", "Connection reset", "Broken pipe", "Connection timed out", "No route to host",
        "Network is unreachable", "Address already in use", "Cannot assign requested address",
        "Permission denied", "Too many open files", "Message too long", "No buffer space available",
        "Transport endpoint is not connected", "Software caused connection abort", "Connection aborted",
        "Address family not supported", "Protocol family unavailable", "Invalid argument",
        "Operation not permitted", "Socket closed", "Socket is closed",
        "No such file or directory",
    };
    private static final int[] ERRNOS = {
        Errno.ECONNREFUSED, Errno.ECONNRESET, Errno.EPIPE, Errno.ETIMEDOUT, Errno.EHOSTUNREACH,
        Errno.ENETUNREACH, Errno.EADDRINUSE, Errno.EADDRNOTAVAIL,
        Errno.EACCES, Errno.EMFILE, Errno.EMSGSIZE, Errno.ENOBUFS,
        Errno.ENOTCONN, Errno.ECONNABORTED, Errno.ECONNABORTED,
        Errno.EAFNOSUPPORT, Errno.EAFNOSUPPORT, Errno.EINVAL,
        Errno.EPERM, Errno.EBADF, Errno.EBADF,
        Errno.ENOENT, // a Unix-domain connect or bind: no such socket file or directory
    };

    private NioErrors() {
    }

    /** The {@code -errno} for a failure of a channel call; never 0. */
    static int result(Throwable failure) {
        return -errno(failure);
    }

    /** The positive errno that best describes {@code failure}. */
    static int errno(Throwable failure) {
        return switch (failure) {
            case ClosedChannelException ignore -> Errno.EBADF; // includes AsynchronousCloseException
            case ConnectException e -> fromMessage(e, Errno.ECONNREFUSED);
            case NoRouteToHostException e -> fromMessage(e, Errno.EHOSTUNREACH);
            case BindException e -> fromMessage(e, Errno.EADDRINUSE);
            case PortUnreachableException ignore -> Errno.ECONNREFUSED; // ICMP on a connected datagram socket
            case SocketTimeoutException ignore -> Errno.ETIMEDOUT;
            case IOException e -> fromMessage(e, Errno.EIO);
            case ClosedSelectorException ignore -> Errno.EBADF;
            case NotYetConnectedException ignore -> Errno.ENOTCONN;
            case NoConnectionPendingException ignore -> Errno.ENOTCONN;
            case AlreadyConnectedException ignore -> Errno.EISCONN;
            case ConnectionPendingException ignore -> Errno.EALREADY;
            case NotYetBoundException ignore -> Errno.EINVAL; // accept before listen
            case AlreadyBoundException ignore -> Errno.EINVAL; // bind twice
            case UnsupportedAddressTypeException ignore -> Errno.EAFNOSUPPORT;
            case UnresolvedAddressException ignore -> Errno.EINVAL;
            case ReadOnlyBufferException ignore -> Errno.EFAULT;
            case UnsupportedOperationException ignore -> ENOPROTOOPT;
            case IllegalStateException ignore -> Errno.EFAULT; // the buffer's arena is closed
            case RuntimeException ignore -> Errno.EINVAL;
            default -> Errno.EIO;
        };
    }

    private static int fromMessage(IOException failure, int fallback) {
        String message = failure.getMessage();
        if (message == null) {
            return fallback;
        }
        for (int i = 0; i < TEXTS.length; i++) {
            if (message.contains(TEXTS[i])) {
                return ERRNOS[i];
            }
        }
        return fallback;
    }
}
