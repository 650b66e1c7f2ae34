package io.ringloop.driver.fault;

import io.ringloop.driver.Completion;

/**
 * One operation a caller started through {@link FaultInjectingDriver}, from the call to its delivery. It is
 * also the completion the backend sees: the backend completes this object, and the wrapper decides when the
 * caller's own completion hears about it. Loop thread only.
 */
final class FaultOp extends Completion {
    /** Made later (a {@link Fault#RETRIED} call): nothing was asked of the backend yet. */
    static final int WAITING = 0;
    /** Asked of the backend, which has not completed it. */
    static final int IN_BACKEND = 1;
    /** The result is known and held back: {@link #result}, for {@link #pollsLeft} more polls. */
    static final int HELD = 2;
    /** Handed to the caller's completion (or returned at once). */
    static final int DONE = 3;

    /** The backend call, with this op as its completion: a result, -errno or PENDING. */
    @FunctionalInterface
    interface Call {
        int start(FaultOp op);
    }

    private final FaultLedger owner;
    /** The caller's completion. */
    final Completion user;
    /** The handle whose completions keep their order (a unique negative number for an op without one). */
    final int handle;
    final String what;
    final Call call;
    /** A result {@code >= 0} is a new handle (accept, openFile). */
    final boolean opens;
    /** The wrapper's token for {@link #user} while it is pending. */
    long userToken = IDLE;
    int state = WAITING;
    int result;
    int pollsLeft;

    FaultOp(FaultLedger owner, Completion user, int handle, String what, Call call, boolean opens) {
        this.owner = owner;
        this.user = user;
        this.handle = handle;
        this.what = what;
        this.call = call;
        this.opens = opens;
    }

    /** The backend's completion: the wrapper delivers it now or later. */
    @Override
    public void complete(int r) {
        owner.arrived(this, r);
    }

    @Override
    public String toString() {
        return what + "(handle=" + handle + ")";
    }
}
