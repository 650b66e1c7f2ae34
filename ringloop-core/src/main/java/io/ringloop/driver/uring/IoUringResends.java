package io.ringloop.driver.uring;

import io.ringloop.driver.Driver;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Socket;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Stream sends that complete with -EAGAIN: the kernel's own wait for room gave up while a non-blocking socket
 * stayed full (seen with Unix stream sockets under back-pressure; a TCP send waits). Such a send is not failed:
 * the ring waits for the socket to be writable (one-shot POLL_ADD under the same token, its deadline re-linked),
 * then the bytes go with a direct non-blocking send(2) or sendmsg(2) from the memory the SQE used, which the
 * slot still holds; a readiness that finds no room yet polls again. Covers SEND (a heap buffer's bounce buffer,
 * a whole native buffer, or a native buffer at an offset), the gather write's SENDMSG and a SENDMSG passing
 * descriptors. Loop thread only.
 */
final class IoUringResends {
    private static final int FLAGS = Socket.MSG_NOSIGNAL | Socket.MSG_DONTWAIT;
    /** A native SEND at an offset keeps {@code offset << 31 | length} + 1 in its arg; 0: the whole buffer. */
    private static final long MAX_OFFSET = 1L << 32;

    private final IoUringEngine engine;
    private final MemorySegment cs;
    private final IoUringVectors vectors;
    /** The slot's send waits on a POLL_ADD: its next CQE is the readiness, not the send's result. */
    private boolean[] pollingBySlot = new boolean[64];
    private long resends;

    IoUringResends(IoUringEngine engine, MemorySegment cs, IoUringVectors vectors) {
        this.engine = engine;
        this.cs = cs;
        this.vectors = vectors;
    }

    /** What a native SEND of {@code length} bytes at {@code offset} keeps for a resend (0 when it cannot). */
    static long offsetArg(long offset, int length) {
        return offset >= 0 && offset < MAX_OFFSET ? (offset << 31 | length) + 1 : 0;
    }

    /** Whether the slot's next CQE is a readiness this class asked for. */
    boolean polling(int slot) {
        return slot < pollingBySlot.length && pollingBySlot[slot];
    }

    /** Sends that waited for room this way (a counter for tests). */
    long resends() {
        return resends;
    }

    /**
     * A SEND or stream SENDMSG completed with -EAGAIN: waits for room under the same token and returns true;
     * false (the -EAGAIN stands) for other operations, a cancelled one, or a native buffer past 4 GiB offsets.
     */
    boolean waitForRoom(long token, IoUringOpKind kind) {
        if (kind != IoUringOpKind.SEND && kind != IoUringOpKind.WRITEV && kind != IoUringOpKind.SEND_MESSAGE) {
            return false;
        }
        int slot = IoUringEngine.slot(token);
        MemorySegment buffer = engine.ops.buffer(token);
        if (engine.memory.isCancelled(slot) || (kind == IoUringOpKind.SEND && buffer == null)) {
            return false;
        }
        if (slot >= pollingBySlot.length) {
            pollingBySlot = Arrays.copyOf(pollingBySlot, Math.max(slot + 1, pollingBySlot.length * 2));
        }
        pollingBySlot[slot] = true;
        resends++;
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
        pollingBySlot[slot] = false;
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
        pollingBySlot[slot] = true;
        poll(token);
        return Driver.PENDING;
    }

    /** The direct non-blocking send of what the SQE sent. */
    private int send(long token, int slot) {
        int handle = engine.ops.handle(token);
        IoUringOpKind kind = engine.kind(token);
        if (kind == IoUringOpKind.WRITEV) {
            return Socket.sendmsg(cs, handle, vectors.msghdr(slot), FLAGS);
        }
        if (kind == IoUringOpKind.SEND_MESSAGE) { // the caller's msghdr (descriptors passed), kept by the slot
            return Socket.sendmsg(cs, handle, (MemorySegment) engine.ops.attachment(token), FLAGS);
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
