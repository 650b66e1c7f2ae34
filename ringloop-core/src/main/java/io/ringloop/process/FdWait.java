package io.ringloop.process;

import io.ringloop.loop.internal.Loop;
import io.ringloop.net.AsyncFd;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.Pidfds;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.internal.BlockingPool;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * Waits until a child's descriptor is ready: through the loop's driver where it can wait for an fd it does not
 * own (io_uring: POLL_ADD; epoll: the fd in its set; {@link AsyncFd}), else with poll(2) on a pool thread while the
 * task parks (NIO, a plain thread). A wait runs in slices of {@link #SLICE_MS}, so a {@link ProcessFd#close()} by
 * another task ends it within one slice (a descriptor under a kernel wait must not be closed: its wait would never
 * fire) and a cancelled task's pool wait returns within one.
 */
final class FdWait {
    /** The pool of the poll(2) waits; a thread per waiting call, released at each slice's end. */
    static final BlockingPool POOL = new BlockingPool("ringloop-process", 16, Duration.ofSeconds(10));
    private static final int SLICE_MS = 200;

    private FdWait() {
    }

    /**
     * Waits for {@code events} on {@code fd} for up to {@code timeoutNs} (0: no limit): the ready set, or 0 when
     * the time ran out.
     *
     * @throws AsynchronousCloseException when {@code fd} was closed during the wait
     */
    static int await(ProcessFd fd, int events, long timeoutNs, String call) throws IOException {
        long deadlineNs = timeoutNs > 0 ? System.nanoTime() + timeoutNs : 0;
        boolean driverWaits = onFdLoop();
        while (true) {
            if (fd.closing()) {
                throw Errno.asyncCloseException(call + "(" + fd.name + "): closed while the call was waiting");
            }
            long leftNs = deadlineNs == 0 ? Long.MAX_VALUE : deadlineNs - System.nanoTime();
            if (leftNs <= 0) {
                return 0;
            }
            int sliceMs = (int) Math.max(1, Math.min(SLICE_MS, (leftNs + 999_999) / 1_000_000));
            int r;
            if (driverWaits) {
                try {
                    r = AsyncFd.await(fd.fd, events, Duration.ofMillis(sliceMs));
                } catch (UnsupportedOperationException e) {
                    driverWaits = false; // NIO: no waits for foreign fds
                    continue;
                }
            } else {
                r = pooledPoll(fd, events, sliceMs, call);
            }
            if (r != 0) {
                return r;
            }
        }
    }

    private static boolean onFdLoop() {
        Loop loop = LoopContext.current();
        return loop != null && LoopContext.onCarrier(loop);
    }

    /** One poll(2) slice on the pool; a cancelled caller waits out the slice (its memory is the pool call's). */
    private static int pooledPoll(ProcessFd fd, int events, int sliceMs, String call) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw Errno.cancelled(call + "(" + fd.name + ")");
        }
        JoinHandle<Integer> h = POOL.spawn(() -> {
            try (Arena arena = Arena.ofConfined()) {
                return Pidfds.poll(Libc.allocateCallState(arena), arena.allocate(8, 4), fd.fd, events, sliceMs);
            }
        });
        boolean interrupted = false;
        int r;
        while (true) {
            try {
                r = h.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                throw new IOException(call + "(" + fd.name + "): " + e.getCause(), e.getCause());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw Errno.cancelled(call + "(" + fd.name + ")");
        }
        if (r < 0 && r != -Errno.EINTR) {
            throw fd.failure("poll", r);
        }
        return Math.max(r, 0);
    }
}
