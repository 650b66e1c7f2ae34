package io.ringloop.sys;

import java.io.IOException;

/**
 * A Linux call failed. The message names the call, the argument that matters and the errno:
 * {@code connect(127.0.0.1:1): ECONNREFUSED (111) Connection refused}.
 *
 * <p>Errnos a Java user expects as JDK types are mapped by {@link Errno#exception} instead
 * (for example ECONNREFUSED to {@link java.net.ConnectException}); this type carries the rest.
 */
public final class SyscallException extends IOException {
    private final String call;
    private final int errno;

    public SyscallException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    /** The call and its argument, e.g. {@code epoll_ctl(ADD, fd=17)}. */
    public String call() {
        return call;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }
}
