package io.ringloop.driver.fault;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.OpTable;
import io.ringloop.driver.SocketOpt;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Driver} that wraps a real backend and, from a seed, injects the {@link Fault faults} of a
 * {@link FaultMix} while keeping the driver contract: short counts, results delivered later instead of at once
 * (EAGAIN), calls made on a later poll (EINTR), completions held back or delivered in another order across
 * handles (never overtaking one of the same handle), waits that return with nothing; and, when the mix is
 * hostile, resets and failed accepts. EAGAIN and EINTR never escape: they become {@link Driver#PENDING} and a
 * later completion, as in every backend.
 *
 * <p>Every decision draws from one {@link SplittableRandom}, so a seed gives the same faults for the same
 * sequence of calls (the kernel's timing still varies between runs). Each injected fault is counted per kind
 * ({@link #count}) and process-wide ({@link #totals}). The wrapper also checks the backend: a completion that
 * arrives twice, or for nothing pending, is recorded in {@link #violations()}.
 *
 * <p>Loop thread only, like the backend, except {@link #wakeup()}.
 */
public final class FaultInjectingDriver implements Driver {
    /** System property: a seed puts every loop opened afterwards on this wrapper (see {@code Drivers}). */
    public static final String SEED_PROPERTY = "ringloop.faultSeed";
    /** System property: the mix for {@link #SEED_PROPERTY} ({@link FaultMix#named}); default benign. */
    public static final String MIX_PROPERTY = "ringloop.faultMix";

    private static final Fault[] KINDS = Fault.values();
    private static final LongAdder[] TOTALS = new LongAdder[KINDS.length];
    /** Polls a {@link Fault#DELAYED} completion is held back: 1 up to this. */
    private static final int MAX_DELAY_POLLS = 3;

    static {
        for (int i = 0; i < TOTALS.length; i++) {
            TOTALS[i] = new LongAdder();
        }
    }

    private final Driver delegate;
    private final long seed;
    /** Where the seed came from, for messages: how to reproduce this run. */
    private final String origin;
    private final FaultMix mix;
    private final SplittableRandom random;
    private final long[] counts = new long[KINDS.length];
    /** Tokens for the callers' completions while the wrapper owes them a result; attachment: the FaultOp. */
    private final OpTable ops = new OpTable(64);
    /** {@link Fault#RETRIED} calls, made at the next poll, in order. */
    private final ArrayDeque<FaultOp> retries = new ArrayDeque<>();
    /** Results held back, in arrival order (the order they keep per handle). */
    private final HeldResults held;
    /** Handles a {@link Fault#RESET} broke. */
    private final java.util.Set<Integer> broken = new java.util.HashSet<>();
    private final List<String> violations = new ArrayList<>();
    private int nextAnonymousHandle = -2;
    private boolean polling;
    private boolean closing;
    private int delivered;

    /** Wraps {@code delegate}; decisions follow {@code seed}. */
    public FaultInjectingDriver(Driver delegate, long seed, FaultMix mix) {
        this(delegate, seed, mix, "seed " + seed);
    }

    private FaultInjectingDriver(Driver delegate, long seed, FaultMix mix, String origin) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
        this.origin = origin;
        this.seed = seed;
        this.mix = java.util.Objects.requireNonNull(mix, "mix");
        this.random = new SplittableRandom(seed);
        this.held = new HeldResults(this);
    }

    /**
     * {@code driver} wrapped when the {@link #SEED_PROPERTY} system property is set, else {@code driver}
     * itself. Each loop gets its own stream of decisions, from the seed and {@code loopName}.
     */
    public static Driver wrapIfRequested(Driver driver, String loopName) {
        String s = System.getProperty(SEED_PROPERTY);
        if (s == null || s.isBlank()) {
            return driver;
        }
        long base = Long.parseLong(s.trim());
        FaultMix m = FaultMix.named(System.getProperty(MIX_PROPERTY, "benign"));
        return new FaultInjectingDriver(driver, base * 0x9E3779B97F4A7C15L + loopName.hashCode(), m,
                "-D" + SEED_PROPERTY + "=" + base + " on " + loopName);
    }

    /** Faults of {@code kind} injected by every wrapper in this process so far. */
    public static long total(Fault kind) {
        return TOTALS[kind.ordinal()].sum();
    }

    /** {@link #total} of every kind, by ordinal. */
    public static long[] totals() {
        long[] out = new long[KINDS.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = TOTALS[i].sum();
        }
        return out;
    }

    /** Faults of {@code kind} this wrapper injected. Loop thread (or after the loop stopped). */
    public long count(Fault kind) {
        return counts[kind.ordinal()];
    }

    /** Contract breaches seen in the backend (a completion twice, or for nothing pending); empty when none. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    public Driver delegate() {
        return delegate;
    }

    public FaultMix mix() {
        return mix;
    }

    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "faults(" + delegate.name() + ", " + origin + ", " + mix + ")";
    }

    // ---- decisions ----

    /** True, and counted, when {@code kind} is injected now. Draws only when the mix has that kind. */
    boolean roll(Fault kind) {
        double p = mix.chance(kind);
        if (p <= 0 || random.nextDouble() >= p) {
            return false;
        }
        counts[kind.ordinal()]++;
        TOTALS[kind.ordinal()].increment();
        return true;
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** A count for a transfer of {@code length} bytes: usually all, sometimes fewer (often very few). */
    private int transferLength(int length) {
        if (length <= 1 || !roll(Fault.SHORT_TRANSFER)) {
            return length;
        }
        return 1 + random.nextInt(random.nextBoolean() ? Math.min(length, 16) : length);
    }

    // ---- synchronous calls: passed on ----

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int socket(int family, int type) {
        return delegate.socket(family, type);
    }

    @Override
    public int bind(int handle, InetSocketAddress address) {
        return delegate.bind(handle, address);
    }

    @Override
    public int listen(int handle, int backlog) {
        return delegate.listen(handle, backlog);
    }

    @Override
    public int setOption(int handle, SocketOpt option, int value) {
        return delegate.setOption(handle, option, value);
    }

    @Override
    public int getOption(int handle, SocketOpt option) {
        return delegate.getOption(handle, option);
    }

    @Override
    public InetSocketAddress localAddress(int handle) throws IOException {
        return delegate.localAddress(handle);
    }

    @Override
    public InetSocketAddress peerAddress(int handle) throws IOException {
        return delegate.peerAddress(handle);
    }

    @Override
    public int shutdown(int handle, int how) {
        return delegate.shutdown(handle, how);
    }

    /** The backend closes first (its pending operations complete); then what the wrapper holds is settled. */
    @Override
    public int close(int handle) {
        int r = delegate.close(handle);
        settle(handle);
        broken.remove(handle);
        return r;
    }

    @Override
    public Object detach(int handle) {
        for (long token : ops.liveTokens()) {
            if (ops.handle(token) == handle) {
                return null; // the caller still waits for an operation on it
            }
        }
        return delegate.detach(handle);
    }

    @Override
    public int adopt(Object detached) {
        return delegate.adopt(detached);
    }

    @Override
    public boolean supportsFiles() {
        return delegate.supportsFiles();
    }

    // ---- asynchronous calls ----

    @Override
    public int accept(int handle, Completion completion) {
        if (roll(Fault.ACCEPT_ABORTED)) {
            return -Errno.ECONNABORTED; // nothing taken from the backlog
        }
        return start(completion, handle, "accept", op -> delegate.accept(handle, op), true);
    }

    @Override
    public int connect(int handle, InetSocketAddress address, Completion completion) {
        return start(completion, handle, "connect", op -> delegate.connect(handle, address, op), true);
    }

    @Override
    public int read(int handle, MemorySegment buffer, Completion completion) {
        return read(handle, buffer, 0, (int) Math.min(buffer.byteSize(), Integer.MAX_VALUE), completion);
    }

    @Override
    public int write(int handle, MemorySegment buffer, Completion completion) {
        return write(handle, buffer, 0, (int) Math.min(buffer.byteSize(), Integer.MAX_VALUE), completion);
    }

    @Override
    public int read(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        if (length == 0 || buffer.isReadOnly()) {
            return delegate.read(handle, buffer, offset, length, completion); // the backend's own answer
        }
        int broke = breakage(handle, true);
        if (broke != 0) {
            return broke;
        }
        int n = transferLength(length);
        return start(completion, handle, "read", op -> delegate.read(handle, buffer, offset, n, op), true);
    }

    @Override
    public int write(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        if (length == 0) {
            return delegate.write(handle, buffer, offset, length, completion);
        }
        int broke = breakage(handle, false);
        if (broke != 0) {
            return broke;
        }
        int n = transferLength(length);
        return start(completion, handle, "write", op -> delegate.write(handle, buffer, offset, n, op), true);
    }

    @Override
    public int readv(int handle, MemorySegment[] buffers, Completion completion) {
        if (!Vectors.valid(buffers, true)) {
            return delegate.readv(handle, buffers, completion); // throws as the contract says
        }
        int broke = breakage(handle, true);
        if (broke != 0) {
            return broke;
        }
        MemorySegment[] some = Vectors.shorten(buffers, this);
        return start(completion, handle, "readv", op -> delegate.readv(handle, some, op), true);
    }

    @Override
    public int writev(int handle, MemorySegment[] buffers, Completion completion) {
        if (!Vectors.valid(buffers, false)) {
            return delegate.writev(handle, buffers, completion);
        }
        int broke = breakage(handle, false);
        if (broke != 0) {
            return broke;
        }
        MemorySegment[] some = Vectors.shorten(buffers, this);
        return start(completion, handle, "writev", op -> delegate.writev(handle, some, op), true);
    }

    /** A datagram is never shortened (that would truncate it); it may still come later. */
    @Override
    public int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        return start(completion, handle, "receiveFrom",
                op -> delegate.receiveFrom(handle, buffer, senderAddress, op), !buffer.isReadOnly());
    }

    @Override
    public int sendTo(int handle, MemorySegment buffer, InetSocketAddress target, Completion completion) {
        return start(completion, handle, "sendTo", op -> delegate.sendTo(handle, buffer, target, op), true);
    }

    @Override
    public int pollReady(int fd, int events, Completion completion) {
        return start(completion, fd, "pollReady", op -> delegate.pollReady(fd, events, op), true);
    }

    @Override
    public int openFile(MemorySegment path, int flags, int mode, Completion completion) {
        int key = nextAnonymousHandle;
        nextAnonymousHandle = key == Integer.MIN_VALUE + 1 ? -2 : key - 1;
        return start(completion, key, "openFile", op -> delegate.openFile(path, flags, mode, op), true);
    }

    @Override
    public int readFile(int fd, MemorySegment buffer, long offset, int length, long position, Completion completion) {
        int n = buffer.isReadOnly() ? length : transferLength(length);
        return start(completion, fd, "readFile",
                op -> delegate.readFile(fd, buffer, offset, n, position, op), !buffer.isReadOnly());
    }

    @Override
    public int writeFile(int fd, MemorySegment buffer, long offset, int length, long position, Completion completion) {
        int n = transferLength(length);
        return start(completion, fd, "writeFile", op -> delegate.writeFile(fd, buffer, offset, n, position, op),
                true);
    }

    @Override
    public int syncFile(int fd, boolean dataOnly, Completion completion) {
        return start(completion, fd, "syncFile", op -> delegate.syncFile(fd, dataOnly, op), true);
    }

    @Override
    public int closeFile(int fd, Completion completion) {
        return start(completion, fd, "closeFile", op -> delegate.closeFile(fd, op), true);
    }

    /**
     * Starts one operation: made now or on a later poll ({@link Fault#RETRIED}); a result the backend gives at
     * once is returned, or held and delivered later ({@link Fault#AS_PENDING}). {@code retryable} is false
     * where a later call could throw what the caller expects at once.
     */
    private int start(Completion completion, int handle, String what, FaultOp.Call call, boolean retryable) {
        if (completion.isPending()) {
            return -Errno.EBUSY; // one operation per completion at a time
        }
        FaultOp op = new FaultOp(this, completion, handle, what, call);
        op.userToken = ops.claim(completion, handle, 1, null);
        ops.attach(op.userToken, op);
        if (retryable && !closing && roll(Fault.RETRIED)) {
            retries.add(op);
            return PENDING;
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
        if (r == PENDING) {
            return PENDING;
        }
        if (!closing && roll(Fault.AS_PENDING)) {
            held.add(op, r, 0);
            return PENDING;
        }
        op.state = FaultOp.DONE;
        ops.release(op.userToken);
        return r;
    }

    /**
     * For a broken handle (or one a {@link Fault#RESET} breaks now): {@code -ECONNRESET} for a read,
     * {@code -EPIPE} for a write; the peer sees the connection shut. 0 otherwise.
     */
    private int breakage(int handle, boolean read) {
        if (!broken.contains(handle)) {
            if (!roll(Fault.RESET)) {
                return 0;
            }
            broken.add(handle);
            delegate.shutdown(handle, SHUT_RDWR);
        }
        return read ? -Errno.ECONNRESET : -Errno.EPIPE;
    }

    // ---- completions ----

    /** The backend completed {@code op}: deliver now, or hold it back. */
    void arrived(FaultOp op, int r) {
        if (op.state != FaultOp.IN_BACKEND) {
            violations.add(delegate.name() + ": " + op + " completed with " + r + " in state " + op.state
                    + " (twice, or never pending)");
            return;
        }
        if (closing) {
            deliver(op, r);
        } else if (roll(Fault.DELAYED)) {
            held.add(op, r, 1 + random.nextInt(MAX_DELAY_POLLS));
        } else if (held.has(op.handle)) {
            held.add(op, r, 0); // behind what its handle already has held: never overtaken
        } else if (polling && roll(Fault.REORDERED)) {
            held.add(op, r, 0); // after the completions that arrive behind it in this poll
        } else {
            deliver(op, r);
        }
    }

    /** Hands {@code r} to the caller's completion. */
    void deliver(FaultOp op, int r) {
        if (op.state == FaultOp.DONE) {
            violations.add(delegate.name() + ": " + op + " delivered twice");
            return;
        }
        op.state = FaultOp.DONE;
        Completion c = ops.release(op.userToken);
        if (c != op.user) {
            violations.add(delegate.name() + ": " + op + " had lost its token");
        }
        delivered++;
        op.user.complete(r);
    }

    @Override
    public boolean cancel(Completion completion) {
        long token = completion.token();
        if (token == Completion.IDLE || ops.lookup(token) != completion) {
            return false;
        }
        FaultOp op = (FaultOp) ops.attachment(token);
        return switch (op.state) {
            case FaultOp.WAITING -> {
                retries.remove(op);
                held.add(op, -Errno.ECANCELED, 0);
                yield true;
            }
            case FaultOp.IN_BACKEND -> delegate.cancel(op);
            default -> true; // held: its real result raced the cancel and is on its way
        };
    }

    @Override
    public boolean deadline(Completion completion, long timeoutNs) {
        long token = completion.token();
        if (token == Completion.IDLE || ops.lookup(token) != completion) {
            return false;
        }
        FaultOp op = (FaultOp) ops.attachment(token);
        return op.state == FaultOp.IN_BACKEND && delegate.deadline(op, timeoutNs);
    }

    /** What the wrapper owes on {@code handle}, settled in order as its close requires. */
    private void settle(int handle) {
        for (FaultOp op : retries.toArray(new FaultOp[0])) {
            if (op.handle == handle) {
                retries.remove(op);
                held.add(op, -Errno.ECANCELED, 0);
            }
        }
        held.deliverAll(handle);
        for (long token : ops.liveTokens()) {
            if (ops.handle(token) == handle && ((FaultOp) ops.attachment(token)).state == FaultOp.IN_BACKEND) {
                violations.add(delegate.name() + ": " + ops.attachment(token) + " still pending after close");
            }
        }
    }

    @Override
    public int poll(long timeoutNs) {
        int before = delivered;
        polling = true;
        try {
            for (int n = retries.size(); n > 0 && !retries.isEmpty(); n--) {
                FaultOp op = retries.poll();
                op.state = FaultOp.IN_BACKEND;
                int r = op.call.start(op);
                if (r != PENDING) {
                    held.add(op, r, 0);
                }
            }
            boolean owed = !held.isEmpty() || !retries.isEmpty();
            if (timeoutNs != 0 && !owed && roll(Fault.SPURIOUS_WAKEUP)) {
                return 0;
            }
            delegate.poll(owed ? 0 : timeoutNs);
        } finally {
            polling = false;
        }
        held.deliverDue(mix.chance(Fault.REORDERED) > 0);
        return delivered - before;
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public long wakeupCount() {
        return delegate.wakeupCount();
    }

    @Override
    public long waitCalls() {
        return delegate.waitCalls();
    }

    @Override
    public int openHandles() {
        return delegate.openHandles();
    }

    /**
     * Calls never made and held results complete with -ECANCELED (a held accept's connection is the backend's
     * to close), then the backend completes what it has.
     */
    @Override
    public void close() {
        closing = true;
        while (!retries.isEmpty()) {
            FaultOp op = retries.poll();
            op.state = FaultOp.HELD;
            deliver(op, -Errno.ECANCELED);
        }
        held.cancelAll();
        delegate.close();
    }
}
