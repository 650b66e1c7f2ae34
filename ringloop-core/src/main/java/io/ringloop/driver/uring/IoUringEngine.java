package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.DriverCounters;
import io.ringloop.driver.OpTable;
import io.ringloop.sys.Errno;
import io.ringloop.sys.uring.IoUring;
import io.ringloop.sys.uring.IoUringFileTable;
import io.ringloop.sys.uring.IoUringRing;
import io.ringloop.sys.uring.IoUringSubmissionQueue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.BooleanSupplier;

/**
 * The state one io_uring driver's operations share, and the few moves on it that every part makes: start an
 * operation (SQ room, op-table slot, per-slot memory, per-fd count), finish one, keep the SQ from
 * overflowing, and reap. It knows no part: a reaped CQE goes to the {@link CqeHandler} it was given (the
 * driver's {@link IoUringCompletions#dispatch}). Loop thread only.
 */
final class IoUringEngine {
    private static final int SQ_FULL_ROUNDS = 1000;

    // The driver's own SQEs carry negative user data, which no op-table token ever is.
    /** user_data of the eventfd READ. */
    static final long WAKE_TOKEN = -2L;
    /** user_data of every ASYNC_CANCEL SQE: its CQE is dropped. */
    static final long CANCEL_TOKEN = -3L;
    /** user_data of every LINK_TIMEOUT SQE: its CQE is dropped (the operation's own CQE tells what happened). */
    static final long TIMEOUT_TOKEN = -4L;
    /** Live operations {@link #toString} lists. */
    private static final int DESCRIBED_OPS = 32;

    final IoUringRing ring;
    /** The ring's submission queue, where every SQE is written. */
    final IoUringSubmissionQueue sq;
    final OpTable ops = new OpTable(64);
    final IoUringOpMemory memory;
    final IoUringFdTable fds = new IoUringFdTable();
    /** CQEs reaped but not yet run; poll runs them first. */
    final IoUringCqeStash stash = new IoUringCqeStash();
    private final CqeHandler handler;
    /**
     * The driver's counters: an operation that claims a slot is counted pending here and completed when its slot
     * is released ({@link #finish(long, int)}: give the result, so that -ECANCELED counts as cancelled); the
     * driver counts results given at once. Also the enters and the sleeps.
     */
    final DriverCounters counters;
    /** Registered files, and after how many operations a stream socket gets a slot (0: never). */
    private IoUringFileTable fixedFiles;
    private int fixedAfterOps;

    /** What runs a CQE: the driver's dispatch. Returns whether a completion was called. */
    interface CqeHandler {
        boolean dispatch(long userData, int res, int cqeFlags);
    }

    IoUringEngine(IoUringRing ring, IoUringOpMemory memory, CqeHandler handler, DriverCounters counters) {
        this.counters = counters;
        this.ring = ring;
        this.sq = ring.sq();
        this.memory = memory;
        this.handler = handler;
    }

    static int slot(long token) {
        return (int) token;
    }

    /** The kind of live {@code token}. */
    IoUringOpKind kind(long token) {
        return IoUringOpKind.of(ops.kind(token));
    }

    /**
     * Stream sockets that reach {@code afterOps} operations get a slot in {@code table} (0: none do), so the
     * rest of their operations skip the kernel's fd lookup. A connection that lives for a few operations
     * never pays the two registration calls.
     */
    private void useFixedFiles(IoUringFileTable table, int afterOps) {
        fixedFiles = table; // kept once set: fds already in it are still used, and removed at their close
        fixedAfterOps = table == null ? 0 : Math.max(0, afterOps);
        sq.useFixedFiles(table);
    }

