package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.OpTable;
import io.ringloop.sys.Errno;
import io.ringloop.sys.uring.IoUring;
import io.ringloop.sys.Libc;
import io.ringloop.sys.Socket;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Bookkeeping for multishot accept (IORING_ACCEPT_MULTISHOT, Linux 5.19): per listening fd, the token of
 * the one armed multishot ACCEPT, the connections it accepted that nobody has asked for yet, and the
 * {@code accept} calls waiting for one (their op-table tokens, FIFO). A waiting accept has no SQE of its
 * own: the multishot's next CQE completes it, and cancelling it needs no kernel round trip.
 *
 * <p>An {@code accept} with a connection queued returns it at once. Otherwise it waits and, if no multishot
 * is armed on the listener, arms one. The multishot keeps accepting while connections arrive, also when
 * nobody waits, up to {@link #READY_LIMIT} queued (by default); then it is cancelled, and re-armed by the next accept
 * that finds the queue empty. A multishot that ends with an error hands the error to the oldest waiter.
 * Closing the listener completes its waiters with -ECANCELED and closes the queued connections, which were
 * never handed out. Loop thread only.
 */
final class IoUringAcceptor {
    /** Connections queued per listener before the multishot is cancelled (re-armed when someone waits). */
    static final int READY_LIMIT = 128;
    static final long NONE = -1L;
    private static final int ACCEPT_FLAGS = Socket.SOCK_NONBLOCK | Socket.SOCK_CLOEXEC;

    private final IoUringEngine engine;
    private final MemorySegment cs;
    private final long cancelUserData;
    private Listener[] byFd = new Listener[64];
    private int readyLimit = READY_LIMIT;

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

        @Override
        public String toString() {
            return "Listener[multishot=" + (multishot == NONE ? "none" : IoUringEngine.tokenName(multishot))
                    + (cancelling ? ", cancelling" : "") + ", ready=" + readyCount + ", waiters=" + waitCount + "]";
        }

        private static int[] unroll(int[] a, int head, int count) {
            int[] n = new int[a.length * 2];
            for (int i = 0; i < count; i++) {
                n[i] = a[(head + i) % a.length];
            }
            return n;
        }
    }

    /** {@code cancelUserData}: the user_data whose CQEs the driver drops (for ASYNC_CANCEL SQEs). */
    IoUringAcceptor(IoUringEngine engine, MemorySegment cs, long cancelUserData) {
        this.engine = engine;
        this.cs = cs;
        this.cancelUserData = cancelUserData;
    }

    /** Tests: how many connections a listener queues before its multishot is cancelled. */
    void readyLimit(int limit) {
        readyLimit = limit;
    }

    /** A queued connection's fd at once, else {@link Driver#PENDING} with {@code completion} waiting. */
    int accept(int listener, Completion completion) {
        Listener l = get(listener);
        if (l.readyCount() > 0) {
            int fd = l.popReady();
            engine.fds.openedStream(fd);
            return fd;
        }
        l.pushWaiter(engine.begin(listener, completion, IoUringOpKind.ACCEPT_WAITER, null));
        if (l.multishot == NONE) {
            arm(listener, l);
        }
        return Driver.PENDING;
    }

    private void arm(int listener, Listener l) {
        long token = engine.begin(listener, null, IoUringOpKind.MULTISHOT_ACCEPT, null);
        engine.sq.prepMultishotAccept(listener, ACCEPT_FLAGS, token);
        l.multishot = token;
        l.cancelling = false;
    }

    /** Cancels a waiting accept: it has no SQE, so it completes here with -ECANCELED. */
    void cancelWaiter(long token) {
        Completion c = engine.finish(token, -Errno.ECANCELED);
        if (c != null) {
            c.complete(-Errno.ECANCELED);
        }
    }

    /** A CQE of a multishot ACCEPT; returns whether a completion ran. */
    boolean onCqe(long token, int res, int cqeFlags, boolean closing) {
        int listener = engine.ops.handle(token);
        Listener l = find(listener);
        boolean current = l != null && l.multishot == token;
        if ((cqeFlags & IoUring.CQE_F_MORE) == 0) {
            engine.finish(token); // the multishot is over
            if (current) {
                l.multishot = NONE;
                l.cancelling = false;
            }
        }
        boolean serving = current && !closing && engine.fds.isOpen(listener);
        boolean ran = false;
        if (res >= 0 && !serving) {
            Libc.close(cs, res); // accepted for a listener that is gone: nobody can have it
        } else if (res >= 0) {
            long waiter = l.popWaiter(engine.ops);
            if (waiter != NONE) {
                engine.fds.openedStream(res);
                engine.finish(waiter, res).complete(res);
                ran = true;
            } else {
                l.pushReady(res);
                if (l.readyCount() >= readyLimit && l.multishot != NONE && !l.cancelling) {
                    l.cancelling = true;
                    engine.ensureSqSpace();
                    engine.sq.prepCancel(l.multishot, 0, cancelUserData);
                }
            }
        } else if (serving && res != -Errno.ECANCELED) {
            long waiter = l.popWaiter(engine.ops);
            if (waiter != NONE) {
                engine.finish(waiter, res).complete(res);
                ran = true;
            }
        }
        // A completion may have closed the listener or accepted again: look afresh before re-arming.
        if (!closing && engine.fds.isOpen(listener) && find(listener) == l && l != null
                && l.multishot == NONE && l.hasWaiter(engine.ops)) {
            arm(listener, l);
        }
        return ran;
    }

    /**
     * The listener is closing (its fd is already marked closed): waiters complete with -ECANCELED, queued
     * connections are closed. Its multishot, if armed, is cancelled with the fd's other operations, and its
     * last CQE finds no state here.
     */
    void closeListener(int fd) {
        Listener l = find(fd);
        if (l == null) {
            return;
        }
        remove(fd);
        for (long w = l.popWaiter(engine.ops); w != NONE; w = l.popWaiter(engine.ops)) {
            engine.finish(w, -Errno.ECANCELED).complete(-Errno.ECANCELED);
        }
        while (l.readyCount() > 0) {
            Libc.close(cs, l.popReady());
        }
    }

    /** {@link #closeListener} for every listener, at driver close. */
    void closeAll() {
        for (int fd = 0; fd < byFd.length; fd++) {
            closeListener(fd);
        }
    }

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

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("IoUringAcceptor[");
        String separator = "";
        for (int fd = 0; fd < byFd.length; fd++) {
            if (byFd[fd] != null) {
                b.append(separator).append("fd ").append(fd).append(": ").append(byFd[fd]);
                separator = ", ";
            }
        }
        return b.append(']').toString();
    }
}
