package io.ringloop.driver.fault;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.OpTable;
import io.ringloop.sys.Errno;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@link FaultInjectingDriver} owes its callers: every operation from the call to the delivery of its
 * one result. The caller's completion holds a token of this ledger's {@link OpTable} while it is owed (so
 * {@code isPending()} is true), and the backend sees the {@link FaultOp} instead. Calls to make later
 * (EINTR), results held back, and the backend's contract breaches are kept here. Loop thread only.
 */
final class FaultLedger {
    private static final System.Logger LOG = System.getLogger(FaultInjectingDriver.class.getName());
    /** Polls a {@link Fault#DELAYED} completion is held back: 1 up to this. */
    private static final int MAX_DELAY_POLLS = 3;

    private final FaultInjectingDriver driver;
    private final Driver backend;
    private final FaultDice dice;
    /** Tokens for the callers' completions while they are owed a result; attachment: the FaultOp. */
    private final OpTable ops = new OpTable(64);
    /** {@link Fault#RETRIED} calls, made at the next poll, in order. */
    private final ArrayDeque<FaultOp> retries = new ArrayDeque<>();
    private final HeldResults held;
    private final List<String> violations = new ArrayList<>();
    /** Handles this driver made and has not closed: only their calls are put off (a stranger's fail at once). */
    private final Set<Integer> open = new HashSet<>();
    /** Inside the backend's poll: a completion may be held to the end of it ({@link Fault#REORDERED}). */
    boolean polling;
    /** The driver is closing: no new faults, every result goes out at once. */
    boolean closing;
    /** Results delivered so far. */
    int delivered;

