package io.ringloop.process;

import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A descriptor of a child process (a pipe end or its pidfd) that closes only once no call is using it: a wait on it
 * in the driver (a POLL_ADD, an epoll registration) or on a pool thread must never find its number given to another
 * file. {@link #close()} marks it closing; calls in flight see that at their next wait slice ({@link FdWait}) and
 * leave, and the last to leave closes the fd. Its call state (errno) is its own, freed with it.
 */
final class ProcessFd {
    /** In {@link #users}: close has begun; the low bits count calls in flight. */
    private static final int CLOSING = 1 << 30;

    final int fd;
    /** Names it in messages: {@code stdout of pid 1234}. */
    final String name;
    private final Arena arena = Arena.ofShared();
    /** errno of the calls made on it; one call at a time per direction, and each pipe has one direction. */
    final MemorySegment cs = Libc.allocateCallState(arena);
    private final AtomicInteger users = new AtomicInteger();

    ProcessFd(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** A call starts; throws the named {@link ClosedChannelException} once close has begun. */
    void enter(String call) throws ClosedChannelException {
        int u = users.updateAndGet(v -> (v & CLOSING) != 0 ? v : v + 1);
        if ((u & CLOSING) != 0) {
            throw Errno.closedException(call + "(" + name + "): closed");
        }
    }

    /** A call {@link #enter}ed has ended: closes the fd if it was the last and close has begun. */
    void exit() {
        if (users.decrementAndGet() == CLOSING) {
            release();
        }
    }

    /** Whether {@link #close()} has been called: a waiting call gives up. */
    boolean closing() {
        return (users.get() & CLOSING) != 0;
    }

    /** Closes now, or when the last call in flight leaves. Idempotent. */
    void close() {
        int before = users.getAndUpdate(v -> v | CLOSING);
        if (before == 0) {
            release();
        }
    }

    private void release() {
        Libc.close(cs, fd); // Linux frees the number even on EINTR; nothing to retry
        arena.close();
    }

    /** {@code call(name): EXXX (n) text} for a failed call. */
    IOException failure(String call, int r) {
        return Errno.exception(call + "(" + name + ")", r);
    }
}
