package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.Iovecs;
import io.ringloop.sys.MsgHdr;
import io.ringloop.sys.Socket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Scatter/gather on io_uring: a readv is one IORING_OP_RECVMSG and a writev one IORING_OP_SENDMSG, each with a
 * msghdr whose {@code msg_iov} lists the buffers. SENDMSG rather than WRITEV because a write to a socket
 * whose peer has gone raises SIGPIPE unless sent with MSG_NOSIGNAL, which only the send calls take; RECVMSG
 * for symmetry (same msghdr, same socket path; READV on a socket also requires offset 0 or fails ESPIPE).
 *
 * <p><b>Memory the kernel sees</b> belongs to the operation's {@code OpTable} slot until its CQE is reaped, even
 * after a cancel: per slot, an iovec array of {@link Driver#MAX_IOVECS} entries and a msghdr (made at the slot's
 * first vectored operation, sliced once and kept), and, when some buffers are on the heap, one staging buffer
 * from this class's own {@link IoUringBouncePool} (copied in before a send; scattered out when a receive's CQE
 * arrives, in {@link #onCqe}). The op table's attachment holds the caller's array, so its native buffers stay
 * reachable until then too.
 *
 * <p>Loop thread only.
 */
final class IoUringVectors {
    private final IoUringEngine engine;
    private final Arena arena;
    private final IoUringBouncePool staging;
    private MemorySegment[] iovBySlot = new MemorySegment[64];
    private MemorySegment[] msgBySlot = new MemorySegment[64];
    /** The staging buffer an in-flight operation holds, by slot; null when all its buffers are native. */
    private MemorySegment[] stagingBySlot = new MemorySegment[64];

    IoUringVectors(IoUringEngine engine, Arena arena) {
        this.engine = engine;
        this.arena = arena;
        this.staging = new IoUringBouncePool(arena);
    }

    /** Queues a RECVMSG into {@code buffers} (checked, non-empty in total, handle open); returns PENDING. */
    int readv(int handle, MemorySegment[] buffers, Completion completion) {
        return submit(handle, buffers, completion, IoUringOpKind.READV);
    }

    /** Queues a SENDMSG of {@code buffers} with MSG_NOSIGNAL; returns PENDING. */
    int writev(int handle, MemorySegment[] buffers, Completion completion) {
        return submit(handle, buffers, completion, IoUringOpKind.WRITEV);
    }

    private int submit(int handle, MemorySegment[] buffers, Completion completion, IoUringOpKind kind) {
        boolean write = kind == IoUringOpKind.WRITEV;
        long token = engine.begin(handle, completion, kind, null);
        engine.ops.attach(token, buffers);
        int slot = IoUringEngine.slot(token);
        ensureSlot(slot);
        long heapBytes = Iovecs.heapBytes(buffers);
        MemorySegment stage = heapBytes == 0 ? MemorySegment.NULL : staging.take(heapBytes);
        int count;
        try {
            count = Iovecs.gather(iovBySlot[slot], buffers, stage, write);
        } catch (RuntimeException e) {
            // A closed arena: nothing was queued, so the slot goes back at once.
            if (stage != MemorySegment.NULL) {
                staging.give(stage);
            }
            engine.memory.completed(slot, 0, false, null);
            engine.finish(token);
            throw e;
        }
        if (stage != MemorySegment.NULL) {
            stagingBySlot[slot] = stage;
        }
        MemorySegment msg = msgBySlot[slot];
        MsgHdr.set(msg, MemorySegment.NULL, 0, iovBySlot[slot], count);
        if (write) {
            engine.sq.prepSendMsg(handle, msg, Socket.MSG_NOSIGNAL, token);
        } else {
            engine.sq.prepRecvMsg(handle, msg, 0, token);
        }
        return Driver.PENDING;
    }

    /**
     * The CQE of a vectored operation, before its slot is released: scatters a receive's staged bytes into the
     * heap buffers and takes the staging buffer back. Returns {@code res} unchanged.
     */
    int onCqe(long token, int res) {
        int slot = IoUringEngine.slot(token);
        MemorySegment stage = stagingBySlot[slot];
        if (stage != null) {
            if (res > 0 && engine.kind(token) == IoUringOpKind.READV) {
                Iovecs.scatter(iovBySlot[slot], (MemorySegment[]) engine.ops.attachment(token), stage, res);
            }
            stagingBySlot[slot] = null;
            staging.give(stage);
        }
        return res;
    }

    /** The msghdr of the slot's vectored operation, as its SQE used it (a resend uses it again). */
    MemorySegment msghdr(int slot) {
        return msgBySlot[slot];
    }

    /** Native bytes held by staging buffers (reused; freed with the driver's arena). */
    long stagingAllocatedBytes() {
        return staging.allocatedBytes();
    }

    private void ensureSlot(int slot) {
        if (slot >= iovBySlot.length) {
            int n = Math.max(slot + 1, iovBySlot.length * 2);
            iovBySlot = Arrays.copyOf(iovBySlot, n);
            msgBySlot = Arrays.copyOf(msgBySlot, n);
            stagingBySlot = Arrays.copyOf(stagingBySlot, n);
        }
        if (iovBySlot[slot] == null) {
            MemorySegment block = arena.allocate(Iovecs.ARRAY_BYTES + MsgHdr.SIZE, 8);
            iovBySlot[slot] = block.asSlice(0, Iovecs.ARRAY_BYTES);
            msgBySlot[slot] = block.asSlice(Iovecs.ARRAY_BYTES, MsgHdr.SIZE);
        }
    }
}