    FaultLedger(FaultInjectingDriver driver, Driver backend, FaultDice dice) {
        this.driver = driver;
        this.backend = backend;
        this.dice = dice;
        this.held = new HeldResults(this, dice);
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    /** True when something is owed that the next poll must not wait for. */
    boolean owesSoon() {
        return !held.isEmpty() || !retries.isEmpty();
    }

    /** True when an operation on {@code handle} is owed. */
    boolean owesOn(int handle) {
        for (long token : ops.liveTokens()) {
            if (ops.handle(token) == handle) {
                return true;
            }
        }
        return false;
    }

    /** {@code handle} (a socket, an accepted or adopted one, a file) is open from now on; a failure is ignored. */
    void opened(int handle) {
        if (handle >= 0) {
            open.add(handle);
        }
    }

    void closed(int handle) {
        open.remove(handle);
    }

    /**
     * Starts one operation: made now or on a later poll ({@link Fault#RETRIED}, only on a handle this driver
     * opened, or none: {@code handle < 0}); a result the backend gives at once is returned, or, when it is a
     * count, held and delivered later ({@link Fault#AS_PENDING}): an error given at once stays at once, as
     * every backend gives it. {@code retryable} is false where a later call could throw what the caller expects
     * at once. When {@code opens}, a result {@code >= 0} is a new handle.
     *
     * @throws IllegalStateException when {@code completion} already has an operation pending (the contract)
     */
    int start(Completion completion, int handle, String what, FaultOp.Call call, boolean retryable, boolean opens) {
        if (completion.isPending()) {
            throw new IllegalStateException(what + ": the completion already has an operation pending");
        }
        FaultOp op = new FaultOp(this, completion, handle, what, call, opens);
        op.userToken = ops.claim(completion, handle, 1, null);
        ops.attach(op.userToken, op);
        if (retryable && !closing && (handle < 0 || open.contains(handle)) && dice.roll(Fault.RETRIED)) {
            retries.add(op);
            return Driver.PENDING;
        }
        op.state = FaultOp.IN_BACKEND;
        int r;
        try {
            r = call.start(op);
        } catch (RuntimeException | Error e) {
            op.state = FaultOp.DONE;
            ops.release(op.userToken);
            throw e;
        }
        if (r == Driver.PENDING) {
            return Driver.PENDING;
        }
        if (opens) {
            opened(r);
        }
        if (r >= 0 && !closing && dice.roll(Fault.AS_PENDING)) {
            held.add(op, r, 0);
            return Driver.PENDING;
        }
        op.state = FaultOp.DONE;
        ops.release(op.userToken);
        return r;
    }

    /** Start of a poll: the calls put off by {@link Fault#RETRIED} are made now. */
    void makeRetries() {
        for (int n = retries.size(); n > 0 && !retries.isEmpty(); n--) {
            FaultOp op = retries.poll();
            op.state = FaultOp.IN_BACKEND;
            int r = op.call.start(op);
            if (r != Driver.PENDING) {
                held.add(op, r, 0);
            }
        }
    }

    /** End of a poll: the held results that are due go out. */
    void deliverDue() {
        held.deliverDue(dice.chance(Fault.REORDERED) > 0);
    }

    /** The backend completed {@code op}: deliver now, or hold it back. */
    void arrived(FaultOp op, int r) {
        if (op.state != FaultOp.IN_BACKEND) {
            violation(op + " completed with " + r + " in state " + op.state + " (twice, or never pending)");
            return;
        }
        if (closing) {
            deliver(op, r);
        } else if (dice.roll(Fault.DELAYED)) {
            held.add(op, r, 1 + dice.nextInt(MAX_DELAY_POLLS));
        } else if (held.has(op.handle)) {
            held.add(op, r, 0); // behind what its handle already has held: never overtaken
        } else if (polling && dice.roll(Fault.REORDERED)) {
            held.add(op, r, 0); // after the completions that arrive behind it in this poll
        } else {
            deliver(op, r);
        }
    }

    /** Hands {@code r} to the caller's completion. */
    void deliver(FaultOp op, int r) {
        if (op.state == FaultOp.DONE) {
            violation(op + " delivered twice");
            return;
        }
        op.state = FaultOp.DONE;
        Completion c = ops.release(op.userToken);
        if (c != op.user) {
            violation(op + " had lost its token");
        }
        if (op.opens && r >= 0) {
            opened(r);
        }
        delivered++;
        op.user.complete(r);
    }

    /**
     * {@link Driver#cancel}: a call not made yet is cancelled here; a held result raced the cancel. A completion
     * this ledger does not owe (nothing pending, or an operation passed straight to the backend) is the
     * backend's to answer.
     */
    boolean cancel(Completion completion) {
        FaultOp op = owed(completion);
        if (op == null) {
            return backend.cancel(completion);
        }
        return switch (op.state) {
            case FaultOp.WAITING -> {
                retries.remove(op);
                held.add(op, -Errno.ECANCELED, 0);
                yield true;
            }
            case FaultOp.IN_BACKEND -> backend.cancel(op);
            default -> true; // held: its real result is on its way
        };
    }

    /** {@link Driver#deadline}: the backend's, while the operation is there (or was passed straight to it). */
    boolean deadline(Completion completion, long timeoutNs) {
        FaultOp op = owed(completion);
        if (op == null) {
            return backend.deadline(completion, timeoutNs);
        }
        return op.state == FaultOp.IN_BACKEND && backend.deadline(op, timeoutNs);
    }

    private FaultOp owed(Completion completion) {
        long token = completion.token();
        if (token == Completion.IDLE || ops.lookup(token) != completion) {
            return null;
        }
        return (FaultOp) ops.attachment(token);
    }

    /**
     * After the backend closed {@code handle}: calls not made are cancelled, held results go out in order,
     * and nothing may be left in the backend (the contract: before or during its close).
     */
    void settle(int handle) {
        for (FaultOp op : retries.toArray(new FaultOp[0])) {
            if (op.handle == handle) {
                retries.remove(op);
                held.add(op, -Errno.ECANCELED, 0);
            }
        }
        held.deliverAll(handle);
        for (long token : ops.liveTokens()) {
            if (ops.handle(token) == handle && ((FaultOp) ops.attachment(token)).state == FaultOp.IN_BACKEND) {
                violation(ops.attachment(token) + " still pending after its handle closed");
            }
        }
    }

    /** The driver closes: calls not made and held results complete with -ECANCELED. */
    void cancelAll() {
        closing = true;
        while (!retries.isEmpty()) {
            FaultOp op = retries.poll();
            op.state = FaultOp.HELD;
            deliver(op, -Errno.ECANCELED);
        }
        held.cancelAll();
    }

    /** A breach of the driver contract by the backend: kept for the test, and logged so no run misses it. */
    private void violation(String what) {
        violations.add(backend.name() + ": " + what);
        LOG.log(System.Logger.Level.WARNING, "driver contract broken under " + driver + ": " + what);
    }
}
