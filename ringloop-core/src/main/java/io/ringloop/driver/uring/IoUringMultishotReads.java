package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.ReceiveCompletion;
import io.ringloop.sys.Errno;
import io.ringloop.sys.uring.IoUring;
import io.ringloop.sys.uring.IoUringBufRing;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Stream reads through multishot RECV (IORING_RECV_MULTISHOT, Linux 6.0) and the loop's provided-buffer
 * ring: per connection, one armed RECV keeps receiving into buffers the kernel picks, and each CQE names
 * the buffer it filled. A {@code read} call copies from the data already received and returns at once, with
 * no SQE and no system call; only a read that finds nothing waits, and it has no SQE of its own either: the
 * multishot's next CQE completes it.
 *
 * <p><b>Per connection</b> ({@link IoUringReceiveQueue}): the armed multishot's token, the received chunks
 * nobody has read yet (buffer id, start, end), the end of the stream or an error to report after them, and the
 * one read waiting. Reading is lazy: a connection's multishot is armed by its first read that has to wait.
 *
 * <p><b>Bounds.</b> Unread data holds ring buffers. When a connection has {@link #queueLimit} chunks queued
 * its multishot is cancelled (data in flight still lands and is kept), and the next read that has to wait
 * arms it again: a reader that stops reading stops receiving, as with a plain recv, and the kernel's socket
 * buffer pushes back on the sender. When the ring has no buffer left the multishot ends with ENOBUFS; a
 * waiting read then goes to the kernel alone, as a single-shot RECV into its own buffer (or a bounce buffer
 * for heap memory), so it never waits for another connection to free a buffer.
 *
 * <p><b>Cancel</b> of a waiting read completes it with -ECANCELED here (it has no SQE), while the multishot
 * stays armed and keeps whatever arrives for the next read: a cancelled read never loses data. Closing the
 * connection completes its waiting read with -ECANCELED and gives its queued buffers back.
 *
 * <p>A kernel without multishot receive answers the first one with EINVAL; then this mode switches off for
 * the driver and reads go single-shot. Loop thread only.
 */
final class IoUringMultishotReads {
    /** The loop's provided-buffer ring: its group id, its default size and the bytes of each buffer. */
    static final int GROUP = 0;
    static final int DEFAULT_COUNT = 128;
    static final int BUFFER_BYTES = 16 * 1024;

    private static final long NONE = IoUringReceiveQueue.NONE;
    private static final int OPEN = IoUringReceiveQueue.OPEN;
    /** {@link #atOnce}: bytes are queued, read them. */
    private static final int QUEUED = Integer.MIN_VALUE + 1;

    private final IoUringEngine engine;
    private final IoUringBufRing buffers;
    private final long cancelUserData;
    private IoUringReceiveQueue[] byFd = new IoUringReceiveQueue[64];
    private boolean enabled;
    private int queueLimit;
    /** Reads that found the ring empty and went to the kernel alone. */
    private long fallbacks;
    /** Multishot RECVs armed so far. */
    private long arms;

    /** {@code cancelUserData}: the user_data whose CQEs the driver drops (for ASYNC_CANCEL SQEs). */
    IoUringMultishotReads(IoUringEngine engine, IoUringBufRing buffers, int bufferCount, long cancelUserData) {
        this.engine = engine;
        this.buffers = buffers;
        this.cancelUserData = cancelUserData;
        // One connection may hold an eighth of the ring: a few slow readers cannot starve the rest.
        this.queueLimit = Math.max(2, bufferCount / 8);
    }

    /**
     * {@code count} buffers (a power of two) registered with ring {@code ringFd} as group {@link #GROUP}; null
     * if the kernel refuses (before 5.19), and then there is no multishot receive.
     */
    static IoUringBufRing registerRing(MemorySegment cs, int ringFd, Arena arena, int count) {
        try {
            return IoUringBufRing.register(cs, ringFd, arena, GROUP, count, BUFFER_BYTES);
        } catch (IOException e) {
            return null;
        }
    }

    void enabled(boolean on) {
        enabled = on;
    }

    /** Tests: chunks a connection queues before its multishot is cancelled. */
    void queueLimit(int chunks) {
        queueLimit = chunks;
    }

    long fallbacks() {
        return fallbacks;
    }

    long arms() {
        return arms;
    }

    /** Tests: whether {@code fd} has a multishot armed. */
    boolean armed(int fd) {
        IoUringReceiveQueue s = find(fd);
        return s != null && s.multishot != NONE;
    }

    /**
     * Reads into {@code length} bytes of {@code buffer} at {@code offset}: the bytes already received (or
     * the end of stream, or an error) at once, else {@link Driver#PENDING} with {@code completion} waiting.
     * One read per connection at a time: a second gets -EBUSY, as on the other backends.
     */
    int read(int fd, MemorySegment buffer, long offset, int length, Completion completion) {
        IoUringReceiveQueue s = get(fd);
        int r = atOnce(s);
        if (r == QUEUED) {
            return s.drain(buffers, buffer, offset, length);
        }
        return r != Driver.PENDING ? r : await(fd, s, completion, buffer, (offset << 32) | length, null);
    }

    /**
     * {@link Driver#receive} in place: the head chunk of what was received is shown where the kernel put it (a
     * provided buffer), at once when there is one, else when the multishot's next CQE comes. The chunk goes back
     * to the ring at {@link #receiveDone} (or at the next receive or close). If the ring runs dry the waiting
     * receive goes to the kernel alone into a bounce buffer, copied into heap {@code scratch} when its CQE is
     * reaped; {@code scratch} is shown then.
     */
    int receive(int fd, MemorySegment scratch, ReceiveCompletion completion) {
        IoUringReceiveQueue s = get(fd);
        if (s.shown) {
            release(s);
        }
        int r = atOnce(s);
        if (r == QUEUED) {
            return show(s, completion);
        }
        if (r != Driver.PENDING) {
            return r;
        }
        s.inPlace = true;
        return await(fd, s, completion, scratch, IoUringOpMemory.kernelLength(scratch), null);
    }

    /** Shows the head chunk to {@code c}: its length. */
    private int show(IoUringReceiveQueue s, ReceiveCompletion c) {
        int i = s.head;
        c.show(buffers.buffer(s.bids[i]), s.starts[i]);
        s.shown = true;
        return s.ends[i] - s.starts[i];
    }

    /** {@link Driver#receiveDone}: the chunk shown goes back to the ring. */
    void receiveDone(int fd) {
        IoUringReceiveQueue s = find(fd);
        if (s != null && s.shown) {
            release(s);
        }
    }

    private void release(IoUringReceiveQueue s) {
        s.shown = false;
        buffers.add(s.poll());
        buffers.publish();
    }

    /**
     * What a read gets without waiting: -EBUSY while another read waits, {@link #QUEUED} when bytes are
     * queued, the end of stream or an error after them, else {@link Driver#PENDING} (it must wait).
     */
    private static int atOnce(IoUringReceiveQueue s) {
        if (s.waiter != NONE) {
            return -Errno.EBUSY;
        }
        if (s.count > 0) {
            return QUEUED;
        }
        int r = s.end;
        if (r == OPEN) {
            return Driver.PENDING;
        }
        if (r < 0) {
            s.end = OPEN; // an error is reported once; the end of stream stays
        }
        return r;
    }

    /**
     * Makes {@code completion} the stream's waiting read, into {@code buffer} at {@code offset << 32 | length}
     * (and scattered over {@code buffers} when not null), and gets data coming: PENDING.
     */
    private int await(int fd, IoUringReceiveQueue s, Completion completion, MemorySegment buffer, long span,
                      MemorySegment[] buffers) {
        long token = engine.begin(fd, completion, IoUringOpKind.RECV_WAITER, buffer);
        engine.ops.setArg(token, span);
        if (buffers != null) {
            engine.ops.attach(token, buffers);
        }
        s.waiter = token;
        if (s.multishot == NONE) {
            receive(fd, s);
        }
        return Driver.PENDING;
    }

    /** The waiting read needs data and no multishot is armed: arms one, or (switched off) reads alone. */
    private void receive(int fd, IoUringReceiveQueue s) {
        if (enabled) {
            arm(fd, s);
        } else {
            alone(fd, s);
        }
    }

    /**
     * {@link #read} scattering into {@code buffers} (at least one byte of room in all). A waiting scatter
     * read is filled across all its buffers when data arrives; if it has to go to the kernel alone (the ring
     * ran dry) it reads into its first non-empty buffer only, a short read as readv(2) may return.
     */
    int readv(int fd, MemorySegment[] buffers, Completion completion) {
        IoUringReceiveQueue s = get(fd);
        int r = atOnce(s);
        if (r == QUEUED) {
            return s.scatter(this.buffers, buffers);
        }
        if (r != Driver.PENDING) {
            return r;
        }
        MemorySegment first = null;
        for (int i = 0; first == null; i++) {
            first = buffers[i].byteSize() > 0 ? buffers[i] : null;
        }
        return await(fd, s, completion, first, IoUringOpMemory.kernelLength(first), buffers);
    }

    private void arm(int fd, IoUringReceiveQueue s) {
        long token = engine.begin(fd, null, IoUringOpKind.MULTISHOT_RECV, null);
        engine.sq.prepRecvMultishot(fd, buffers.groupId(), 0, token);
        s.multishot = token;
        s.cancelling = false;
        arms++;
    }

    /** A CQE of a multishot RECV; returns whether a completion ran. */
    boolean onCqe(long token, int res, int cqeFlags, boolean closing) {
        int fd = engine.ops.handle(token);
        IoUringReceiveQueue s = find(fd);
        boolean current = s != null && s.multishot == token;
        if ((cqeFlags & IoUring.CQE_F_MORE) == 0) {
            engine.finish(token); // this multishot is over
            if (current) {
                s.multishot = NONE;
                s.cancelling = false;
            }
        }
        int bid = (cqeFlags & IoUring.CQE_F_BUFFER) != 0 ? cqeFlags >>> IoUring.CQE_BUFFER_SHIFT : -1;
        if (!current || closing || !engine.fds.isOpen(fd)) {
            if (bid >= 0) {
                buffers.recycle(bid); // received for a connection that is gone: nobody can read it
            }
            return false;
        }
        boolean ran = false;
        if (res > 0) {
            s.push(bid, res);
            if (s.waiter != NONE && !s.waiterInKernel) {
                ran = s.inPlace ? completeShown(s) : complete(s, drainInto(s));
            } else if (s.count >= queueLimit && s.multishot != NONE && !s.cancelling) {
                s.cancelling = true;
                engine.ensureSqSpace();
                engine.sq.prepCancel(s.multishot, 0, cancelUserData);
            }
        } else {
            if (bid >= 0) {
                buffers.recycle(bid);
            }
            ran = ended(fd, s, res);
        }
        // A completion may have closed the connection or read again: look afresh before re-arming.
        if (find(fd) == s && engine.fds.isOpen(fd) && s.multishot == NONE && s.waiter != NONE
                && !s.waiterInKernel && s.end == OPEN) {
            receive(fd, s);
        }
        return ran;
    }

    /** The multishot ended with {@code res} (0 or -errno): returns whether a completion ran. */
    private boolean ended(int fd, IoUringReceiveQueue s, int res) {
        if (res == -Errno.ECANCELED) {
            return false; // our own cancel: too much unread data, or the waiter's connection is closing
        }
        if (res == -Errno.ENOBUFS || res == -Errno.EINVAL) {
            if (res == -Errno.EINVAL) {
                enabled = false; // no multishot receive in this kernel: every read goes single-shot
            }
            if (s.waiter != NONE && !s.waiterInKernel) {
                alone(fd, s);
            }
            return false;
        }
        s.end = res;
        if (s.waiter != NONE && !s.waiterInKernel && s.count == 0) {
            if (res < 0) {
                s.end = OPEN;
            }
            return complete(s, res);
        }
        return false;
    }

    /** Queued bytes into the waiting read's buffer: the count. */
    private int drainInto(IoUringReceiveQueue s) {
        if (engine.ops.attachment(s.waiter) instanceof MemorySegment[] buffers) {
            return s.scatter(this.buffers, buffers);
        }
        long arg = engine.ops.arg(s.waiter);
        return s.drain(buffers, engine.ops.buffer(s.waiter), arg >>> 32, (int) arg);
    }

    /** Completes the waiting in-place receive with the head chunk, shown where it is. */
    private boolean completeShown(IoUringReceiveQueue s) {
        long w = s.waiter;
        s.waiter = NONE;
        s.inPlace = false;
        engine.memory.completed(IoUringEngine.slot(w), 0, false, null);
        int i = s.head;
        int n = s.ends[i] - s.starts[i];
        Completion c = engine.finish(w, n);
        if (c instanceof ReceiveCompletion rc) {
            rc.show(buffers.buffer(s.bids[i]), s.starts[i]);
            s.shown = true;
            rc.complete(n);
            return true;
        }
        return false;
    }

    /** Completes the waiting read with {@code res}. */
    private boolean complete(IoUringReceiveQueue s, int res) {
        long w = s.waiter;
        s.waiter = NONE;
        s.inPlace = false;
        engine.memory.completed(IoUringEngine.slot(w), 0, false, null);
        Completion c = engine.finish(w, res);
        if (c != null) {
            c.complete(res);
            return true;
        }
        return false;
    }

    /** The ring ran dry: the waiting read goes to the kernel alone, same token, with its own memory. */
    private void alone(int fd, IoUringReceiveQueue s) {
        fallbacks++;
        long w = s.waiter;
        s.waiterInKernel = true;
        MemorySegment buffer = engine.ops.buffer(w);
        long arg = engine.ops.arg(w);
        engine.ensureSqSpace();
        if (buffer.isNative()) {
            engine.sq.prepRecv(fd, buffer, arg >>> 32, (int) arg, 0, w);
        } else {
            MemorySegment target = engine.memory.kernelBuffer(IoUringEngine.slot(w), buffer, false);
            engine.sq.prepRecv(fd, target, IoUringOpMemory.kernelLength(buffer), 0, w);
        }
    }

    /** The CQE of a read that went to the kernel alone; returns whether a completion ran. */
    boolean onWaiterCqe(long token, int res) {
        IoUringReceiveQueue s = find(engine.ops.handle(token));
        if (s != null && s.waiter == token) {
            s.waiter = NONE;
            s.waiterInKernel = false;
            s.inPlace = false;
        }
        MemorySegment buffer = engine.ops.buffer(token);
        engine.memory.completed(IoUringEngine.slot(token), res, true, buffer);
        Completion c = engine.finish(token, res);
        if (c instanceof ReceiveCompletion rc) {
            rc.show(buffer, 0); // copied out of the bounce buffer into the receive's scratch just now
        }
        if (c != null) {
            c.complete(res);
            return true;
        }
        return false;
    }

    /**
     * Cancels a waiting read. One with no SQE completes here with -ECANCELED, and the multishot keeps
     * receiving for the next read; one in the kernel alone is cancelled there.
     */
    void cancelWaiter(long token) {
        IoUringReceiveQueue s = find(engine.ops.handle(token));
        if (s != null && s.waiter == token && s.waiterInKernel) {
            if (engine.memory.markCancelled(IoUringEngine.slot(token))) {
                engine.ensureSqSpace();
                engine.sq.prepCancel(token, 0, cancelUserData);
            }
            return;
        }
        if (s != null && s.waiter == token) {
            complete(s, -Errno.ECANCELED);
        }
    }

    /** Whether {@code fd}'s reads come here: multishot is on, or the connection still has state here. */
    boolean serves(int fd) {
        return enabled || busy(fd);
    }

    /**
     * Whether {@code fd} holds received data, its end, a waiting read or an armed multishot (then it cannot
     * move to another loop, and its reads must come here even when multishot was switched off).
     */
    boolean busy(int fd) {
        IoUringReceiveQueue s = find(fd);
        return s != null && (s.count > 0 || s.waiter != NONE || s.multishot != NONE || s.end != OPEN);
    }

    /**
     * Connection {@code fd} is closing (already marked closed): its waiting read completes with -ECANCELED
     * unless it is in the kernel (then the fd's cancel reaches it), its queued buffers go back to the ring.
     * Its multishot is cancelled with the fd's other operations, and its last CQE finds no state here.
     */
    void close(int fd) {
        IoUringReceiveQueue s = find(fd);
        if (s == null) {
            return;
        }
        if (s.waiter != NONE && !s.waiterInKernel) {
            complete(s, -Errno.ECANCELED);
        }
        byFd[fd] = null;
        s.shown = false;
        while (s.count > 0) {
            buffers.add(s.poll());
        }
        buffers.publish();
    }

    /** {@link #close} for every connection, at driver close. */
    void closeAll() {
        for (int fd = 0; fd < byFd.length; fd++) {
            close(fd);
        }
    }

    /** Forgets an idle connection that moves to another loop (the caller checked it is not {@link #busy}). */
    void forget(int fd) {
        if (fd < byFd.length) {
            byFd[fd] = null;
        }
    }

    private IoUringReceiveQueue get(int fd) {
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        IoUringReceiveQueue s = byFd[fd];
        if (s == null) {
            s = new IoUringReceiveQueue();
            byFd[fd] = s;
        }
        return s;
    }

    private IoUringReceiveQueue find(int fd) {
        return fd >= 0 && fd < byFd.length ? byFd[fd] : null;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("IoUringMultishotReads[enabled=").append(enabled).append(", arms=")
                .append(arms).append(", fallbacks=").append(fallbacks);
        for (int fd = 0; fd < byFd.length; fd++) {
            if (byFd[fd] != null) {
                b.append(", fd ").append(fd).append(": ").append(byFd[fd]);
            }
        }
        return b.append(']').toString();
    }
}
