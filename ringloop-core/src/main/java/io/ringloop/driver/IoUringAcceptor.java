package io.ringloop.driver;

import java.util.Arrays;

/**
 * Bookkeeping for multishot accept (IORING_ACCEPT_MULTISHOT, Linux 5.19): per listening fd, the token of
 * the one armed multishot ACCEPT, the connections it accepted that nobody has asked for yet, and the
 * {@code accept} calls waiting for one (their op-table tokens, FIFO). A waiting accept has no SQE of its
 * own: the multishot's next CQE completes it. No ring access here; the driver does the submitting.
 * Loop thread only.
 */
final class IoUringAcceptor {
    /** Connections queued per listener before the multishot is cancelled (re-armed when someone waits). */
    static final int READY_LIMIT = 128;
    static final long NONE = -1L;

    /** One listening fd's state. */
    static final class Listener {
        /** Token of the armed multishot ACCEPT, or {@link #NONE}. */
        long multishot = NONE;
        /** A cancel of the multishot is in flight (the ready queue was full). */
        boolean cancelling;
        private int[] ready = new int[8];
        private int readyHead;
        private int readyCount;
        private long[] waiters = new long[4];
        private int waitHead;
        private int waitCount;

        int readyCount() {
            return readyCount;
        }

        void pushReady(int fd) {
            if (readyCount == ready.length) {
                ready = unroll(ready, readyHead, readyCount);
                readyHead = 0;
            }
            ready[(readyHead + readyCount) % ready.length] = fd;
            readyCount++;
        }

        /** The oldest queued connection; the caller checked {@link #readyCount()}. */
        int popReady() {
            int fd = ready[readyHead];
            readyHead = (readyHead + 1) % ready.length;
            readyCount--;
            return fd;
        }

        void pushWaiter(long token) {
            if (waitCount == waiters.length) {
                long[] n = new long[waiters.length * 2];
                for (int i = 0; i < waitCount; i++) {
                    n[i] = waiters[(waitHead + i) % waiters.length];
                }
                waiters = n;
                waitHead = 0;
            }
            waiters[(waitHead + waitCount) % waiters.length] = token;
            waitCount++;
        }

        /** The oldest waiter still live in {@code ops} (cancelled ones are skipped), or {@link #NONE}. */
        long popWaiter(OpTable ops) {
            while (waitCount > 0) {
                long token = waiters[waitHead];
                waitHead = (waitHead + 1) % waiters.length;
                waitCount--;
                if (ops.isLive(token)) {
                    return token;
                }
            }
            return NONE;
        }

        /** Whether a live waiter is queued. */
        boolean hasWaiter(OpTable ops) {
            for (int i = 0; i < waitCount; i++) {
                if (ops.isLive(waiters[(waitHead + i) % waiters.length])) {
                    return true;
                }
            }
            return false;
        }

        private static int[] unroll(int[] a, int head, int count) {
            int[] n = new int[a.length * 2];
            for (int i = 0; i < count; i++) {
                n[i] = a[(head + i) % a.length];
            }
            return n;
        }
    }

    private Listener[] byFd = new Listener[64];

    /** The state of listener {@code fd}, made on first use. */
    Listener get(int fd) {
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        Listener l = byFd[fd];
        if (l == null) {
            l = new Listener();
            byFd[fd] = l;
        }
        return l;
    }

    /** The state of {@code fd} if it ever accepted, else null. */
    Listener find(int fd) {
        return fd >= 0 && fd < byFd.length ? byFd[fd] : null;
    }

    /** Forgets listener {@code fd} (after its multishot has ended and its queues were emptied). */
    void remove(int fd) {
        if (fd >= 0 && fd < byFd.length) {
            byFd[fd] = null;
        }
    }

    /** The highest fd number that may have state, for close-all. */
    int limit() {
        return byFd.length;
    }
}
