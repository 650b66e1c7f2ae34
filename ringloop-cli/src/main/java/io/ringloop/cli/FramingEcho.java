package io.ringloop.cli;

import io.ringloop.frame.FrameConnection;
import io.ringloop.frame.FrameHandler;
import io.ringloop.frame.FrameView;

/**
 * {@code ringloop echo --style framing}: the echo on {@code io.ringloop.frame}. Shown whatever has arrived, in
 * the loop's own receive memory, it queues a copy and consumes it all; the replies of one loop turn leave in one
 * write. An idle connection holds no buffer. The bench uses it from the class path.
 */
public final class FramingEcho implements FrameHandler {
    @Override
    public long onData(FrameConnection connection, FrameView in) {
        connection.send(in, 0, in.length());
        return in.length();
    }
}
