package io.ringloop.frame;

/**
 * The task style's parser ({@link FramedStream#parse}): shown the bytes received so far, it answers as
 * {@link FrameHandler#onData} does: {@code n > 0} consumed (one frame; keep what was decoded in the parser's own
 * state), {@link FrameHandler#NEED_MORE} or {@link FrameHandler#needAtLeast}. It runs on the loop's thread, maybe
 * in the connection's receive path while the task is parked, so it must not block; a view is valid during the
 * call only.
 */
@FunctionalInterface
public interface FrameParser {
    /** Consumed n, {@link FrameHandler#NEED_MORE} or {@link FrameHandler#needAtLeast needAtLeast(k)}. */
    long parse(FrameView in) throws Exception;
}
