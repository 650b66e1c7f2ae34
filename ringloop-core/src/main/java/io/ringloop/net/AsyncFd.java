package io.ringloop.net;

import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.loop.internal.Timeouts;
import io.ringloop.sys.Errno;
import io.ringloop.task.internal.IoWaiter;
import java.io.IOException;
import java.time.Duration;

/**
 * Waits for readiness of a file descriptor that ringloop does not own: an eventfd, a timerfd, an inotify fd,
 * a socket of a native library. The calling task parks until the fd is ready; its loop goes on meanwhile
 * (io_uring: one IORING_OP_POLL_ADD; epoll: the fd joins the loop's epoll set one-shot for the wait). This
 * class never reads, writes or closes the fd; the caller does, and keeps it open while a wait is on.
 *
 * <pre>{@code
 * int ready = AsyncFd.await(eventFd, AsyncFd.READABLE);  // parks the task, not the loop
 * }</pre>
 *
 * <p>Interrupting the task cancels the wait ({@link java.util.concurrent.CancellationException}). The NIO
 * backend cannot wait for an arbitrary fd and throws {@link UnsupportedOperationException}.
 */
public final class AsyncFd {
    /** Readable, or at end of stream (POLLIN). */
    public static final int READABLE = Driver.POLLIN;
    /** Writable (POLLOUT). */
    public static final int WRITABLE = Driver.POLLOUT;
    /** An error condition; reported whether asked for or not (POLLERR). */
    public static final int ERROR = Driver.POLLERR;
    /** Hung up; reported whether asked for or not (POLLHUP). */
    public static final int HANGUP = Driver.POLLHUP;

    private AsyncFd() {
    }

    /**
     * Parks the calling task until {@code fd} is ready for one of {@code events} ({@link #READABLE},
     * {@link #WRITABLE} or both): returns the ready set, which may also hold {@link #ERROR} and
     * {@link #HANGUP}. Returns at once when the fd is ready already. From a task (or a loop thread).
     */
    public static int await(int fd, int events) throws IOException {
        return await(fd, events, null);
    }

    /**
     * {@link #await(int, int)} for at most {@code timeout}: 0 when the time ran out first, as poll(2) says it.
     * Null or zero: no limit (unlike poll(2)'s 0, as for every timeout in ringloop); negative:
     * {@link IllegalArgumentException}. On io_uring the kernel keeps the time limit (a LINK_TIMEOUT on the
     * POLL_ADD).
     */
    public static int await(int fd, int events, Duration timeout) throws IOException {
        if (fd < 0 || (events & (READABLE | WRITABLE)) == 0 || (events & ~(READABLE | WRITABLE)) != 0) {
            throw new IllegalArgumentException("AsyncFd.await(fd=" + fd + ", events=" + events
                    + "): needs fd >= 0 and events READABLE, WRITABLE or both");
        }
        long timeoutNs = Timeouts.limitNanos(timeout, "AsyncFd.await(fd=" + fd + ")");
        Loop loop = LoopCall.requireLoop("AsyncFd.await");
        Driver driver = loop.driver();
        IoWaiter waiter = new IoWaiter(loop);
        int r = waiter.run(() -> driver.pollReady(fd, events, waiter), "poll(fd=" + fd + ")", timeoutNs);
        if (r == -Errno.ETIMEDOUT && timeoutNs > 0) {
            return 0;
        }
        if (r == -Errno.EOPNOTSUPP) {
            throw new UnsupportedOperationException("AsyncFd.await: the " + driver.name()
                    + " backend cannot wait for a file descriptor it does not own");
        }
        if (r == -Errno.EINVAL) {
            throw new IllegalArgumentException("AsyncFd.await(fd=" + fd + "): a socket of this loop; use its"
                    + " own read/write");
        }
        if (r < 0) {
            throw Errno.exception("poll(fd=" + fd + ")", r);
        }
        return r;
    }
}
