package io.ringloop.driver;

import io.ringloop.sys.Errno;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The life cycle of an operation on a readiness backend (epoll, NIO), written once: try the system call first;
 * only when it would block, take an {@link OpTable} slot and wait; on each readiness report of its direction,
 * try again; complete exactly once, with the result, or with {@code -ECANCELED} on cancel or close. The backend
 * supplies the try and the readiness registration ({@link ReadinessBackend}) and reports readiness with
 * {@link #onReady}; it keeps its handles, its readiness cache and its event source.
 *
 * <p><b>Rules kept here.</b>
 * <ul>
 *   <li>A completion serves one operation at a time: one that already has an operation pending is refused with an
 *       {@link IllegalStateException} before anything is tried ({@link #requireIdle}, as io_uring does).</li>
 *   <li>One pending read-side op (read, readv, accept, receiveFrom) and one write-side op (write, writev, connect,
 *       sendTo) per handle, as with any stream; another gets {@code -EBUSY}.</li>
 *   <li>A pending op has consumed nothing: its try and its completion happen together inside the backend's poll. So
 *       a cancel never loses data, and {@code -ECANCELED} is always the honest result of one.</li>
 *   <li>A completion runs after the op's slot and the handle's pending token are cleared, so it may start the
 *       next operation on the same handle (or, on close, find the handle gone and get EBADF).</li>
 *   <li>Bounded work: one try per pending op per readiness report; the backend bounds the reports per poll.</li>
 * </ul>
 *
 * <p><b>State.</b> Per handle (an index, grown on demand): the token of the pending read-side op and of the
 * pending write-side op, or {@link #NO_OP}. Per op, in its {@link OpTable} slot: completion, handle, kind
 * ({@link ReadinessOp}), buffer, a {@code long} argument and an attachment, so a retry allocates nothing. A
 * handle's tokens are cleared when it closes ({@link #cancelAll(int)}), so a reused number starts idle.
 *
 * <p>Loop thread only. The hot paths (a try that completes at once; a report, its retry and the completion)
 * allocate nothing and make no system call besides the backend's try.
 */
public final class ReadinessCore {
    /** No operation pending on that side of the handle. */
    public static final long NO_OP = -1L;

    private final ReadinessBackend backend;
    private final OpTable ops;
    /** The driver's counters: every operation started here, its completion, its cancel. */
    private final DriverCounters counters;
    /** Per handle: token of the pending read-side op, or {@link #NO_OP}. Replaced when it grows. */
    private long[] readOps;
    /** Per handle: token of the pending write-side op, or {@link #NO_OP}. Replaced when it grows. */
    private long[] writeOps;

    /** {@code handles}, {@code slots}: first capacities of the per-handle index and of the op table. */
    public ReadinessCore(ReadinessBackend backend, int handles, int slots) {
        this(backend, handles, slots, new DriverCounters());
    }

    /** Counting into {@code counters}, the driver's ({@link Driver#counters()}). */
    public ReadinessCore(ReadinessBackend backend, int handles, int slots, DriverCounters counters) {
        this.backend = backend;
        this.counters = counters;
        this.ops = new OpTable(slots);
        this.readOps = idle(Math.max(1, handles));
        this.writeOps = idle(Math.max(1, handles));
    }

    private static long[] idle(int n) {
        long[] a = new long[n];
        Arrays.fill(a, NO_OP);
        return a;
    }

    /** Refuses a completion that already has an operation pending (on this driver or any other). */
    public static void requireIdle(Completion completion) {
        if (completion.isPending()) {
            throw new IllegalStateException("completion already has an operation pending");
        }
    }

    /**
     * Starts an operation: its result at once, {@code -errno}, {@code -EBUSY} when its side of the handle has one
     * pending, or {@link Driver#PENDING} (then {@code completion} gets the result later, exactly once). The handle
     * must be open; the backend checks that first.
     *
     * @throws IllegalStateException when {@code completion} already has an operation pending
     */
    public int start(int handle, int kind, MemorySegment buffer, long arg, Object attachment, Completion completion) {
        requireIdle(completion);
        return counters.immediate(ReadinessOp.counted(kind), begin(handle, kind, buffer, arg, attachment, completion));
    }

    /** {@link #start} after its check: the result at once, or PENDING with the operation counted as pending. */
    private int begin(int handle, int kind, MemorySegment buffer, long arg, Object attachment, Completion completion) {
        boolean readSide = ReadinessOp.isReadSide(kind);
        if (pending(handle, readSide) != NO_OP) {
            return -Errno.EBUSY;
        }
        int r = backend.attempt(handle, kind, buffer, arg, attachment);
        if (r != -Errno.EAGAIN) {
            return r;
        }
        r = backend.arm(handle, kind);
        if (r < 0) {
            return r;
        }
        long token = ops.claim(completion, handle, kind, buffer);
        ops.setArg(token, arg);
        ops.attach(token, attachment);
        setPending(handle, readSide, token);
        counters.pending(ReadinessOp.counted(kind));
        return Driver.PENDING;
    }

    /** True when an operation of that side waits on {@code handle}. */
    public boolean isPending(int handle, boolean readSide) {
        return pending(handle, readSide) != NO_OP;
    }

    /** True when nothing waits on {@code handle}, on either side. */
    public boolean isIdle(int handle) {
        return pending(handle, true) == NO_OP && pending(handle, false) == NO_OP;
    }

    private long pending(int handle, boolean readSide) {
        long[] tokens = readSide ? readOps : writeOps;
        return handle < tokens.length ? tokens[handle] : NO_OP;
    }

    private void setPending(int handle, boolean readSide, long token) {
        if (handle >= readOps.length) {
            int n = Math.max(handle + 1, readOps.length * 2);
            int old = readOps.length;
            readOps = Arrays.copyOf(readOps, n);
            writeOps = Arrays.copyOf(writeOps, n);
            Arrays.fill(readOps, old, n, NO_OP);
            Arrays.fill(writeOps, old, n, NO_OP);
        }
        if (readSide) {
            readOps[handle] = token;
        } else {
            writeOps[handle] = token;
        }
    }

    /**
     * The backend saw {@code handle} ready for one side (and has noted it in its readiness cache): tries the op
     * pending there, and completes it unless it would still block. Returns 1 if an op completed, else 0.
     */
    public int onReady(int handle, boolean readSide) {
        long token = pending(handle, readSide);
        if (token == NO_OP || !ops.isLive(token)) {
            return 0;
        }
        int r;
        try {
            r = backend.attempt(handle, ops.kind(token), ops.buffer(token), ops.arg(token), ops.attachment(token));
        } catch (RuntimeException e) {
            // One operation's bad buffer (freed, or confined to another thread) fails that operation only.
            r = -Errno.EFAULT;
        }
        if (r == -Errno.EAGAIN) {
            return 0;
        }
        // The try may have opened a handle (accept); the per-handle arrays are read again, never held across it.
        setPending(handle, readSide, NO_OP);
        counters.completed(ReadinessOp.counted(ops.kind(token)), r);
        Completion c = ops.release(token);
        c.complete(r);
        return 1;
    }

    /** {@link Driver#cancel}: false when {@code completion} has no operation pending here. */
    public boolean cancel(Completion completion) {
        long token = completion.token();
        if (!ops.isLive(token) || ops.lookup(token) != completion) {
            return false;
        }
        int handle = ops.handle(token);
        int kind = ops.kind(token);
        boolean readSide = ReadinessOp.isReadSide(kind);
        if (pending(handle, readSide) == token) {
            setPending(handle, readSide, NO_OP);
            backend.disarm(handle, kind);
        }
        end(token);
        return true;
    }

    /**
     * {@code handle} is closing: completes what waits on it with {@code -ECANCELED} and leaves it idle. Call it
     * after the backend has forgotten the handle, so a completion that starts again gets EBADF.
     */
    public void cancelAll(int handle) {
        long read = pending(handle, true);
        long write = pending(handle, false);
        if (read != NO_OP) {
            setPending(handle, true, NO_OP);
        }
        if (write != NO_OP) {
            setPending(handle, false, NO_OP);
        }
        end(read);
        end(write);
    }

    /** The driver is closing: completes every pending operation with {@code -ECANCELED}. */
    public void close() {
        for (long token : ops.liveTokens()) {
            if (!ops.isLive(token)) {
                continue; // ended by an earlier completion of this loop
            }
            int handle = ops.handle(token);
            boolean readSide = ReadinessOp.isReadSide(ops.kind(token));
            if (pending(handle, readSide) == token) {
                setPending(handle, readSide, NO_OP);
            }
            end(token);
        }
    }

    /** Ends a pending op with -ECANCELED; nothing for {@link #NO_OP} or a stale token. */
    private void end(long token) {
        if (token == NO_OP || !ops.isLive(token)) {
            return;
        }
        counters.completed(ReadinessOp.counted(ops.kind(token)), -Errno.ECANCELED);
        Completion c = ops.release(token);
        if (c != null) {
            c.complete(-Errno.ECANCELED);
        }
    }

    /** One pending operation for a log or a debugger: {@code "READ on 7 (slot 3, generation 1)"}. */
    public String describe(long token) {
        if (!ops.isLive(token)) {
            return "no operation (token " + token + ")";
        }
        return ReadinessOp.name(ops.kind(token)) + " on " + ops.handle(token)
                + " (slot " + (int) token + ", generation " + (int) (token >>> 32) + ")";
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ReadinessCore[").append(ops.size()).append(" pending");
        for (long token : ops.liveTokens()) {
            s.append(", ").append(describe(token));
        }
        return s.append(']').toString();
    }
}
