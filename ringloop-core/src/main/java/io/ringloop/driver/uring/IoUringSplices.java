package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.LinuxPipes;
import io.ringloop.sys.Errno;
import java.util.BitSet;

/**
 * {@link Driver#pipe} and {@link Driver#splice} on io_uring: a splice first tries a non-blocking
 * {@code splice(2)} on the loop thread, when nothing of the socket's direction is in flight in the ring (it
 * would be overtaken). One that must wait polls the socket (one-shot IORING_OP_POLL_ADD for POLLIN, or POLLOUT
 * towards the socket) and splices again at the CQE, as {@link IoUringPolledReads} does for heap reads; a
 * readiness that finds nothing polls again under the same token.
 *
 * <p><b>IORING_OP_SPLICE</b> ({@code -Dringloop.uring.spliceSqe=true}, for measurement): each splice is a SPLICE
 * SQE from the start, a poll when it says -EAGAIN, then a SPLICE SQE again. The kernel hands every SPLICE SQE to
 * an io-wq worker thread ({@code io_splice_prep} sets REQ_F_FORCE_ASYNC, io_uring/splice.c), and on a
 * non-blocking socket that worker's splice still says -EAGAIN when nothing is there; so it costs a hand-off to
 * another thread per chunk. {@code ./ringloop bench --scenarios proxy} measured it against the default (the
 * figures are in docs/DESIGN.md, "A proxy").
 *
 * <p>The op's arg is {@code pipeEnd << 32 | length}, with {@link #IN_RING} set while a SPLICE SQE (rather than a
 * poll) is in flight. Loop thread only.
 */
final class IoUringSplices {
    /** Whether splices are IORING_OP_SPLICE SQEs rather than splice(2) calls after a poll. */
    static final boolean SPLICE_SQES = Boolean.getBoolean("ringloop.uring.spliceSqe");
    /** In the op's arg: its SPLICE SQE is in flight (lengths are positive ints, so bit 31 is free). */
    private static final long IN_RING = 1L << 31;
    private static final long LENGTH_MASK = IN_RING - 1;

    private final IoUringEngine engine;
    private final LinuxPipes pipes;
    /** Handles that are pipe ends ({@link #pipe}), until closed. */
    private final BitSet pipeEnds = new BitSet();

    IoUringSplices(IoUringEngine engine, LinuxPipes pipes) {
        this.engine = engine;
        this.pipes = pipes;
    }

    int pipe(int[] ends, int capacityBytes) {
        int r = pipes.open(ends, capacityBytes);
        if (r >= 0) {
            for (int i = 0; i < 2; i++) {
                engine.fds.opened(ends[i]);
                pipeEnds.set(ends[i]);
            }
        }
        return r;
    }

    boolean isPipe(int handle) {
        return handle >= 0 && pipeEnds.get(handle);
    }

    /** The handle is being closed. */
    void forget(int handle) {
        if (handle >= 0) {
            pipeEnds.clear(handle);
        }
    }

    /** {@code from} and {@code to}: open handles of this driver; {@code multishotBusy}: the socket's multishot is. */
    int splice(int from, int to, int length, Completion completion, boolean multishotBusy) {
        boolean out = pipeEnds.get(from);
        if (out == pipeEnds.get(to)) {
            return -Errno.EINVAL; // two pipes or two sockets: one side must be each
        }
        int socket = out ? to : from;
        if (!out && multishotBusy) {
            return -Errno.EBUSY; // bytes the multishot receive already took would be overtaken
        }
        if (SPLICE_SQES) {
            IoUringOpKind kind = out ? IoUringOpKind.SPLICE_OUT : IoUringOpKind.SPLICE_IN;
            long token = engine.begin(socket, completion, kind, null);
            engine.ops.setArg(token, ((long) (out ? from : to) << 32) | IN_RING | length);
            engine.sq.prepSplice(from, to, length, LinuxPipes.SPLICE_FLAGS, token);
            return Driver.PENDING;
        }
        if (out ? !engine.fds.sending(socket) : !engine.fds.receiving(socket)) {
            int r = pipes.splice(from, to, length);
            if (r != -Errno.EAGAIN) {
                return r;
            }
        }
        IoUringOpKind kind = out ? IoUringOpKind.SPLICE_OUT : IoUringOpKind.SPLICE_IN;
        long token = engine.begin(socket, completion, kind, null);
        engine.ops.setArg(token, ((long) (out ? from : to) << 32) | length);
        engine.sq.prepPollAdd(socket, out ? Driver.POLLOUT : Driver.POLLIN, token);
        return Driver.PENDING;
    }

    /**
     * The POLL_ADD's CQE: the splice's result, or {@link Driver#PENDING} when it polls again ({@code serving}
     * false: cancelled or closing, so -ECANCELED; a cancel that raced the readiness still splices).
     */
    int onCqe(long token, int res, boolean serving) {
        int socket = engine.ops.handle(token);
        long arg = engine.ops.arg(token);
        boolean out = engine.kind(token) == IoUringOpKind.SPLICE_OUT;
        int pipe = (int) (arg >>> 32);
        int length = (int) (arg & LENGTH_MASK);
        boolean cancelled = !serving || engine.memory.isCancelled(IoUringEngine.slot(token));
        int r;
        if ((arg & IN_RING) != 0) {
            r = res; // the SPLICE SQE's own result
            engine.ops.setArg(token, arg & ~IN_RING);
        } else if (res < 0) {
            return res; // the poll's: -ECANCELED from a cancel or a linked timeout
        } else if (SPLICE_SQES && !cancelled) {
            engine.ensureSqRoom(2);
            engine.ops.setArg(token, arg | IN_RING);
            engine.sq.prepSplice(out ? pipe : socket, out ? socket : pipe, length, LinuxPipes.SPLICE_FLAGS, token);
            engine.relinkDeadline(token, IoUringEngine.TIMEOUT_TOKEN);
            return Driver.PENDING;
        } else {
            r = out ? pipes.splice(pipe, socket, length) : pipes.splice(socket, pipe, length);
        }
        if (r != -Errno.EAGAIN) {
            return r;
        }
        if (cancelled) {
            return -Errno.ECANCELED;
        }
        engine.ensureSqRoom(2);
        engine.sq.prepPollAdd(socket, out ? Driver.POLLOUT : Driver.POLLIN, token);
        engine.relinkDeadline(token, IoUringEngine.TIMEOUT_TOKEN);
        return Driver.PENDING;
    }
}