    /**
     * Stream sockets get a fixed-file slot after {@code afterOps} operations (0: no more do); the first call
     * with {@code afterOps > 0} registers a sparse table of {@code slots}. False when the kernel refused it.
     */
    boolean fixedFilesAfter(MemorySegment cs, Arena arena, int afterOps, int slots) {
        IoUringFileTable table = fixedFiles;
        if (afterOps > 0 && table == null) {
            try {
                table = IoUringFileTable.register(cs, ring.fd(), arena, slots);
            } catch (IOException e) {
                return false; // before Linux 5.19, or RLIMIT_NOFILE below the table's size
            }
        }
        useFixedFiles(table, afterOps);
        return afterOps <= 0 || table != null;
    }

    /** Empties {@code fd}'s fixed-file slot, if it has one: before it closes or leaves this ring. */
    void unfix(int fd) {
        if (fixedFiles != null) {
            fixedFiles.remove(fd);
        }
    }

    /** Files registered now. */
    int fixedFileCount() {
        return fixedFiles == null ? 0 : fixedFiles.count();
    }

    /**
     * Makes room for one SQE, claims a slot and counts the operation against its fd; returns the token. Only
     * transfers (a direction) count toward a fixed-file slot: they are the SQEs that use it, so a listener
     * that accepts a lot never takes one.
     */
    long begin(int handle, Completion completion, IoUringOpKind kind, MemorySegment buffer) {
        int direction = kind.direction();
        if (fixedAfterOps > 0 && direction != 0 && fds.isStream(handle) && fds.use(handle) == fixedAfterOps) {
            fixedFiles.add(handle); // a failure (fd beyond the table) leaves it unregistered, which still works
        }
        ensureSqSpace();
        long token = ops.claim(completion, handle, kind.code(), buffer);
        memory.ensureSlot(slot(token));
        fds.started(handle, direction);
        counters.pending(kind.counted());
        return token;
    }

    /**
     * Links a LINK_TIMEOUT to the operation's SQE, just written, for what is left of its deadline; false when
     * it has none. For an operation submitted again under the same token (a polled heap read whose readiness
     * found nothing): its first SQE's timeout ended with it.
     */
    boolean relinkDeadline(long token, long timeoutUserData) {
        long deadlineNs = memory.deadline(slot(token));
        if (deadlineNs == 0) {
            return false;
        }
        long leftNs = Math.max(1, deadlineNs - System.nanoTime());
        return sq.linkTimeout(token, leftNs, memory.timespec(slot(token)), timeoutUserData);
    }

    /** Releases a live token's slot (its memory was handed back first); returns its completion. */
    Completion finish(long token) {
        return finish(token, 0);
    }

    /** {@link #finish(long)} of an operation whose completion gets {@code res} (counted: -ECANCELED is a cancel). */
    Completion finish(long token, int res) {
        IoUringOpKind kind = kind(token);
        fds.finished(ops.handle(token), kind.direction());
        counters.completed(kind.counted(), res);
        return ops.release(token);
    }

    /**
     * SQ full: hands the queued SQEs to the kernel now, without waiting, and carries on; an SQE is never
     * dropped. If the kernel refuses for want of CQ room (EBUSY on kernels that cap the overflow list), the
     * ready CQEs move to the stash and an enter with GETEVENTS lets it flush its backlog.
     */
    void ensureSqSpace() {
        ensureSqRoom(1);
    }

    /** {@link #ensureSqSpace} for {@code n} SQEs written back to back (an operation and its linked timeout). */
    void ensureSqRoom(int n) {
        for (int round = 0; sq.pending() > sq.entries() - n; round++) {
            if (round == SQ_FULL_ROUNDS) {
                throw new IllegalStateException("io_uring SQ stays full after " + round + " submits");
            }
            int r = ring.submit();
            if (r == -Errno.EBUSY || r == -Errno.EAGAIN) {
                stashReady();
                ring.submitAndWait(0, 0);
                stashReady();
            } else if (r < 0 && r != -Errno.EINTR) {
                throw enterFailed(r);
            }
        }
    }

