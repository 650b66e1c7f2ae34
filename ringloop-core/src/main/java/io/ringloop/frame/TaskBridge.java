package io.ringloop.frame;

import java.util.concurrent.locks.LockSupport;

/**
 * The task style on the callback machinery: the connection's handler. While the task waits in
 * {@link FramedStream#parse} its parser is run here, in the receive path, on the bytes in place; a frame consumed
 * wakes the task and pauses input until it asks again. Loop thread only (the task runs on the loop's carrier).
 */
final class TaskBridge implements FrameHandler {
    /** The parser the parked task waits on, or null while the task is busy (input is paused then). */
    FrameParser pending;
    /** What the last parser call consumed, 0 while none has. */
    long consumed;
    /** Input ended: at the peer's end of stream (cause null) or with the connection (cause, or null). */
    boolean ended;
    Throwable cause;
    /** The connection closed (not only its input). */
    boolean closed;
    Thread task;

    @Override
    public long onData(FrameConnection c, FrameView in) throws Exception {
        FrameParser p = pending;
        if (p == null) {
            c.pauseInput();
            return NEED_MORE;
        }
        long r;
        try {
            r = p.parse(in);
        } catch (Throwable t) {
            // The task's parser: its task hears this from parse (not the uncaught handler), and the connection ends.
            pending = null;
            cause = t;
            c.abort(t);
            return NEED_MORE;
        }
        if (r > 0) {
            pending = null;
            consumed = r;
            c.pauseInput();
            wake();
        }
        return r;
    }

    @Override
    public void onWritable(FrameConnection c) {
        wake();
    }

    @Override
    public void onClosed(FrameConnection c, Throwable why) {
        ended = true;
        if (why != null && cause == null) {
            cause = why;
        }
        closed = !c.isOpen();
        wake();
    }

    private void wake() {
        Thread t = task;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
