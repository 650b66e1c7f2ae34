package io.ringloop.driver.uring;

import io.ringloop.driver.Driver;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Socket;
import java.lang.foreign.MemorySegment;

/**
 * Stream sends that complete with -EAGAIN: the kernel's own wait for room gave up while a non-blocking socket
 * stayed full (seen with Unix stream sockets under back-pressure; a TCP send waits). Such a send is not failed:
 * the ring waits for the socket to be writable (one-shot POLL_ADD under the same token, its deadline re-linked),
 * then the bytes go with a direct non-blocking send(2) or sendmsg(2) from the memory the SQE used, which the
 * slot still holds; a readiness that finds no room yet polls again. Covers SEND (a heap buffer's bounce buffer,
 * a whole native buffer, or a native buffer at an offset) and the gather write's SENDMSG; which CQE of the slot
 * is the readiness is {@link IoUringOpMemory#polling}'s, reset with the slot's other state. Loop thread only.
 */
final class IoUringResends {
    private static final int FLAGS = Socket.MSG_NOSIGNAL | Socket.MSG_DONTWAIT;
    /** A native SEND at an offset keeps {@code offset << 31 | length} + 1 in its arg; 0: the whole buffer. */
    private static final long MAX_OFFSET = 1L << 32;

    private final IoUringEngine engine;
    private final MemorySegment cs;
    private final IoUringVectors vectors;

    IoUringResends(IoUringEngine engine, MemorySegment cs, IoUringVectors vectors) {
        this.engine = engine;
        this.cs = cs;
        this.vectors = vectors;
    }

    /** What a native SEND of {@code length} bytes at {@code offset} keeps for a resend (0 when it cannot). */
    static long offsetArg(long offset, int length) {
        return offset >= 0 && offset < MAX_OFFSET ? (offset << 31 | length) + 1 : 0;
    }

    /**
     * A SEND or gather SENDMSG completed with -EAGAIN: waits for room under the same token and returns true;
     * false (the -EAGAIN stands) for other operations, a cancelled one, or a native buffer past 4 GiB offsets.
     */
    boolean waitForRoom(long token, IoUringOpKind kind) {
        if (kind != IoUringOpKind.SEND && kind != IoUringOpKind.WRITEV) {
            return false;
        }
        int slot = IoUringEngine.slot(token);
        if (engine.memory.isCancelled(slot) || (kind == IoUringOpKind.SEND && engine.ops.buffer(token) == null)) {
            return false;
        }
        engine.memory.polling(slot, true);
        poll(token);
        return true;
    }

    private void poll(long token) {
        engine.ensureSqRoom(2);
        engine.sq.prepPollAdd(engine.ops.handle(token), Driver.POLLOUT, token);
        engine.relinkDeadline(token, IoUringEngine.TIMEOUT_TOKEN);
    }

    /**
     * The POLL_ADD's CQE: the send's result, or {@link Driver#PENDING} when it polls again ({@code serving}
     * false: cancelled or closing, so -ECANCELED).
     */
    int onPollCqe(long token, int res, boolean serving) {
        int slot = IoUringEngine.slot(token);
        engine.memory.polling(slot, false);
        if (res < 0) {
            return res; // -ECANCELED from a cancel or a linked timeout, or the socket's error
        }
        int r = send(token, slot);
        if (r != -Errno.EAGAIN) {
            return r;
        }
        if (!serving || engine.memory.isCancelled(slot)) {
            return -Errno.ECANCELED;
        }
        engine.memory.polling(slot, true);
        poll(token);
        return Driver.PENDING;
    }

    /** The direct non-blocking send of what the SQE sent. */
    private int send(long token, int slot) {
        int handle = engine.ops.handle(token);
        if (engine.kind(token) == IoUringOpKind.WRITEV) {
            return Socket.sendmsg(cs, handle, vectors.msghdr(slot), FLAGS);
        }
        MemorySegment buffer = engine.ops.buffer(token);
        long arg = engine.ops.arg(token);
        if (!buffer.isNative()) {
            return Socket.send(cs, handle, engine.memory.bounce(slot), IoUringOpMemory.kernelLength(buffer), FLAGS);
        }
        if (arg == 0) {
            return Socket.send(cs, handle, buffer, buffer.byteSize(), FLAGS);
        }
        long offset = (arg - 1) >>> 31;
        int length = (int) ((arg - 1) & Integer.MAX_VALUE);
        return Socket.send(cs, handle, buffer.asSlice(offset, length), length, FLAGS);
    }
}