    /**
     * Releases every live operation without waiting for its CQE and completes it with -ECANCELED; for a
     * ring that can no longer be reaped, whose memory the caller then leaks. Returns how many there were.
     */
    int abandonAll() {
        long[] live = ops.liveTokens();
        for (long token : live) {
            fds.finished(ops.handle(token), kind(token).direction());
            counters.completed(kind(token).counted(), -Errno.ECANCELED);
            Completion c = ops.release(token);
            if (c != null) {
                c.complete(-Errno.ECANCELED);
            }
        }
        return live.length;
    }

    /**
     * Cancels every operation (IORING_ASYNC_CANCEL_ANY | ALL) and reaps, running completions, until none is
     * left and {@code alsoPending} is false; at most {@code rounds} waits of {@code waitNs}. Stops early when
     * the ring refuses this thread (EEXIST: not its single issuer), leaving the caller to find ops left.
     */
    void cancelAllAndDrain(long cancelUserData, int rounds, long waitNs, BooleanSupplier alsoPending) {
        ensureSqSpace();
        sq.prepCancel(0, IoUring.ASYNC_CANCEL_ANY | IoUring.ASYNC_CANCEL_ALL, cancelUserData);
        for (int round = 0; round < rounds && (ops.size() > 0 || alsoPending.getAsBoolean() || !stash.isEmpty());
             round++) {
            runStash(Integer.MAX_VALUE);
            if (ring.submitAndWait(1, waitNs) == -Errno.EEXIST) {
                break;
            }
            reap(Integer.MAX_VALUE);
        }
        runStash(Integer.MAX_VALUE);
    }

