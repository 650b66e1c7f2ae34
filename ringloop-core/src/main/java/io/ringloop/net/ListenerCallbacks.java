package io.ringloop.net;

import io.ringloop.error.SyscallException;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.internal.AcceptBackoff;
import io.ringloop.net.internal.CallbackAccept;
import io.ringloop.net.internal.Directions;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The callback-style accept of a listener, {@link TcpListener}'s and {@code UnixListener}'s (lent through
 * {@code net.internal.StreamSockets}): one reusable {@link CallbackOp}; the direction guard shared with the
 * listener's blocking accept, freed just before the callback runs; on EMFILE, ENFILE, ENOBUFS or ENOMEM a wait on
 * the loop's timer as the listener's {@link AcceptBackoff} says, then a new try, the callback hearing nothing of
 * it; a close during that wait fails the accept as a close during a pending one does. Loop thread only.
 */
final class ListenerCallbacks implements CallbackAccept {
    private final Loop loop;
    private final int handle;
    private final Directions directions;
    private final AcceptBackoff backoff;
    private final BooleanSupplier closed;
    /** The listener, named in the messages of a closed one. */
    private final Object listener;
    private final CallbackOp op;
    /** The timer of a back-off under way and the callback it serves, or -1 and null. */
    private long backoffTimer = -1;
    private IoCallback backoffCallback;

    /**
     * For the listening socket {@code handle} of {@code loop}, bound at {@code where}, which guards its accepts with
     * {@code directions}, backs off with {@code backoff} and says through {@code closed} whether it is closed.
     */
    ListenerCallbacks(Loop loop, int handle, Directions directions, AcceptBackoff backoff, BooleanSupplier closed,
            Object listener, String where) {
        this.loop = loop;
        this.handle = handle;
        this.directions = directions;
        this.backoff = backoff;
        this.closed = closed;
        this.listener = listener;
        this.op = new CallbackOp(loop, "accept(" + where + ")", r -> r, null, r -> failure(r, where));
    }

    /** What an accept's result {@code r} (-errno) becomes: a close while it waited is named as such. */
    private IOException failure(int r, String where) {
        if (closed.getAsBoolean() && (r == -Errno.ECANCELED || r == -Errno.EBADF)) {
            return closedWhileWaiting();
        }
        return Errno.exception("accept(" + where + ")", r);
    }

    private IOException closedWhileWaiting() {
        return Errno.asyncCloseException("accept(" + listener + "): listener closed while the call was waiting");
    }

    @Override
    public void accept(IoCallback callback) {
        directions.enter(true, "accept"); // freed just before the callback runs, so it may start the next accept
        start(new IoCallback() {
            @Override
            public void completed(int fd) {
                backoff.accepted();
                directions.exit(true);
                callback.completed(fd);
            }

            @Override
            public void failed(Throwable error) {
                if (!closed.getAsBoolean() && error instanceof SyscallException se
                        && AcceptBackoff.exhausted(-se.errno())) {
                    long delayNs = backoff.refused(-se.errno(), System.nanoTime());
                    backoffCallback = callback;
                    backoffTimer = loop.schedule(delayNs, () -> {
                        backoffTimer = -1;
                        backoffCallback = null;
                        if (closed.getAsBoolean()) { // closed during the wait, before closed() reached the loop
                            op.refused(closedWhileWaiting(), this);
                        } else {
                            start(this);
                        }
                    });
                    return;
                }
                directions.exit(true);
                callback.failed(error);
            }
        });
    }

    private void start(IoCallback adapter) {
        if (closed.getAsBoolean()) {
            op.refused(Errno.closedException("accept(" + listener + "): listener closed"), adapter);
            return;
        }
        int r;
        try {
            r = loop.driver().accept(handle, op);
        } catch (RuntimeException e) {
            directions.exit(true);
            throw e;
        }
        op.started(r, adapter);
    }

    @Override
    public void closed() {
        if (backoffTimer >= 0 && loop.cancelTimer(backoffTimer)) {
            // Waiting out a back-off: the accept fails now, as a pending one would.
            IoCallback waiting = backoffCallback;
            backoffTimer = -1;
            backoffCallback = null;
            directions.exit(true);
            loop.executeLocal(() -> waiting.failed(closedWhileWaiting()));
        }
    }
}
