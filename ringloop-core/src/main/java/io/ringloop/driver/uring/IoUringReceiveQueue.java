package io.ringloop.driver.uring;

import io.ringloop.sys.uring.IoUringBufRing;
import java.lang.foreign.MemorySegment;

/**
 * One connection's receive state in {@link IoUringMultishotReads}: the armed multishot's token, the waiting
 * read, and the received chunks nobody has read yet, FIFO (buffer id and the unread bytes [start, end) of that
 * provided buffer), then the end of the stream or an error to report after them. Grows by doubling; loop thread
 * only.
 */
final class IoUringReceiveQueue {
    /** No token: nothing armed, or nobody waiting. */
    static final long NONE = -1L;
    /** {@link #end} while the stream is open and no error is waiting. */
    static final int OPEN = 1;

    /** Token of the armed multishot RECV, or {@link #NONE}. */
    long multishot = NONE;
    /** A cancel of the multishot is in flight (too much unread data). */
    boolean cancelling;
    /** Token of the waiting read, or {@link #NONE}. */
    long waiter = NONE;
    /** The waiting read went to the kernel alone (a single-shot RECV with its own buffer). */
    boolean waiterInKernel;
    /** The waiting read is an in-place receive: shown the head chunk, not given a copy. */
    boolean inPlace;
    /** The head chunk is shown to an in-place receive and goes back at its {@code receiveDone}. */
    boolean shown;
    /** 0 at end of stream, -errno for an error, after the queued chunks; else {@link #OPEN}. */
    int end = OPEN;
    // Queued chunks, FIFO: buffer id, and the unread bytes [start, end) of that buffer.
    int[] bids = new int[8];
    int[] starts = new int[8];
    int[] ends = new int[8];
    int head;
    int count;

    void push(int bid, int length) {
        if (count == bids.length) {
            bids = unroll(bids);
            starts = unroll(starts);
            ends = unroll(ends);
            head = 0;
        }
        int i = (head + count) % bids.length;
        bids[i] = bid;
        starts[i] = 0;
        ends[i] = length;
        count++;
    }

    /** Copies queued bytes into {@code buffer} and gives emptied buffers back to the kernel: the count. */
    int drain(IoUringBufRing ring, MemorySegment buffer, long offset, int length) {
        int done = 0;
        boolean recycled = false;
        while (count > 0 && done < length) {
            int i = head;
            int n = Math.min(ends[i] - starts[i], length - done);
            MemorySegment.copy(ring.buffer(bids[i]), starts[i], buffer, offset + done, n);
            done += n;
            starts[i] += n;
            if (starts[i] == ends[i]) {
                ring.add(poll());
                recycled = true;
            }
        }
        if (recycled) {
            ring.publish();
        }
        return done;
    }

    /** Queued bytes into {@code buffers} in order: the count. */
    int scatter(IoUringBufRing ring, MemorySegment[] buffers) {
        int done = 0;
        for (MemorySegment b : buffers) {
            int room = IoUringOpMemory.kernelLength(b);
            int n = drain(ring, b, 0, room);
            done += n;
            if (n < room) {
                break; // the queue ran out
            }
        }
        return done;
    }

    /** Removes the head chunk: its buffer id. */
    int poll() {
        int bid = bids[head];
        head = (head + 1) % bids.length;
        count--;
        return bid;
    }

    @Override
    public String toString() {
        return "IoUringReceiveQueue[multishot=" + (multishot == NONE ? "none" : IoUringEngine.tokenName(multishot))
                + (cancelling ? ", cancelling" : "") + ", waiter=" + (waiter == NONE ? "none"
                : IoUringEngine.tokenName(waiter) + (waiterInKernel ? " (in kernel)" : "")) + ", chunks=" + count
                + ", end=" + (end == OPEN ? "open" : end) + "]";
    }

    private int[] unroll(int[] a) {
        int[] n = new int[a.length * 2];
        for (int i = 0; i < count; i++) {
            n[i] = a[(head + i) % a.length];
        }
        return n;
    }
}
