package io.ringloop.driver.epoll;

import io.ringloop.sys.Epoll;
import io.ringloop.sys.Errno;
import io.ringloop.sys.EventFd;
import io.ringloop.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The eventfd that wakes an {@link EpollDriver} blocked in {@code epoll_wait}: it sits in the epoll set,
 * edge-triggered, under {@link #DATA}; {@link #wakeup()} from any thread adds 1 to it, and the loop drains it
 * when {@link EpollDriver#poll} sees its event.
 *
 * <p>{@link #wakeup} and {@link #close} meet without a lock (unlike {@link IoUringWaker}): a waker counts
 * itself in {@link #wakers} before it looks at {@link #closing}, and close waits for that count to reach zero
 * after setting the flag, so the eventfd number and the arena are never released under a waker's feet.
 */
final class EpollWaker {
    /**
     * The eventfd's epoll data. A socket's data is {@code generation << 32 | fd} with {@code fd >= 0}, so its
     * low half is never all ones and it cannot be mistaken for this.
     */
    static final long DATA = -1;

    private final int fd;
    /** The loop's call state: creation, drain and close run on the loop thread. */
    private final MemorySegment loopCallState;
    /** Where a drain puts the counter it reads (and ignores). Loop thread. */
    private final MemorySegment drainBuffer;
    /** Call state for {@link #wakeup()}, which runs on other threads than the loop's. */
    private final MemorySegment wakeCallState;
    private final MemorySegment wakeBuffer;
    private final AtomicLong wakeups = new AtomicLong();
    /** Wakers inside {@link #wakeup()} right now; see the class comment. */
    private final AtomicInteger wakers = new AtomicInteger();
    private volatile boolean closing;

    /**
     * Makes the eventfd and adds it to {@code epfd}. On failure nothing is left open; the memory comes from
     * {@code arena} and goes with it.
     */
    EpollWaker(Arena arena, MemorySegment cs, int epfd, MemorySegment ctlScratch) throws IOException {
        loopCallState = cs;
        drainBuffer = arena.allocate(8, 8);
        wakeCallState = Libc.allocateCallState(arena);
        wakeBuffer = arena.allocate(8, 8);
        int ev = EventFd.create(cs, 0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        if (ev < 0) {
            throw Errno.exception("eventfd", ev);
        }
        int r = Epoll.ctl(cs, epfd, Epoll.EPOLL_CTL_ADD, ev, Epoll.EPOLLIN | Epoll.EPOLLET, DATA, ctlScratch);
        if (r < 0) {
            Libc.close(cs, ev);
            throw Errno.exception("epoll_ctl(ADD, eventfd=" + ev + ")", r);
        }
        fd = ev;
    }

    /** Any thread: makes the loop's current or next {@code epoll_wait} return. */
    void wakeup() {
        wakers.incrementAndGet();
        try {
            if (!closing) {
                wakeups.incrementAndGet();
                // Racing wakers share the buffer; each stores the same value 1, so the race is harmless.
                EventFd.write(wakeCallState, fd, 1, wakeBuffer);
            }
        } finally {
            wakers.decrementAndGet();
        }
    }

    /** Wakeups that went to the kernel. */
    long count() {
        return wakeups.get();
    }

    /** Loop thread, on the eventfd's event: resets the counter so the next wakeup makes a new edge. */
    void drain() {
        EventFd.read(loopCallState, fd, drainBuffer);
    }

    /** Loop thread, last: stops new wakeups, waits out those in flight, closes the eventfd. */
    void close() {
        closing = true;
        while (wakers.get() != 0) {
            Thread.onSpinWait(); // a waker is between its check and its eventfd write: a few instructions
        }
        Libc.close(loopCallState, fd);
    }
}
