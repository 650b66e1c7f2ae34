package io.ringloop.driver.fault;

/**
 * The kinds of fault {@link FaultInjectingDriver} injects, each with the kernel behaviour it stands for. The
 * benign ones are what a correct backend and correct user code must make invisible: a short count, a result
 * that comes later, a call the driver has to retry, completions in another order across connections, a wait
 * that returns with nothing. The hostile ones break a connection or an accept, as a peer or the system can;
 * code must survive them, but they are visible.
 */
public enum Fault {
    /** A read or write moves fewer bytes than asked (1 up to all): any stream socket may do that. */
    SHORT_TRANSFER(true),
    /**
     * EAGAIN: a result the backend had at once is delivered later through the completion, as when the first
     * try met EAGAIN and the retry after readiness succeeded.
     */
    AS_PENDING(true),
    /** EINTR (or EAGAIN before the call): the call is not made now but on a later poll, as a retry. */
    RETRIED(true),
    /** A completion the backend delivered is held back for one to a few polls. */
    DELAYED(true),
    /** A completion is delivered after others that arrived later, never overtaking one of its own handle. */
    REORDERED(true),
    /** A wait ({@code poll} with a timeout) returns at once with nothing: a spurious wake-up. */
    SPURIOUS_WAKEUP(true),
    /**
     * ECONNRESET/EPIPE: the connection breaks under a read or write; from then on its reads fail with
     * ECONNRESET and its writes with EPIPE, and the peer sees the connection shut.
     */
    RESET(false),
    /** ECONNABORTED: an accept fails; the connection waiting in the backlog stays there for the next one. */
    ACCEPT_ABORTED(false),
    /**
     * EMFILE: an accept is refused as when the process is out of file descriptors; the connection stays in
     * the backlog. The listener backs off and retries (a warning says so), so only timing and the log show it.
     */
    ACCEPT_EMFILE(false);

    private final boolean benign;

    Fault(boolean benign) {
        this.benign = benign;
    }

    /** True when correct user code cannot tell this fault happened (only timing changes). */
    public boolean benign() {
        return benign;
    }
}
