package io.ringloop.driver.uring;

import java.util.Arrays;

/**
 * The driver's handles, by fd number: whether the fd is open through this driver, and how many operations
 * are in flight on it (so {@code close(fd)} knows whether it must cancel and wait). Loop thread only.
 */
final class IoUringFdTable {
    private boolean[] open = new boolean[256];
    private int[] pending = new int[256];
    /**
     * A stream socket (made by socket(SOCK_STREAM), accepted or adopted): its reads may read ahead (multishot
     * receive) and it may be registered as a fixed file. Not for datagram sockets, whose reads keep message
     * boundaries, nor for files, which close through the ring.
     */
    private boolean[] stream = new boolean[256];
    /** Operations started on the fd since it opened (capped): a long-lived connection earns a fixed file. */
    private int[] uses = new int[256];
    /**
     * Receives and sends in flight on the fd (SQEs of the reading and the sending kinds, see
     * {@link IoUringOpKind#direction()}). A direct send(2)/recv(2) may run only when its side has none: it
     * would overtake them and reorder the stream.
     */
    private int[] reads = new int[256];
    private int[] sends = new int[256];
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
            stream = Arrays.copyOf(stream, n);
            uses = Arrays.copyOf(uses, n);
            reads = Arrays.copyOf(reads, n);
            sends = Arrays.copyOf(sends, n);
        }
        reads[fd] = 0;
        sends[fd] = 0;
        stream[fd] = false;
        uses[fd] = 0;
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

    /** {@link #opened} for a stream socket. */
    void openedStream(int fd) {
        opened(fd);
        stream[fd] = true;
    }

    boolean isStream(int fd) {
        return fd >= 0 && fd < stream.length && stream[fd];
    }

    /** Counts an operation on stream socket {@code fd}: how many so far (it stops counting at a million). */
    int use(int fd) {
        int n = uses[fd];
        if (n < 1_000_000) {
            uses[fd] = ++n;
        }
        return n;
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

    /**
     * Counts an operation on {@code fd} and, by its {@code direction} (+1 receive, -1 send, 0 other), on that
     * side; a negative fd (an open by path, a foreign fd's poll) is not counted.
     */
    void started(int fd, int direction) {
        if (fd >= 0) {
            pending[fd]++;
            if (direction > 0) {
                reads[fd]++;
            } else if (direction < 0) {
                sends[fd]++;
            }
        }
    }

    void finished(int fd, int direction) {
        if (fd >= 0) {
            pending[fd]--;
            if (direction > 0) {
                reads[fd]--;
            } else if (direction < 0) {
                sends[fd]--;
            }
        }
    }

    /** Whether a receive SQE is in flight on {@code fd}. */
    boolean receiving(int fd) {
        return reads[fd] != 0;
    }

    /** Whether a send SQE is in flight on {@code fd}. */
    boolean sending(int fd) {
        return sends[fd] != 0;
    }

    /** The open fds with their counts, e.g. {@code fd 7 (stream, 2 pending: 1 receiving, 1 sending)}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("IoUringFdTable[open=").append(openCount);
        for (int fd = nextOpen(0); fd >= 0; fd = nextOpen(fd + 1)) {
            b.append(", fd ").append(fd).append(stream[fd] ? " (stream, " : " (").append(pending[fd])
                    .append(" pending: ").append(reads[fd]).append(" receiving, ").append(sends[fd])
                    .append(" sending)");
        }
        return b.append(']').toString();
    }
}
