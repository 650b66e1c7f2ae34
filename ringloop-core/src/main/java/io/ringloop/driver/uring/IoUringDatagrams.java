package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.DatagramBatch;
import io.ringloop.driver.Driver;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.Socket;
import java.lang.foreign.MemorySegment;

/**
 * Datagram operations beyond receiveFrom/sendTo: a receive that reports truncation, and many datagrams per system
 * call. Loop thread only.
 *
 * <ul>
 *   <li>{@link #receiveDatagram}: one RECVMSG with MSG_TRUNC in its {@code msg_flags}, so the CQE's result is the
 *       datagram's full length; only the buffer's bytes are copied out of a bounce buffer.</li>
 *   <li>{@link #receiveBatch}/{@link #sendBatch}: io_uring has no recvmmsg/sendmmsg opcode. One SQE per datagram
 *       would need an SQE, a CQE and a slot each, and N armed RECVMSGs would each wait for a datagram of its own
 *       (the batch would end only when N had come, or by cancelling the rest). Instead the batch tries a direct
 *       non-blocking recvmmsg(2)/sendmmsg(2) on the batch's native memory (what is queued now, in one system call
 *       and no SQE); only when nothing can move does the ring wait for readiness (one-shot POLL_ADD) and the call
 *       is made again at the CQE, as {@link IoUringPolledReads} does for heap reads. A readiness that finds
 *       nothing (a spurious wake) polls again under the same token. The batch's memory is never lent to the
 *       kernel across a submission: a cancel needs no care for it.</li>
 * </ul>
 */
final class IoUringDatagrams {
    private final IoUringEngine engine;
    private final MemorySegment cs;

    IoUringDatagrams(IoUringEngine engine, MemorySegment cs) {
        this.engine = engine;
        this.cs = cs;
    }

    int receiveDatagram(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        long token = engine.begin(handle, completion, IoUringOpKind.RECVMSG_TRUNC, buffer);
        int slot = IoUringEngine.slot(token);
        MemorySegment target = engine.memory.kernelBuffer(slot, buffer, false);
        MemorySegment msg = engine.memory.msghdr(slot, senderAddress, SockAddr.MAX_SIZE, target, buffer);
        engine.sq.prepRecvMsg(handle, msg, Socket.MSG_TRUNC, token);
        return Driver.PENDING;
    }

    int receiveBatch(int handle, DatagramBatch batch, int max, Completion completion) {
        int n = Math.max(1, Math.min(max, batch.capacity()));
        int r = batch.recvmmsg(cs, handle, n);
        return r != -Errno.EAGAIN ? r : poll(handle, IoUringOpKind.BATCH_RECV, batch, n, completion);
    }

    int sendBatch(int handle, DatagramBatch batch, int from, int count, Completion completion) {
        int r = batch.sendmmsg(cs, handle, from, count);
        long arg = ((long) from << 32) | count;
        return r != -Errno.EAGAIN ? r : poll(handle, IoUringOpKind.BATCH_SEND, batch, arg, completion);
    }

    private int poll(int handle, IoUringOpKind kind, DatagramBatch batch, long arg, Completion completion) {
        long token = engine.begin(handle, completion, kind, null);
        engine.ops.attach(token, batch);
        engine.ops.setArg(token, arg);
        engine.sq.prepPollAdd(handle, kind == IoUringOpKind.BATCH_RECV ? Driver.POLLIN : Driver.POLLOUT, token);
        return Driver.PENDING;
    }

    /**
     * A batch's POLL_ADD CQE: the batch call's result, or {@link Driver#PENDING} when it polls again
     * ({@code serving} false: cancelled or closing, so -ECANCELED unless the call moved datagrams).
     */
    int onCqe(long token, int res, boolean serving) {
        if (res < 0) {
            return res; // -ECANCELED from a cancel or a linked timeout
        }
        IoUringOpKind kind = engine.kind(token);
        DatagramBatch batch = (DatagramBatch) engine.ops.attachment(token);
        int handle = engine.ops.handle(token);
        long arg = engine.ops.arg(token);
        int r;
        try {
            r = kind == IoUringOpKind.BATCH_RECV ? batch.recvmmsg(cs, handle, (int) arg)
                    : batch.sendmmsg(cs, handle, (int) (arg >>> 32), (int) arg);
        } catch (IllegalStateException e) {
            r = -Errno.EFAULT; // the batch was closed under its operation
        }
        if (r != -Errno.EAGAIN) {
            return r;
        }
        if (!serving || engine.memory.isCancelled(IoUringEngine.slot(token))) {
            return -Errno.ECANCELED;
        }
        engine.ensureSqRoom(2);
        engine.sq.prepPollAdd(handle, kind == IoUringOpKind.BATCH_RECV ? Driver.POLLIN : Driver.POLLOUT, token);
        engine.relinkDeadline(token, IoUringEngine.TIMEOUT_TOKEN);
        return Driver.PENDING;
    }
}
