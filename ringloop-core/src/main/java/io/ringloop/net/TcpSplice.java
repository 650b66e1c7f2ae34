package io.ringloop.net;

import io.ringloop.driver.Driver;
import io.ringloop.error.SyscallException;
import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.Errno;
import java.io.IOException;

/**
 * One direction of a {@link StreamCopy} through the kernel: {@code src} socket → pipe → {@code dst} socket with
 * {@link Driver#splice}, the bytes never in user memory. A splice into the pipe is a read of {@code src} (its
 * read waiter, its one-reader rule), a splice out of it a write of {@code dst}; the pipe is emptied before the
 * next splice in, so the driver only ever waits for a socket. Both streams live on one loop, whose driver owns
 * the pipe.
 */
final class TcpSplice {
    private final TcpStream src;
    private final TcpStream dst;
    private final Loop loop;
    private final int[] ends = new int[2];
    private int capacity;

    TcpSplice(TcpStream src, TcpStream dst) {
        this.src = src;
        this.dst = dst;
        this.loop = Loop.of(src.loop());
    }

    /** True when {@code a} and {@code b} can be spliced: TCP streams on one loop whose driver has pipes. */
    static boolean possible(ByteStream a, ByteStream b) {
        return a instanceof TcpStream ta && b instanceof TcpStream tb && ta.loop() == tb.loop()
                && Loop.of(ta.loop()).driver().supportsSplice();
    }

    /** Why {@code a} and {@code b} cannot be spliced, for an exception's message. */
    static String whyNot(ByteStream a, ByteStream b) {
        if (!(a instanceof TcpStream ta) || !(b instanceof TcpStream tb)) {
            return "both streams must be TcpStreams (splice moves bytes between sockets), not "
                    + a.getClass().getSimpleName() + " and " + b.getClass().getSimpleName();
        }
        if (ta.loop() != tb.loop()) {
            return "both streams must live on one loop (" + ta.loop().name() + ", " + tb.loop().name() + ")";
        }
        return Loop.of(ta.loop()).driver().name() + ": splice (bytes can only move through user memory)";
    }

    /**
     * Copies until {@code src}'s end of stream, then shuts {@code dst}'s output; {@code counted} gets each
     * chunk written. Closes its pipe on every path.
     */
    void run(int capacityBytes, StreamCopy.Counter counted) throws IOException {
        capacity = LoopCall.check(loop, "pipe(" + capacityBytes + " bytes)", d -> d.pipe(ends, capacityBytes));
        try {
            while (!counted.stopping()) {
                int n = splice(src, true, ends[1], capacity);
                if (n == 0) {
                    dst.shutdownOutput();
                    return;
                }
                while (n > 0) {
                    int m = splice(dst, false, ends[0], n);
                    counted.add(m);
                    n -= m;
                }
            }
        } finally {
            // A cancelled direction gets here interrupted; off the loop's carrier the close is posted and waited
            // for, which an interrupt would cut short and leak the pipe. Closed first, the interrupt kept.
            boolean interrupted = Thread.interrupted();
            try {
                LoopCall.call(loop, d -> d.close(ends[0]) + d.close(ends[1]));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** One splice from pipe read end {@code pipe} into {@code dst} (a file's bytes: {@code AsyncFile.transferTo}). */
    static int spliceOut(TcpStream dst, int pipe, int length) throws IOException {
        return splice(dst, false, pipe, length);
    }

    /** One splice of {@code s}'s socket from ({@code in}) or to the pipe end: the count, 0 at end of input. */
    private static int splice(TcpStream s, boolean in, int pipe, int length) throws IOException {
        try {
            return TcpOp.run(s, in ? TcpOp.SPLICE_IN : TcpOp.SPLICE_OUT, null, pipe, length, null);
        } catch (SyscallException e) {
            if (!in || e.errno() != Errno.EBUSY) {
                throw e;
            }
            throw Errno.exception("splice(in)(fd=" + s.handle + "): io_uring's multishot receive owns this socket's "
                    + "reads (bytes it took would be overtaken); copy through memory", -Errno.EBUSY);
        }
    }
}
