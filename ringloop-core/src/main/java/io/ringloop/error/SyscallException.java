package io.ringloop.error;

import java.io.IOException;
import java.io.Serial;

/**
 * A Linux call failed with an errno that has no JDK exception of its own. The message names the call, the
 * argument that matters and the errno: {@code epoll_ctl(ADD, fd=17): EBADF (9) Bad file descriptor}.
 *
 * <p>Errnos a Java user expects as JDK types arrive as those types instead (ECONNREFUSED as
 * {@link java.net.ConnectException}, EBADF on a closed socket as {@link java.nio.channels.ClosedChannelException},
 * ENOENT as {@link java.nio.file.NoSuchFileException}, ...); this type carries the rest, and is the cause of a
 * mapped exception where the mapping would lose the errno.
 */
public final class SyscallException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;
    private final String errnoName;

    /**
     * @param call        the call and its argument that matters, e.g. {@code epoll_ctl(ADD, fd=17)}
     * @param errno       the positive errno value
     * @param errnoName   the errno's symbolic name, e.g. {@code EBADF}
     * @param description the errno with its number and text, e.g. {@code EBADF (9) Bad file descriptor}
     */
    public SyscallException(String call, int errno, String errnoName, String description) {
        super(call + ": " + description);
        this.call = call;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /** The call and its argument, e.g. {@code epoll_ctl(ADD, fd=17)}. */
    public String call() {
        return call;
    }

    /** The positive errno value, e.g. 9. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, e.g. {@code EBADF}; {@code errno 200} for a value without a name. */
    public String errnoName() {
        return errnoName;
    }
}
