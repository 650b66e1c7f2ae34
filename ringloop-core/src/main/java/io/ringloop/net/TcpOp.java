package io.ringloop.net;

import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.sys.Errno;
import io.ringloop.task.internal.IoWaiter;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * One blocking-style driver operation of a {@link TcpStream} in one direction, waited for: a read or write, a
 * readv or writev ({@link TcpVectors}), a splice to or from a pipe ({@link TcpSplice}). Every such operation goes
 * through {@link #run}, so each gets the same treatment: the one-caller-per-direction guard, a server's deadlines
 * ({@link ServerConnection}: stamped only when the operation must wait), the read timeout, and one mapping of a
 * failure to an exception (a close while it waited is an {@code AsynchronousCloseException}).
 *
 * <p>On the loop's carrier the driver is called directly and nothing is allocated; from elsewhere the call is
 * posted to the loop ({@link IoWaiter#run}).
 */
final class TcpOp {
    static final int READ = 0;
    static final int WRITE = 1;
    static final int READV = 2;
    static final int WRITEV = 3;
    /** From the socket into a pipe: a read of the stream. */
    static final int SPLICE_IN = 4;
    /** From a pipe into the socket: a write of the stream. */
    static final int SPLICE_OUT = 5;

    private static final String[] CALLS = {"read", "write", "readv", "writev", "splice(in)", "splice(out)"};

    private TcpOp() {
    }

    /**
     * Runs operation {@code kind} on {@code s} and waits for it: the count (0 at end of stream; the caller turns
     * that into -1 where it must). {@code seg[off, off+len)} is a read/write's buffer; {@code segs} a
     * readv/writev's segments; a splice's pipe end is {@code off} and its length {@code len}.
     */
    static int run(TcpStream s, int kind, MemorySegment seg, long off, int len, MemorySegment[] segs)
            throws IOException {
        boolean read = (kind & 1) == 0;
        String call = CALLS[kind];
        s.ensureOpen(call);
        IoWaiter w = s.waiter(read);
        long timeoutNs = kind == READ ? s.readTimeoutNs : 0;
        ServerConnection sc = s.serverConnection();
        int r;
        s.directions.enter(read, call);
        try {
            if (LoopContext.onCarrier(s.loop)) {
                r = submit(s, kind, seg, off, len, segs, w);
                if (r == Driver.PENDING && sc != null) {
                    sc.pending(read);
                }
                r = w.finish(r, call, timeoutNs);
            } else {
                if (sc != null) {
                    sc.pendingFromAfar(read);
                }
                r = w.run(() -> submit(s, kind, seg, off, len, segs, w), call, timeoutNs);
            }
        } finally {
            s.directions.exit(read);
        }
        if (r >= 0) {
            return r;
        }
        if (sc != null) {
            sc.throwIfExpired(read, call, r);
        }
        if (r == -Errno.ETIMEDOUT && timeoutNs > 0) {
            throw new SocketTimeoutException(call + "(fd=" + s.handle + "): no data within "
                    + Duration.ofNanos(timeoutNs).toMillis() + " ms");
        }
        throw failure(s, call, r);
    }

    private static int submit(TcpStream s, int kind, MemorySegment seg, long off, int len, MemorySegment[] segs,
                              IoWaiter w) {
        Driver d = s.driver;
        int fd = s.handle;
        return switch (kind) {
            case READ -> d.read(fd, seg, off, len, w);
            case WRITE -> d.write(fd, seg, off, len, w);
            case READV -> d.readv(fd, segs, w);
            case WRITEV -> d.writev(fd, segs, w);
            case SPLICE_IN -> d.splice(fd, (int) off, len, w);
            case SPLICE_OUT -> d.splice((int) off, fd, len, w);
            default -> throw new IllegalArgumentException("TcpOp kind " + kind);
        };
    }

    /**
     * A native buffer the loop thread cannot reach is refused here, not left to the driver: off the carrier the
     * driver call runs on the loop thread.
     */
    static void requireReachable(TcpStream s, MemorySegment m, boolean read) {
        if (m.isNative() && (!m.scope().isAlive() || !m.isAccessibleBy(s.loop.thread()))) {
            throw new IllegalArgumentException((read ? "read" : "write") + "(fd=" + s.handle + "): a buffer's arena "
                    + "is closed or confined to another thread; the loop thread must reach it (Arena.ofShared(), "
                    + "ofAuto() or global())");
        }
    }

    /** What {@code call}'s result {@code r} (-errno) becomes: a close while it waited is named as such. */
    static IOException failure(TcpStream s, String call, int r) {
        if (!s.isOpen() && (r == -Errno.ECANCELED || r == -Errno.EBADF)) {
            return Errno.asyncCloseException(call + "(" + s + "): stream closed while the call was waiting");
        }
        return Errno.exception(call + "(fd=" + s.handle + ")", r);
    }

    /**
     * A read never writes into read-only memory: the kernel would fill it all the same. Checked before anything
     * else, empty buffers included, as the JDK's channels do ({@code IllegalArgumentException}).
     */
    static void requireWritable(TcpStream s, boolean readOnly, String call) {
        if (readOnly) {
            throw new IllegalArgumentException(call + "(fd=" + s.handle + "): read-only buffer");
        }
    }

    /**
     * A socket buffer size for {@code option}, or {@link IllegalArgumentException} when not positive, as the JDK's.
     * Before: a negative size set the system's maximum on io_uring and epoll, and failed with EINVAL on NIO.
     */
    static int positiveSize(TcpStream s, SocketOpt option, int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("setsockopt(" + option + ", fd=" + s.handle + "): size must be positive: "
                    + bytes);
        }
        return bytes;
    }
}
