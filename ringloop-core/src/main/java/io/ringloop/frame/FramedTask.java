package io.ringloop.frame;

/**
 * The task style of a {@link FrameServer}: one task per connection, written straight-line against a
 * {@link FramedStream}. The connection is closed (after its queued output is sent) when this returns or throws;
 * what it throws is reported to the loop's uncaught-failure handler.
 */
@FunctionalInterface
public interface FramedTask {
    /** Serves one connection. */
    void serve(FramedStream stream) throws Exception;
}
