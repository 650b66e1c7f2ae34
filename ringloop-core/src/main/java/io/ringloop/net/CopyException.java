package io.ringloop.net;

import java.io.IOException;

/**
 * A {@link StreamCopy#copyBidirectional} that one side ended with an error (a reset, a write to a gone peer, a
 * close under it): both directions have stopped, the cause is the first failure (a later one of the other
 * direction is suppressed on it), and {@link #result()} holds what was copied until then.
 */
public final class CopyException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Not serialisable state: a snapshot of the counts. */
    private final transient CopyResult result;
    private final boolean fromA;

    CopyException(CopyResult result, boolean fromA, Throwable cause) {
        super("copyBidirectional: " + (fromA ? "a->b" : "b->a") + " failed after "
                + (fromA ? result.aToB() : result.bToA()) + " bytes (" + (fromA ? "b->a: " + result.bToA()
                : "a->b: " + result.aToB()) + " bytes): " + cause, cause);
        this.result = result;
        this.fromA = fromA;
    }

    /** Bytes each direction had copied when the copy stopped. */
    public CopyResult result() {
        return result;
    }

    /** True when the first failure was in the direction from {@code a} to {@code b} (reading a or writing b). */
    public boolean fromA() {
        return fromA;
    }
}
