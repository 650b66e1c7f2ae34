package io.ringloop.driver.epoll;

import io.ringloop.driver.ReadinessCore;
import java.util.Arrays;

/**
 * The epoll driver's per-fd state, indexed by fd number and grown on demand: the readiness/registration bits and
 * the registration generation carried in the epoll data; plus the count of fds the driver owns. (The pending
 * operations of each fd are the {@link ReadinessCore}'s.) Loop thread only. The driver reads
 * the arrays through this object on every use, because {@link #ensureCapacity} (called by {@link #adopt}, so by
 * any accept) replaces them.
 */
final class EpollFdTable {
    /** The last edge said the fd is readable; cleared by EAGAIN or by a short stream read (drained). */
    static final int READABLE = 1;
    /** The last edge said the fd is writable; cleared by EAGAIN. */
    static final int WRITABLE = 2;
    /** Peer closed its side (RDHUP/HUP/ERR): reads return without waiting, so never clear READABLE. */
    static final int HANGUP = 4;
    /** In the epoll set (added at the first operation that had to wait). */
    static final int REGISTERED = 8;
    /** Owned by the driver: between {@link #adopt} and {@link #forget}. */
    static final int OPEN = 16;
    /** A pipe end from {@code pipe}: spliced to or from, never registered (splices wait for their socket). */
    static final int PIPE = 32;

    /** The bits above ({@link #READABLE}, {@link #WRITABLE}, {@link #HANGUP}, ...); 0: not the driver's fd. */
    int[] state = new int[1024];
    /** Bumped when the fd is forgotten, so an event queued for the old fd cannot reach whoever reuses the number. */
    int[] generation = new int[1024];
    private int open;

    void ensureCapacity(int fd) {
        if (fd < state.length) {
            return;
        }
        int n = Math.max(fd + 1, state.length * 2);
        state = Arrays.copyOf(state, n);
        generation = Arrays.copyOf(generation, n);
    }

    /** A new fd the driver owns: readiness unknown, so both directions are tried first. */
    void adopt(int fd) {
        ensureCapacity(fd);
        state[fd] = OPEN | READABLE | WRITABLE;
        open++;
    }

    boolean isOpen(int fd) {
        return fd >= 0 && fd < state.length && (state[fd] & OPEN) != 0;
    }

    /** The driver no longer owns {@code fd} (closed or detached); its pending operations are the caller's to end. */
    void forget(int fd) {
        state[fd] = 0;
        generation[fd]++;
        open--;
    }

    /** Fds the driver owns. */
    int open() {
        return open;
    }
}
