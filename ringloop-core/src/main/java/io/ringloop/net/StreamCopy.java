package io.ringloop.net;

import io.ringloop.error.SyscallException;
import io.ringloop.loop.EventLoop;
import io.ringloop.sys.Errno;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedByInterruptException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * Copies bytes both ways between two streams until each side has closed: the heart of a proxy (tokio's
 * {@code copy_bidirectional}).
 *
 * <ul>
 *   <li><b>Both ways at once</b>, one task per direction, each on the loop of the stream it reads.</li>
 *   <li><b>Half-close is forwarded</b>: when {@code a} reaches its end of stream, {@code b}'s output is shut
 *       ({@link ByteStream#shutdownOutput}) and the other direction goes on until {@code b} ends too.</li>
 *   <li><b>Back-pressure both ways</b>: a direction holds at most one buffer (or one pipe) of bytes and reads
 *       no more until they are written, so a slow reader on one side slows its writer on the other, and memory
 *       stays bounded ({@code bufferBytes} per direction).</li>
 *   <li><b>Errors end both directions</b>: the first failure (a reset on either side, a close under the copy)
 *       cancels the other direction (its pending operation is cancelled, no byte of it is lost to the stream)
 *       and is thrown as a {@link CopyException} with the counts so far. The streams are never closed here:
 *       the caller owns them.</li>
 * </ul>
 *
 * <p><b>Splice.</b> On io_uring and epoll, two {@link TcpStream}s on one loop can be copied inside the kernel
 * ({@link CopyMode#SPLICE}): socket → pipe → socket with {@code splice(2)}, one pipe per direction, so the bytes
 * never enter user memory. {@link CopyMode#AUTO} picks it there, because it measured better: {@code ./ringloop
 * bench --scenarios proxy} (1 GiB through {@code ringloop proxy} over loopback, the proxy pinned to one core)
 * found the proxy's CPU per GiB 25-65% lower with splice than through a 64 KiB buffer, on io_uring and on
 * epoll (figures in docs/DESIGN.md, "A proxy"), and moved the most bytes per second in the one run on a quiet
 * machine. Elsewhere (NIO, a TLS stream, streams of two loops) AUTO copies through memory.
 */
public final class StreamCopy {
    /** Bytes per direction by default: a buffer, or a pipe's capacity. */
    public static final int DEFAULT_BUFFER_BYTES = 64 * 1024;
    /** Largest {@code bufferBytes}: 16 MiB per direction is beyond any use. */
    public static final int MAX_BUFFER_BYTES = 16 * 1024 * 1024;
    /**
     * What {@link CopyMode#AUTO} picks where splice is possible: splice, which cost 25-65% less of the proxy's CPU
     * per byte than copying through memory on both io_uring and epoll (see the class doc).
     */
    static final boolean AUTO_SPLICES = true;

    private StreamCopy() {
    }

    /** {@link #copyBidirectional(ByteStream, ByteStream, CopyMode, int)} with AUTO and 64 KiB per direction. */
    public static CopyResult copyBidirectional(ByteStream a, ByteStream b) throws IOException {
        return copyBidirectional(a, b, CopyMode.AUTO, DEFAULT_BUFFER_BYTES);
    }

    /**
     * Copies {@code a} to {@code b} and {@code b} to {@code a} until both have reached their end of stream,
     * forwarding each end as a half-close; returns the counts. Blocking style: call from a task (it parks
     * while the two directions run as tasks of their own) or any thread.
     *
     * @param mode        {@link CopyMode#AUTO}, or a mode to insist on
     * @param bufferBytes bytes each direction may hold, 1 to {@link #MAX_BUFFER_BYTES} (for splice, the pipe's
     *                    capacity, which the kernel rounds to pages and caps at {@code pipe-max-size})
     * @throws CopyException                 when a direction failed: both have stopped; counts and cause in it
     * @throws InterruptedIOException        when the caller was interrupted: both directions have stopped
     * @throws UnsupportedOperationException for {@link CopyMode#SPLICE} where splice is impossible, saying why
     * @throws IllegalArgumentException      for {@code bufferBytes} out of range or {@code a == b}
     * @throws IllegalStateException         when neither stream names a loop and the caller is not on one
     */
    public static CopyResult copyBidirectional(ByteStream a, ByteStream b, CopyMode mode, int bufferBytes)
            throws IOException {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(mode, "mode");
        if (a == b) {
            throw new IllegalArgumentException("copyBidirectional: a and b are the same stream");
        }
        if (bufferBytes < 1 || bufferBytes > MAX_BUFFER_BYTES) {
            throw new IllegalArgumentException("copyBidirectional: bufferBytes " + bufferBytes + " not in 1.."
                    + MAX_BUFFER_BYTES);
        }
        boolean splice = switch (mode) {
            case MEMORY -> false;
            case SPLICE -> {
                if (!TcpSplice.possible(a, b)) {
                    throw new UnsupportedOperationException("copyBidirectional(SPLICE): " + TcpSplice.whyNot(a, b));
                }
                yield true;
            }
            case AUTO -> AUTO_SPLICES && TcpSplice.possible(a, b);
        };
        Copy copy = new Copy(bufferBytes, splice, mode == CopyMode.AUTO);
        copy.start(a, b);
        return copy.await();
    }

    /** One direction's count, written by its task only, and the copy's stop flag. */
    static final class Counter {
        private final Copy copy;
        private volatile long bytes;

        Counter(Copy copy) {
            this.copy = copy;
        }

        void add(long n) {
            bytes = bytes + n; // one writer: the direction's task
        }

        boolean stopping() {
            return copy.failure != null;
        }
    }

    /** Both directions of one copy: their tasks, counts, and the first failure. */
    private static final class Copy {
        private final int bufferBytes;
        private final boolean splice;
        /** AUTO: a direction whose first splice is refused copies through memory instead. */
        private final boolean fallBack;
        private final Counter[] counts = {new Counter(this), new Counter(this)};
        /** The two directions' tasks: a to b, b to a. */
        private volatile JoinHandle<Void> ab;
        private volatile JoinHandle<Void> ba;
        /** The first failure; set once, under the lock, which also guards {@link #failedDirection}. */
        private volatile Throwable failure;
        private int failedDirection;

        Copy(int bufferBytes, boolean splice, boolean fallBack) {
            this.bufferBytes = bufferBytes;
            this.splice = splice;
            this.fallBack = fallBack;
        }

        void start(ByteStream a, ByteStream b) {
            ab = Tasks.spawnJoined(loopOf(a), false, () -> direction(0, a, b));
            ba = Tasks.spawnJoined(loopOf(b), false, () -> direction(1, b, a));
            if (failure != null) {
                cancelBoth(); // a direction failed before the other's handle was there to cancel
            }
        }

        /** The loop a direction reading {@code from} runs on: the stream's own, else the caller's. */
        private static EventLoop loopOf(ByteStream from) {
            if (from instanceof TcpStream t) {
                return t.loop();
            }
            EventLoop here = Tasks.currentLoop();
            if (here == null) {
                throw new IllegalStateException("copyBidirectional: " + from.getClass().getSimpleName()
                        + " names no loop and the caller is not on one (call it from a task)");
            }
            return here;
        }

        private Void direction(int dir, ByteStream src, ByteStream dst) {
            try {
                if (splice) {
                    spliceOrCopy(src, dst, counts[dir]);
                } else {
                    throughMemory(src, dst, counts[dir]);
                }
            } catch (Throwable t) {
                failed(dir, t);
            }
            return null;
        }

        /**
         * Splices; with AUTO, a first splice the driver refuses with EBUSY (io_uring's multishot receive already
         * owns the socket's reads: bytes it took would be overtaken) copies through memory instead, which reads
         * those bytes first. Nothing has moved by then, so nothing is lost or reordered.
         */
        private void spliceOrCopy(ByteStream src, ByteStream dst, Counter counted) throws IOException {
            try {
                new TcpSplice((TcpStream) src, (TcpStream) dst).run(bufferBytes, counted);
            } catch (SyscallException e) {
                if (!fallBack || e.errno() != Errno.EBUSY || counted.bytes != 0) {
                    throw e;
                }
                throughMemory(src, dst, counted);
            }
        }

        private void throughMemory(ByteStream src, ByteStream dst, Counter counted) throws IOException {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment buf = arena.allocate(bufferBytes);
                while (!counted.stopping()) {
                    int n = src.read(buf, 0, bufferBytes);
                    if (n < 0) {
                        dst.shutdownOutput();
                        return;
                    }
                    dst.writeAll(buf, 0, n);
                    counted.add(n);
                }
            }
        }

        /**
         * The first failure stops the copy: the other direction is cancelled. What that direction throws while it
         * stops is the cancel's consequence, not news; another failure of its own is kept as suppressed.
         */
        private void failed(int dir, Throwable t) {
            synchronized (this) {
                if (failure == null) {
                    failedDirection = dir;
                    failure = t;
                } else {
                    if (!(t instanceof InterruptedIOException) && !(t instanceof CancellationException)
                            && !(t instanceof ClosedByInterruptException)) {
                        failure.addSuppressed(t);
                    }
                    return;
                }
            }
            JoinHandle<Void> other = dir == 0 ? ba : ab;
            if (other != null) {
                other.cancel();
            }
        }

        private void cancelBoth() {
            for (JoinHandle<Void> t : List.of(ab, ba)) {
                t.cancel();
            }
        }

        CopyResult await() throws IOException {
            boolean interrupted = false;
            for (JoinHandle<Void> t : List.of(ab, ba)) {
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true; // stop both, then wait for them: no direction outlives the call
                        cancelBoth();
                    } catch (ExecutionException | CancellationException e) {
                        break; // a direction's own failure is in `failure`; a cancel is the other's or ours
                    }
                }
            }
            CopyResult result = new CopyResult(counts[0].bytes, counts[1].bytes);
            if (interrupted) {
                Thread.currentThread().interrupt();
                InterruptedIOException e = new InterruptedIOException("copyBidirectional: interrupted after "
                        + result.aToB() + " + " + result.bToA() + " bytes");
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                throw e;
            }
            Throwable f;
            boolean fromA;
            synchronized (this) {
                f = failure;
                fromA = failedDirection == 0;
            }
            if (f != null) {
                throw new CopyException(result, fromA, f);
            }
            return result;
        }
    }
}
