package io.ringloop.driver;

import io.ringloop.sys.Errno;
import io.ringloop.sys.IoUring;
import io.ringloop.sys.IoUringBufRing;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Heap reads through a provided-buffer ring: the RECV carries no buffer, the kernel picks one from the ring
 * when data arrives, and the CQE names it; the bytes are copied into the caller's heap segment and the
 * buffer goes straight back to the ring. So a read that waits (an idle connection) holds no native memory,
 * unlike a bounce buffer. When every buffer is taken the RECV fails with ENOBUFS, having read nothing, and
 * is submitted again, same token, through a bounce buffer. Loop thread only.
 */
final class IoUringProvidedReads {
    /** Op-table kind of such a read. */
    static final int KIND = 9;
    static final int GROUP = 0;
    static final int DEFAULT_COUNT = 128;
    static final int BUFFER_BYTES = 16 * 1024;

    private final IoUringEngine engine;
    private final IoUringBufRing buffers;
    /** user_data of the driver's LINK_TIMEOUT SQEs. */
    private final long timeoutUserData;
    private long fallbacks;

    IoUringProvidedReads(IoUringEngine engine, IoUringBufRing buffers, long timeoutUserData) {
        this.engine = engine;
        this.buffers = buffers;
        this.timeoutUserData = timeoutUserData;
    }

    /**
     * {@code count} buffers (a power of two) registered with ring {@code ringFd} as group {@link #GROUP}; null
     * if the kernel refuses (before 5.19), and then bounce buffers serve heap reads.
     */
    static IoUringBufRing registerRing(MemorySegment cs, int ringFd, Arena arena, int count) {
        try {
            return IoUringBufRing.register(cs, ringFd, arena, GROUP, count, BUFFER_BYTES);
        } catch (IOException e) {
            return null;
        }
    }

    /** Queues a read of up to {@value #BUFFER_BYTES} bytes into heap {@code buffer}. */
    void read(int handle, MemorySegment buffer, Completion completion) {
        long token = engine.begin(handle, completion, KIND, buffer);
        int len = (int) Math.min(buffer.byteSize(), BUFFER_BYTES);
        engine.ring.prepareBufferSelect(IoUring.OP_RECV, handle, len, 0, GROUP, token);
    }

    /**
     * A CQE of such a read: copies the data out and recycles the buffer. Returns the result to deliver, or
     * {@link Driver#PENDING} when the read went again through a bounce buffer ({@code serving} false: it
     * was cancelled or its fd is closing, so -ECANCELED is delivered instead; nothing was read).
     */
    int onCqe(long token, int res, int cqeFlags, boolean serving) {
        if (res == -Errno.ENOBUFS) {
            if (!serving || engine.memory.isCancelled(IoUringEngine.slot(token))) {
                return -Errno.ECANCELED;
            }
            fallbacks++;
            engine.ensureSqRoom(2); // the RECV and, if it has a deadline, its timeout go in together
            MemorySegment buffer = engine.ops.buffer(token);
            MemorySegment target = engine.memory.kernelBuffer(IoUringEngine.slot(token), buffer, false);
            engine.ring.prepare(IoUring.OP_RECV, engine.ops.handle(token), target,
                    IoUringOpMemory.kernelLength(buffer), 0, 0, 0, token);
            engine.relinkDeadline(token, timeoutUserData);
            return Driver.PENDING;
        }
        if ((cqeFlags & IoUring.CQE_F_BUFFER) != 0) {
            int bid = cqeFlags >>> IoUring.CQE_BUFFER_SHIFT;
            if (res > 0) {
                MemorySegment.copy(buffers.buffer(bid), 0, engine.ops.buffer(token), 0, res);
            }
            buffers.recycle(bid);
        }
        return res;
    }

    /** Reads that found every buffer taken and went through a bounce buffer. */
    long fallbacks() {
        return fallbacks;
    }
}
