package io.ringloop.net.internal;

import io.ringloop.net.IoCallback;

/**
 * A listener's callback-style accept, TCP's or Unix's ({@code net.ListenerCallbacks}): one accept at a time on the
 * loop thread, refusals for want of descriptors or socket memory waited out with the listener's
 * {@link AcceptBackoff} on the loop's timer, a closed listener named. The listener wraps the accepted descriptor in
 * its own stream type. Loop thread only.
 */
public interface CallbackAccept {
    /**
     * Claims the listener's accept direction and accepts one connection: {@code callback} hears the new socket's
     * handle (the direction free again, so it may start the next accept) or a failure of another kind than a
     * refusal for want of resources.
     */
    void accept(IoCallback callback);

    /**
     * At the listener's close, on the loop thread: an accept waiting out a back-off fails now with an
     * {@link java.nio.channels.AsynchronousCloseException}, as one pending in the driver does.
     */
    void closed();
}
