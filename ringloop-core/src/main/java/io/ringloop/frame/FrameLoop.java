package io.ringloop.frame;

import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;

/**
 * What the framing connections of one loop share: the receive scratch (the loop-owned memory the readiness
 * backends, and io_uring without multishot receive, read into and show in place), the pool of accumulators and
 * output chunks, and the dirty list flushed once per loop turn. Loop thread only, except the constructor.
 *
 * <p><b>Pool.</b> Heap arrays in power-of-two size classes from {@link #MIN_CLASS} to {@link #MAX_CLASS}; at most
 * {@link #KEEP_PER_CLASS} free arrays of a class are kept, the rest are left to the collector. Larger arrays
 * (frames up to {@code maxFrame}) are not pooled. An empty accumulator goes back at once, so an idle connection
 * holds none.
 *
 * <p><b>Coalescing.</b> A send makes no system call: it puts the connection on the dirty list, and one runnable
 * queued on the loop flushes every dirty connection in the next run of the loop's queue, which comes before the
 * loop's next poll. So everything queued while one poll's completions ran leaves in one gathered send per
 * connection, and on io_uring its SQE goes out in the {@code io_uring_enter} that waits.
 */
final class FrameLoop {
    /** The receive scratch: what one readiness read or polled recv(2) may return. */
    static final int SCRATCH_BYTES = 64 * 1024;
    static final int MIN_CLASS = 512;
    static final int MAX_CLASS = 64 * 1024;
    static final int CHUNK_BYTES = 16 * 1024;
    private static final int CLASSES = Integer.numberOfTrailingZeros(MAX_CLASS / MIN_CLASS) + 1;
    private static final int KEEP_PER_CLASS = 64;

    final Loop loop;
    final Driver driver;
    private final byte[] scratchArray = new byte[SCRATCH_BYTES];
    final MemorySegment scratch = MemorySegment.ofArray(scratchArray);
    /** TLS: the scratch as a buffer, and each provided buffer of the ring seen so far as one. */
    private ByteBuffer scratchBuffer;
    private final IdentityHashMap<MemorySegment, ByteBuffer> ringBuffers = new IdentityHashMap<>();
    private static final int MAX_RING_VIEWS = 8192;
    /** TLS: the plaintext scratch records are decrypted into and shown from (made by the first TLS server). */
    private byte[] plainArray;
    private ByteBuffer plainBuffer;
    private MemorySegment plainSegment;
    final FrameOptions options;
    private final byte[][][] free = new byte[CLASSES][KEEP_PER_CLASS][];
    private final int[] freeCount = new int[CLASSES];
    private final ArrayDeque<FrameConnection> dirty = new ArrayDeque<>();
    private boolean flushQueued;
    private final Runnable flusher = this::flush;
    /** Connections open on this loop; loop thread only. */
    int open;

    FrameLoop(Loop loop, FrameOptions options) {
        this.loop = loop;
        this.driver = loop.driver();
        this.options = options;
    }

    /** An array of at least {@code bytes}: a pooled one of its size class, or a new one past the largest class. */
    byte[] take(int bytes) {
        if (bytes > MAX_CLASS) {
            return new byte[bytes];
        }
        int c = sizeClass(bytes);
        int n = freeCount[c];
        if (n > 0) {
            freeCount[c] = n - 1;
            byte[] a = free[c][n - 1];
            free[c][n - 1] = null;
            return a;
        }
        return new byte[MIN_CLASS << c];
    }

    /** Gives an array from {@link #take} back. */
    void give(byte[] a) {
        int len = a.length;
        if (len > MAX_CLASS || len < MIN_CLASS || Integer.bitCount(len) != 1) {
            return;
        }
        int c = sizeClass(len);
        int n = freeCount[c];
        if (n < KEEP_PER_CLASS) {
            free[c][n] = a;
            freeCount[c] = n + 1;
        }
    }

    private static int sizeClass(int bytes) {
        int b = Math.max(bytes, MIN_CLASS);
        int pow = 32 - Integer.numberOfLeadingZeros(b - 1); // ceil(log2(b))
        return pow - Integer.numberOfTrailingZeros(MIN_CLASS);
    }

    /**
     * TLS: {@code [off, off+n)} of the loop's receive memory as a buffer, for the engine. The scratch and each
     * provided buffer of the ring (a fixed set) keep one buffer each, so a receive allocates none.
     */
    ByteBuffer view(MemorySegment mem, long off, int n) {
        ByteBuffer b;
        if (mem == scratch) {
            if (scratchBuffer == null) {
                scratchBuffer = ByteBuffer.wrap(scratchArray);
            }
            b = scratchBuffer;
        } else {
            b = ringBuffers.get(mem);
            if (b == null) {
                if (ringBuffers.size() >= MAX_RING_VIEWS || mem.byteSize() > Integer.MAX_VALUE) {
                    return mem.asSlice(off, n).asByteBuffer();
                }
                b = mem.asByteBuffer();
                ringBuffers.put(mem, b);
            }
        }
        return b.limit((int) off + n).position((int) off);
    }

    /**
     * TLS: the plaintext scratch, cleared: records are decrypted into it and shown to the parser from it, and
     * what the parser leaves is copied out before the next connection's turn, so the loop's connections share it.
     */
    ByteBuffer plain() {
        if (plainArray == null) {
            plainArray = new byte[SCRATCH_BYTES];
            plainBuffer = ByteBuffer.wrap(plainArray);
            plainSegment = MemorySegment.ofArray(plainArray);
        }
        return plainBuffer.clear();
    }

    /** The plaintext scratch as memory (after {@link #plain}). */
    MemorySegment plainSegment() {
        return plainSegment;
    }

    /** Queues {@code c} for the next flush. */
    void dirty(FrameConnection c) {
        dirty.add(c);
        if (!flushQueued) {
            flushQueued = true;
            loop.executeLocal(flusher);
        }
    }

    /**
     * Starts one send on every dirty connection that has none in flight and has not sent this turn; one that
     * has sent this turn (a send finished at once and more was queued after) waits for the loop's next poll.
     */
    private void flush() {
        flushQueued = false;
        long turn = loop.turns();
        ArrayDeque<FrameConnection> d = dirty;
        int n = d.size();
        for (int i = 0; i < n; i++) {
            FrameConnection c = d.poll();
            c.out.flushQueued = false;
            if (!c.out.flush(turn)) {
                c.out.flushQueued = true;
                d.add(c);
            }
        }
        if (!d.isEmpty() && !flushQueued) {
            flushQueued = true;
            loop.runQueue().addAfterPoll(flusher);
        }
    }
}
