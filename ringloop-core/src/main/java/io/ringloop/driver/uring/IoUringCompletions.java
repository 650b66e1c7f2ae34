package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.OpTable;
import io.ringloop.sys.Errno;

/**
 * What happens to an io_uring operation after its SQE was written: its cancel, its deadline, and the CQE that
 * ends it. {@link #dispatch} routes each CQE by its {@link IoUringOpKind} to the part that owns that kind of
 * operation (the multishot acceptor and receiver, zero-copy sends, polled heap reads, vectored I/O), then
 * hands back the slot's memory, records descriptors that opened, releases the slot and calls the completion.
 * A CQE for a released slot, or for a slot whose generation moved on, is dropped. Loop thread only.
 */
final class IoUringCompletions {
    private final IoUringEngine engine;
    private final OpTable ops;
    private final IoUringOpMemory memory;
    private final IoUringWaker waker;
    /** Each null when refused by the kernel or disabled. */
    private final IoUringAcceptor acceptor;
    private final IoUringMultishotReads multishot;
    private final IoUringZeroCopySends zeroCopy;
    private final IoUringVectors vectors;
    private final IoUringSockets sockets;
    private final IoUringResends resends;
    /** The driver is closing: nothing is armed again, and results for it are not served. */
    private boolean closing;
    private long linkedTimeouts;

    IoUringCompletions(IoUringEngine engine, IoUringWaker waker, IoUringSockets sockets, IoUringAcceptor acceptor,
                       IoUringMultishotReads multishot, IoUringZeroCopySends zeroCopy, IoUringVectors vectors,
                       IoUringResends resends) {
        this.engine = engine;
        this.ops = engine.ops;
        this.memory = engine.memory;
        this.waker = waker;
        this.sockets = sockets;
        this.acceptor = acceptor;
        this.multishot = multishot;
        this.zeroCopy = zeroCopy;
        this.vectors = vectors;
        this.resends = resends;
    }

    void closing() {
        closing = true;
    }

    /**
     * Asks the kernel to cancel the operation (ASYNC_CANCEL by its token), once; an operation that waits
     * without an SQE (an accept or a read waiting for its multishot) completes here instead.
     */
    boolean cancel(Completion completion) {
        long token = completion.token();
        if (token == Completion.IDLE || ops.lookup(token) != completion) {
            return false;
        }
        IoUringOpKind kind = engine.kind(token);
        if (kind == IoUringOpKind.ACCEPT_WAITER) {
            acceptor.cancelWaiter(token);
            return true;
        }
        if (kind == IoUringOpKind.RECV_WAITER) {
            multishot.cancelWaiter(token);
            return true;
        }
        if (memory.markCancelled(IoUringEngine.slot(token))) {
            engine.ensureSqSpace();
            engine.sq.prepCancel(token, 0, IoUringEngine.CANCEL_TOKEN);
        }
        return true;
    }

    /**
     * A LINK_TIMEOUT on the operation's SQE, when it is still in the SQ. Not for operations without an SQE
     * of their own (waiting accepts and multishot reads) nor for zero-copy sends (two CQEs): the loop's timer
     * serves those. A polled heap read that polls again re-links what is left ({@link IoUringEngine}).
     */
    boolean deadline(Completion completion, long timeoutNs) {
        long token = completion.token();
        if (timeoutNs <= 0 || token == Completion.IDLE || ops.lookup(token) != completion) {
            return false;
        }
        int slot = IoUringEngine.slot(token);
        if (!engine.kind(token).linkable() || memory.deadline(slot) != 0
                || !engine.sq.linkTimeout(token, timeoutNs, memory.timespec(slot), IoUringEngine.TIMEOUT_TOKEN)) {
            return false;
        }
        memory.deadline(slot, System.nanoTime() + timeoutNs);
        linkedTimeouts++;
        return true;
    }

    long linkedTimeouts() {
        return linkedTimeouts;
    }

    /** Finishes the operation a CQE names; false for the driver's own CQEs and stale tokens. */
    boolean dispatch(long ud, int res, int flags) {
        if (ud == IoUringEngine.WAKE_TOKEN) {
            waker.completed();
            if (!closing) {
                waker.arm(engine, IoUringEngine.WAKE_TOKEN);
            }
            return false;
        }
        if (ud < 0 || !ops.isLive(ud)) {
            return false; // a cancel's or timeout's own CQE, a stash entry already delivered, or a stale token
        }
        IoUringOpKind kind = engine.kind(ud);
        switch (kind) {
            case MULTISHOT_ACCEPT -> {
                return acceptor.onCqe(ud, res, flags, closing);
            }
            case MULTISHOT_RECV -> {
                return multishot.onCqe(ud, res, flags, closing);
            }
            case RECV_WAITER -> {
                return multishot.onWaiterCqe(ud, res);
            }
            default -> {
            }
        }
        boolean serving = !closing && engine.fds.isOpen(ops.handle(ud));
        if (memory.polling(IoUringEngine.slot(ud))) {
            res = resends.onPollCqe(ud, res, serving); // the readiness a send that found no room waited for
            if (res == Driver.PENDING) {
                return false;
            }
        } else if (res == -Errno.EAGAIN && serving && resends.waitForRoom(ud, kind)) {
            return false;
        }
        res = switch (kind) {
            case SEND_ZC -> zeroCopy.onCqe(ud, res, flags, serving); // PENDING: the notification is still to come
            case POLLED_READ -> sockets.polledReads.onCqe(ud, res, serving); // PENDING: polls again
            case BATCH_RECV, BATCH_SEND -> sockets.datagrams.onCqe(ud, res, serving); // PENDING: polls again
            case SPLICE_IN, SPLICE_OUT -> sockets.splices.onCqe(ud, res, serving); // PENDING: polls again
            case READV, WRITEV -> vectors.onCqe(ud, res); // scatters staged bytes into heap buffers
            default -> res;
        };
        if (res == Driver.PENDING) {
            return false;
        }
        if (kind == IoUringOpKind.POLL) {
            sockets.pollEnded(ud);
        }
        memory.completed(IoUringEngine.slot(ud), res, kind.copiesOut(), ops.buffer(ud));
        if (kind == IoUringOpKind.ACCEPT && res >= 0) {
            engine.fds.openedStream(res);
        } else if (kind == IoUringOpKind.FILE_OPEN && res >= 0) {
            engine.fds.opened(res);
        }
        Completion c = engine.finish(ud, res);
        if (c != null) {
            c.complete(res);
        }
        return true;
    }
}
