package io.ringloop.net.internal;

import io.ringloop.loop.internal.Loop;
import io.ringloop.sys.Errno;
import io.ringloop.task.internal.IoWaiter;
import io.ringloop.task.internal.LoopContext;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The blocking accept every listener shares ({@code TcpListener}, {@code UnixListener}): from a task on the loop's
 * carrier the task parks, elsewhere the caller waits; a refusal for want of resources waits out the listener's
 * {@link AcceptBackoff} and tries again; a close while the call waits is an {@code AsynchronousCloseException},
 * a call on a closed listener a {@code ClosedChannelException}, each naming the listener. The caller holds the
 * listener's accept direction.
 */
public final class BlockingAccept {
    private BlockingAccept() {
    }

    /**
     * Accepts one connection on the listening socket {@code handle} of {@code loop}'s driver: its descriptor.
     * {@code listener} is named in the closed errors, {@code where} (its address) in the others.
     */
    public static int accept(Loop loop, int handle, IoWaiter waiter, AcceptBackoff backoff, BooleanSupplier closed,
                             Object listener, String where) throws IOException {
        while (true) {
            if (closed.getAsBoolean()) {
                throw Errno.closedException("accept(" + listener + "): listener closed");
            }
            int r = LoopContext.onCarrier(loop) ? waiter.finish(loop.driver().accept(handle, waiter), "accept")
                    : waiter.run(() -> loop.driver().accept(handle, waiter), "accept", 0);
            if (r >= 0) {
                backoff.accepted();
                return r;
            }
            if (closed.getAsBoolean() && (r == -Errno.ECANCELED || r == -Errno.EBADF)) {
                throw Errno.asyncCloseException("accept(" + listener + "): listener closed while the call was "
                        + "waiting");
            }
            if (!AcceptBackoff.exhausted(r)) {
                throw Errno.exception("accept(" + where + ")", r);
            }
            backoff.pause(loop, backoff.refused(r, System.nanoTime()), closed, "accept(" + where + ")");
        }
    }
}
