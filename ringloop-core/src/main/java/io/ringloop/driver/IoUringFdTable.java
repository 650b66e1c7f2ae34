package io.ringloop.driver;

import java.util.Arrays;

/**
 * The driver's handles, by fd number: whether the fd is open through this driver, and how many operations
 * are in flight on it (so {@code close(fd)} knows whether it must cancel and wait). Loop thread only.
 */
final class IoUringFdTable {
    private boolean[] open = new boolean[256];
    private int[] pending = new int[256];
    /** A datagram socket: its reads keep message boundaries, so they never go through multishot receive. */
    private boolean[] datagram = new boolean[256];
    private int openCount;

    boolean isOpen(int fd) {
        return fd >= 0 && fd < open.length && open[fd];
    }

    /** Records a new handle (from socket or accept). */
    void opened(int fd) {
        if (fd >= open.length) {
            int n = Math.max(fd + 1, open.length * 2);
            open = Arrays.copyOf(open, n);
            pending = Arrays.copyOf(pending, n);
            datagram = Arrays.copyOf(datagram, n);
        }
        datagram[fd] = false;
        if (!open[fd]) {
            open[fd] = true;
            openCount++;
        }
    }

    /** Forgets an open handle; new operations on it are refused from now on. */
    void closed(int fd) {
        open[fd] = false;
        openCount--;
    }

    void datagram(int fd, boolean isDatagram) {
        datagram[fd] = isDatagram;
    }

    /** Whether a stream read on {@code fd} (open, not a datagram socket) may read ahead. */
    boolean isStream(int fd) {
        return !datagram[fd];
    }

    int openCount() {
        return openCount;
    }

    /** The lowest open fd at or above {@code from}, or -1. */
    int nextOpen(int from) {
        for (int fd = Math.max(0, from); fd < open.length; fd++) {
            if (open[fd]) {
                return fd;
            }
        }
        return -1;
    }

    int pending(int fd) {
        return pending[fd];
    }

    /** Counts an operation on {@code fd}; a negative fd (an open by path) is not counted. */
    void started(int fd) {
        if (fd >= 0) {
            pending[fd]++;
        }
    }

    void finished(int fd) {
        if (fd >= 0) {
            pending[fd]--;
        }
    }
}
