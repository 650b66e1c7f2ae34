package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.sys.uring.IoUring;
import io.ringloop.sys.Socket;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Zero-copy writes (IORING_OP_SEND_ZC, Linux 6.0) for large native buffers, when enabled. The kernel sends
 * from the caller's pages instead of copying them, and so answers twice: first the send's result (with
 * IORING_CQE_F_MORE when a notification follows), then, once the network stack has let go of the pages, a
 * notification (IORING_CQE_F_NOTIF). The caller may reuse the buffer only then, so the completion runs at
 * the notification, with the first CQE's result, kept here meanwhile. The notification can take as long as
 * the peer takes to read (over loopback the pages sit in its receive queue), so closing the fd does not
 * wait for it: the write completes then with its result, its slot is released, and the late notification
 * finds a stale token. (The driver never lends its own memory to a zero-copy send, so nothing of ours is
 * freed under the kernel; the caller's buffer should not be rewritten while its connection is closing.)
 * Pays only on real network devices. Loop thread only.
 */
final class IoUringZeroCopySends {
    private final IoUringEngine engine;
    /** Writes of at least this many bytes go zero-copy; 0: none. */
    private long minBytes;
    /** By slot: the send's result while its notification is outstanding. */
    private int[] resultBySlot = new int[64];
    /** Tokens whose send has completed and whose notification is outstanding. */
    private long[] awaiting = new long[16];
    private int awaitingCount;

    /** Off until {@link #minBytes(long)}. */
    IoUringZeroCopySends(IoUringEngine engine) {
        this.engine = engine;
    }

    /** Native writes of at least {@code bytes} go zero-copy from now on; 0 or less: none. */
    void minBytes(long bytes) {
        minBytes = Math.max(0, bytes);
    }

    boolean eligible(MemorySegment buffer) {
        return minBytes > 0 && buffer.isNative() && buffer.byteSize() >= minBytes;
    }

    void write(int handle, MemorySegment buffer, Completion completion) {
        long token = engine.begin(handle, completion, IoUringOpKind.SEND_ZC, buffer);
        int len = (int) Math.min(buffer.byteSize(), Integer.MAX_VALUE);
        engine.sq.prepSendZc(handle, buffer, len, Socket.MSG_NOSIGNAL, token);
    }

    /**
     * The result to deliver now, or {@link Driver#PENDING} while the notification is still to come. When
     * not {@code serving} (the fd or the driver is closing) the send's result is delivered without waiting.
     */
    int onCqe(long token, int res, int cqeFlags, boolean serving) {
        int slot = IoUringEngine.slot(token);
        if ((cqeFlags & IoUring.CQE_F_NOTIF) != 0) {
            forget(token);
            return resultBySlot[slot]; // the pages are free: now the caller may have its buffer back
        }
        if ((cqeFlags & IoUring.CQE_F_MORE) != 0 && serving) {
            if (slot >= resultBySlot.length) {
                resultBySlot = Arrays.copyOf(resultBySlot, Math.max(slot + 1, resultBySlot.length * 2));
            }
            resultBySlot[slot] = res;
            if (awaitingCount == awaiting.length) {
                awaiting = Arrays.copyOf(awaiting, awaitingCount * 2);
            }
            awaiting[awaitingCount++] = token;
            return Driver.PENDING;
        }
        return res; // no notification follows (the send failed before touching the pages)
    }

    /**
     * Completes, with their send's result, the writes on {@code fd} (every fd when negative) that only wait
     * for their notification, and releases their slots; called when the fd or the driver closes.
     */
    void releaseAwaiting(int fd) {
        for (int i = awaitingCount - 1; i >= 0; i--) {
            long token = awaiting[i];
            if (fd < 0 || engine.ops.handle(token) == fd) {
                awaiting[i] = awaiting[--awaitingCount];
                int res = resultBySlot[IoUringEngine.slot(token)];
                engine.memory.completed(IoUringEngine.slot(token), res, false, null);
                Completion c = engine.finish(token, res);
                if (c != null) {
                    c.complete(res);
                }
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("IoUringZeroCopySends[minBytes=").append(minBytes).append(", awaiting=[");
        for (int i = 0; i < awaitingCount; i++) {
            b.append(i == 0 ? "" : ", ").append(IoUringEngine.tokenName(awaiting[i]));
        }
        return b.append("]]").toString();
    }

    private void forget(long token) {
        for (int i = 0; i < awaitingCount; i++) {
            if (awaiting[i] == token) {
                awaiting[i] = awaiting[--awaitingCount];
                return;
            }
        }
    }
}
