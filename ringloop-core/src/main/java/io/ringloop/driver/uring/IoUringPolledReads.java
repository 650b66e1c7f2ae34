package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Socket;
import java.lang.foreign.MemorySegment;

/**
 * Heap reads that had to wait, without copying: the ring waits for the socket to be readable (one-shot
 * IORING_OP_POLL_ADD) and the bytes then go straight from the socket into the array with a non-blocking
 * recv(2), as many as fit. A heap buffer cannot be the target of an SQE itself (the collector may move it),
 * so the alternative is a RECV into native memory and a copy, capped at that memory's size. A readiness that
 * finds nothing (another reader, a spurious wake) polls again under the same token, re-linking what is left
 * of its deadline. Loop thread only.
 */
final class IoUringPolledReads {
    private final IoUringEngine engine;
    private final MemorySegment cs;
    private final long timeoutUserData;

    IoUringPolledReads(IoUringEngine engine, MemorySegment cs, long timeoutUserData) {
        this.engine = engine;
        this.cs = cs;
        this.timeoutUserData = timeoutUserData;
    }

    /** Waits for {@code handle} to be readable, then reads into heap {@code buffer}: PENDING. */
    int read(int handle, MemorySegment buffer, Completion completion) {
        long token = engine.begin(handle, completion, IoUringOpKind.POLLED_READ, buffer);
        engine.sq.prepPollAdd(handle, Driver.POLLIN, token);
        return Driver.PENDING;
    }

    /**
     * The POLL_ADD's CQE: the read's result, or {@link Driver#PENDING} when it polls again ({@code serving}
     * false: cancelled or closing, so -ECANCELED; a cancel that raced the readiness still reads, no byte lost).
     */
    int onCqe(long token, int res, boolean serving) {
        if (res < 0) {
            return res; // -ECANCELED from a cancel or a linked timeout, or the socket's error
        }
        MemorySegment buffer = engine.ops.buffer(token);
        int r = Socket.recv(cs, engine.ops.handle(token), buffer, buffer.byteSize(), Socket.MSG_DONTWAIT);
        if (r != -Errno.EAGAIN) {
            return r;
        }
        if (!serving || engine.memory.isCancelled(IoUringEngine.slot(token))) {
            return -Errno.ECANCELED;
        }
        engine.ensureSqRoom(2);
        engine.sq.prepPollAdd(engine.ops.handle(token), Driver.POLLIN, token);
        engine.relinkDeadline(token, timeoutUserData);
        return Driver.PENDING;
    }
}