    /**
     * One loop turn's kernel work, in one io_uring_enter: runs stashed CQEs, submits what was queued and waits
     * up to {@code timeoutNs} for a completion (not at all when some ran already), then runs up to {@code limit}
     * completions in all. A CQ that overflowed costs a second enter to collect what the kernel held back.
     */
    int poll(long timeoutNs, int limit) {
        int ran = runStash(limit);
        boolean wait = timeoutNs != 0 && ran == 0 && ring.cqReady() == 0;
        if (wait) {
            counters.sleeping();
        }
        int r = ring.submitAndWait(wait ? 1 : 0, timeoutNs);
        counters.awake();
        if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR && r != -Errno.EBUSY && r != -Errno.EAGAIN) {
            throw enterFailed(r);
        }
        ran += reap(limit - ran);
        if ((ring.sqFlagsAcquire() & IoUring.SQ_CQ_OVERFLOW) != 0 && ran < limit) {
            // The kernel holds the excess CQEs (FEAT_NODROP) until we enter again.
            ring.submitAndWait(0, 0);
            ran += reap(limit - ran);
        }
        counters.kernelWaits(ring.enterCount()); // every enter since the last poll: SQ-full flushes, closes
        return ran;
    }

    /** Moves every ready CQE to the stash without running it. */
    void stashReady() {
        while (ring.cqReady() > 0) {
            stash.add(ring.cqeUserData(), ring.cqeRes(), ring.cqeFlags());
            ring.cqAdvance();
        }
    }

    static IllegalStateException enterFailed(int r) {
        String hint = r == -Errno.EEXIST
                ? " (IORING_SETUP_SINGLE_ISSUER: only the loop thread that first polled may use this ring)" : "";
        return new IllegalStateException("io_uring_enter: " + Errno.describe(r) + hint);
    }

    /** Runs up to {@code limit} ready CQEs; returns how many completions were called. */
    int reap(int limit) {
        int ran = 0;
        while (ran < limit && ring.cqReady() > 0) {
            long ud = ring.cqeUserData();
            int res = ring.cqeRes();
            int flags = ring.cqeFlags();
            ring.cqAdvance(); // before dispatch: a completion may submit, and a full SQ may reap (into the stash)
            if (handler.dispatch(ud, res, flags)) {
                ran++;
            }
        }
        return ran;
    }

    /** Runs up to {@code limit} stashed CQEs; returns how many completions were called. */
    int runStash(int limit) {
        int ran = 0;
        while (!stash.isEmpty() && ran < limit) {
            long ud = stash.peekUserData();
            int res = stash.peekResult();
            int flags = stash.peekFlags();
            stash.pop();
            if (handler.dispatch(ud, res, flags)) {
                ran++;
            }
        }
        return ran;
    }

    /**
     * Waits until every operation on {@code fd} has its CQE (their cancel is queued), running their
     * completions here and stashing all other CQEs for the next poll. Bounded: should an operation refuse to
     * finish, it stays in the table, its memory stays alive, and a later poll delivers it.
     */
    void drainFd(int fd, int rounds, long waitNs) {
        for (int i = stash.start(); i < stash.end() && fds.pending(fd) > 0; i++) {
            long ud = stash.userDataAt(i);
            if (ud >= 0 && ops.isLive(ud) && ops.handle(ud) == fd) {
                stash.take(i);
                handler.dispatch(ud, stash.resultAt(i), stash.flagsAt(i));
            }
        }
        for (int round = 0; fds.pending(fd) > 0 && round < rounds; round++) {
            ring.submitAndWait(1, waitNs);
            while (ring.cqReady() > 0) {
                long ud = ring.cqeUserData();
                int res = ring.cqeRes();
                int flags = ring.cqeFlags();
                ring.cqAdvance();
                if (ud >= 0 && ops.isLive(ud) && ops.handle(ud) == fd) {
                    handler.dispatch(ud, res, flags);
                } else {
                    stash.add(ud, res, flags);
                }
            }
        }
    }

    // ---- debugging: allocates, never called on the hot path ----

    /** A user_data for messages: the driver's own by name, an op-table token as {@code slot.generation}. */
    static String tokenName(long userData) {
        if (userData == WAKE_TOKEN) {
            return "WAKE";
        } else if (userData == CANCEL_TOKEN) {
            return "CANCEL";
        } else if (userData == TIMEOUT_TOKEN) {
            return "TIMEOUT";
        } else if (userData == IoUringCqeStash.TAKEN) {
            return "TAKEN";
        }
        return userData < 0 ? Long.toString(userData) : slot(userData) + "." + (userData >>> 32);
    }

    /**
     * One operation for messages: its kind, token, handle, the SQE's opcode and the slot's memory state, e.g.
     * {@code RECV#3.1(fd=9, RECV, cancelled)}; a token no longer live says so.
     */
    String describe(long token) {
        if (!ops.isLive(token)) {
            return tokenName(token) + "(not live)";
        }
        IoUringOpKind kind = kind(token);
        String sqe = kind.opcode() == IoUringOpKind.NO_SQE ? "no SQE" : IoUring.opcodeName(kind.opcode());
        return kind + "#" + tokenName(token) + "(fd=" + ops.handle(token) + ", " + sqe
                + (ops.lookup(token) == null ? ", no completion" : "") + memory.describe(slot(token)) + ")";
    }

    @Override
    public String toString() {
        return "IoUringEngine[" + state() + "]";
    }

    /** The ring, the counts and up to {@value #DESCRIBED_OPS} live operations, for the driver's toString. */
    String state() {
        StringBuilder b = new StringBuilder().append(ring).append(", inflight=").append(ops.size())
                .append(", fixedFiles=").append(fixedFileCount()).append(", stash=[");
        for (int i = stash.start(); i < stash.end(); i++) {
            b.append(i == stash.start() ? "" : ", ").append(tokenName(stash.userDataAt(i))).append(" res=")
                    .append(stash.resultAt(i)).append(" flags=0x").append(Integer.toHexString(stash.flagsAt(i)));
        }
        b.append("], ops=[");
        long[] live = ops.liveTokens();
        for (int i = 0; i < Math.min(live.length, DESCRIBED_OPS); i++) {
            b.append(i == 0 ? "" : ", ").append(describe(live[i]));
        }
        if (live.length > DESCRIBED_OPS) {
            b.append(", ... ").append(live.length - DESCRIBED_OPS).append(" more");
        }
        return b.append(']').toString();
    }
}
