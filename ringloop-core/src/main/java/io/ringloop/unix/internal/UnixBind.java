package io.ringloop.unix.internal;

import io.ringloop.driver.Driver;
import io.ringloop.sys.Errno;
import io.ringloop.sys.UnixSockAddr;
import io.ringloop.unix.UnixAddress;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A listening Unix stream socket made on a loop's driver (loop thread): socket, bind, listen. A path found taken
 * is reported with what holds it ({@link StaleSocket}), or, with {@code removeStale}, a stale socket file is
 * removed and the bind tried again. Shared by {@code UnixListener} and the framing server on a Unix address.
 */
public final class UnixBind {
    private UnixBind() {
    }

    /**
     * The listening handle.
     *
     * @throws BindException when the address is taken, naming it and what holds it
     */
    public static int listen(Driver d, UnixAddress address, int backlog, boolean removeStale) throws IOException {
        int fd = attempt(d, address, backlog);
        if (fd == -Errno.EADDRINUSE && address.path().isPresent()) {
            Path path = address.path().get();
            StaleSocket found = StaleSocket.probe(path);
            if (found == StaleSocket.STALE && removeStale) {
                Files.deleteIfExists(path);
                fd = attempt(d, address, backlog);
            } else {
                throw new BindException("bind(" + address + "): " + Errno.describe(Errno.EADDRINUSE) + ": "
                        + found.explanation());
            }
        }
        if (fd < 0) {
            throw Errno.exception("bind(" + address + ")", fd);
        }
        return fd;
    }

    /** The kernel form of a named address (made here from its public face: the user type keeps its own private). */
    private static UnixSockAddr sockaddr(UnixAddress address) {
        return address.isAbstract() ? UnixSockAddr.abstractName(address.name())
                : UnixSockAddr.path(address.path().orElseThrow().toString());
    }

    /** socket, bind, listen: the listening handle, or -EADDRINUSE (socket closed again); throws otherwise. */
    private static int attempt(Driver d, UnixAddress address, int backlog) throws IOException {
        int fd = d.socket(Driver.AF_UNIX, Driver.SOCK_STREAM);
        if (fd < 0) {
            throw Errno.exception("socket(AF_UNIX, " + address + ")", fd);
        }
        int r = d.bind(fd, sockaddr(address));
        String call = "bind(" + address + ")";
        if (r >= 0) {
            r = d.listen(fd, backlog);
            // NIO binds at listen: its EADDRINUSE is still "the address is taken".
            call = (r == -Errno.EADDRINUSE ? "bind(" : "listen(") + address + ")";
        }
        if (r < 0) {
            d.close(fd);
            if (r == -Errno.EADDRINUSE) {
                return r;
            }
            throw Errno.exception(call, r);
        }
        return fd;
    }
}
