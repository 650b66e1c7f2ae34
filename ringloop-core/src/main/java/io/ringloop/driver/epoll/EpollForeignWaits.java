package io.ringloop.driver.epoll;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.DriverCounters;
import io.ringloop.driver.OpTable;
import io.ringloop.driver.ReadinessCore;
import io.ringloop.driver.ReadinessOp;
import io.ringloop.sys.Epoll;
import io.ringloop.sys.Errno;
import java.lang.foreign.MemorySegment;

/**
 * The epoll driver's waits for fds it does not own ({@link Driver#pollReady}). Such an fd joins the epoll set
 * one-shot and level-triggered for the wait, under its op's token with the top bit set ({@link #FOREIGN}):
 * handles are registered under {@code generation << 32 | fd} and the waker under -1, so neither ever looks
 * like one. It leaves the set when the wait ends, whichever way, so the caller may close it at once; a second
 * wait on the same fd meanwhile is refused (EEXIST from epoll_ctl, reported as EBUSY).
 *
 * <p>The waits have their own {@link OpTable} (kind {@link ReadinessOp#POLL}), apart from the
 * {@link ReadinessCore}'s: they occupy no handle's side and are never tried, only reported. A completion is
 * pending in at most one of the two tables, and each checks that a token's slot holds the completion it was
 * asked about, so a cancel offered to both finds the right one. Loop thread only.
 */
final class EpollForeignWaits {
    /** Top bit of a foreign wait's epoll data; the rest is its op token. */
    static final long FOREIGN = 1L << 63;

    private final MemorySegment cs;
    private final int epfd;
    private final MemorySegment ctlScratch;
    private final OpTable ops = new OpTable(4);
    /** The driver's: each wait is an operation of kind OTHER. */
    private final DriverCounters counters;

    EpollForeignWaits(MemorySegment cs, int epfd, MemorySegment ctlScratch, DriverCounters counters) {
        this.counters = counters;
        this.cs = cs;
        this.epfd = epfd;
        this.ctlScratch = ctlScratch;
    }

    /** Starts waiting for {@code events} on foreign {@code fd}: PENDING or -errno. {@code completion} is idle. */
    int start(int fd, int events, Completion completion) {
        long token = ops.claim(completion, fd, ReadinessOp.POLL, null);
        int mask = (events & (Driver.POLLIN | Driver.POLLOUT)) | Epoll.EPOLLONESHOT;
        int r = Epoll.ctl(cs, epfd, Epoll.EPOLL_CTL_ADD, fd, mask, token | FOREIGN, ctlScratch);
        if (r < 0) {
            ops.release(token);
            return counters.immediate(DriverCounters.OTHER, r == -Errno.EEXIST ? -Errno.EBUSY : r);
        }
        counters.pending(DriverCounters.OTHER);
        return Driver.PENDING;
    }

    /** An epoll event whose data has the top bit set: completes that wait with the ready set; 1 if it ran. */
    int onEvent(long data, int ev) {
        long token = data & ~FOREIGN;
        if (!ops.isLive(token)) {
            return 0;
        }
        end(token, ev & (Driver.POLLIN | Driver.POLLOUT | Driver.POLLERR | Driver.POLLHUP));
        return 1;
    }

    /** {@link Driver#cancel} of a wait: false when {@code completion} has no wait pending here. */
    boolean cancel(Completion completion) {
        long token = completion.token();
        if (!ops.isLive(token) || ops.lookup(token) != completion) {
            return false;
        }
        end(token, -Errno.ECANCELED);
        return true;
    }

    /** The driver is closing: ends every wait with {@code -ECANCELED}. */
    void close() {
        for (long token : ops.liveTokens()) {
            if (ops.isLive(token)) {
                end(token, -Errno.ECANCELED);
            }
        }
    }

    /** Ends a wait with {@code result}: out of the epoll set first, so the fd may close right after. */
    private void end(long token, int result) {
        Epoll.ctl(cs, epfd, Epoll.EPOLL_CTL_DEL, ops.handle(token), 0, 0, ctlScratch);
        counters.completed(DriverCounters.OTHER, result);
        Completion c = ops.release(token);
        if (c != null) {
            c.complete(result);
        }
    }

    @Override
    public String toString() {
        return "EpollForeignWaits[" + ops.size() + " pending]";
    }
}
