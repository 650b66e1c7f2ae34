package io.ringloop.sync;

import java.io.Serial;

/**
 * A {@link Broadcast} receiver fell more than the ring's capacity behind: the oldest messages it had not read
 * were overwritten. The receiver has already been moved to the oldest message still retained, so the next
 * receive continues from there.
 */
public final class LaggedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final long missed;

    public LaggedException(long missed) {
        super("receiver lagged: missed " + missed + " messages", null, false, false);
        this.missed = missed;
    }

    /** How many messages this receiver will never see. */
    public long missed() {
        return missed;
    }
}
