package io.ringloop.driver.fault;

import io.ringloop.driver.Completion;
import io.ringloop.driver.DatagramBatch;
import io.ringloop.driver.Driver;
import io.ringloop.sys.Errno;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link Driver} that wraps a real backend and, from a seed, injects the {@link Fault faults} of a
 * {@link FaultMix} while keeping the driver contract: short counts, results delivered later instead of at once
 * (EAGAIN), calls made on a later poll (EINTR), completions held back or delivered in another order across
 * handles (never overtaking one of the same handle), waits that return with nothing; and, when the mix is
 * hostile, resets and failed accepts. EAGAIN and EINTR never escape: they become {@link Driver#PENDING} and a
 * later completion, as in every backend.
 *
 * <p>Every decision draws from one {@code SplittableRandom}, so a seed gives the same faults for the same
 * sequence of calls (the kernel's timing still varies between runs). Each injected fault is counted per kind
 * ({@link #count}) and process-wide ({@link #total}). The wrapper also checks the backend: a completion that
 * arrives twice, or for nothing pending, is recorded in {@link #violations()}.
 *
 * <p>Loop thread only, like the backend, except {@link #wakeup()}.
 */
public final class FaultInjectingDriver extends ForwardingDriver {
    /** System property: a seed puts every loop opened afterwards on this wrapper (see {@code Drivers}). */
    public static final String SEED_PROPERTY = "ringloop.faultSeed";
    /** System property: the mix for {@link #SEED_PROPERTY} ({@link FaultMix#named}); default benign. */
    public static final String MIX_PROPERTY = "ringloop.faultMix";

    /** Where the seed came from, for messages: how to reproduce this run. */
    private final String origin;
    private final FaultMix mix;
    private final FaultDice dice;
    /** What the callers are owed: pending operations, calls put off, results held back. */
    private final FaultLedger ledger;
    /** Handles a {@link Fault#RESET} broke. */
    private final Set<Integer> broken = new HashSet<>();
    /** Pipe ends this wrapper opened ({@link #pipe}): a splice's other handle is its socket. */
    private final Set<Integer> pipeEnds = new HashSet<>();
    private int nextAnonymousHandle = -2;

    /** Wraps {@code delegate}; decisions follow {@code seed}. */
    public FaultInjectingDriver(Driver delegate, long seed, FaultMix mix) {
        this(delegate, seed, mix, "seed " + seed);
    }

    private FaultInjectingDriver(Driver delegate, long seed, FaultMix mix, String origin) {
        super(Objects.requireNonNull(delegate, "delegate"));
        this.origin = origin;
        this.mix = Objects.requireNonNull(mix, "mix");
        this.dice = new FaultDice(seed, mix);
        this.ledger = new FaultLedger(this, delegate, dice);
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
        return FaultDice.total(kind);
    }

    /** Faults of {@code kind} this wrapper injected. Loop thread (or after the loop stopped). */
    public long count(Fault kind) {
        return dice.count(kind);
    }

    /** Contract breaches seen in the backend (a completion twice, or for nothing pending); empty when none. */
    public List<String> violations() {
        return ledger.violations();
    }

    @Override
    public String toString() {
        return "faults(" + delegate.name() + ", " + origin + ", " + mix + ")";
    }

    // ---- synchronous calls: passed on ----

    @Override
    public int socket(int family, int type) {
        int r = delegate.socket(family, type);
        ledger.opened(r);
        return r;
    }

    /** The backend closes first (its pending operations complete); then what the wrapper holds is settled. */
    @Override
    public int close(int handle) {
        int r = delegate.close(handle);
        ledger.closed(handle);
        ledger.settle(handle);
        broken.remove(handle);
        pipeEnds.remove(handle);
        return r;
    }

    @Override
    public Object detach(int handle) {
        if (ledger.owesOn(handle)) {
            return null; // the caller still waits for an operation on it
        }
        Object detached = delegate.detach(handle);
        if (detached != null) {
            ledger.closed(handle);
        }
        return detached;
    }

    @Override
    public int adopt(Object detached) {
        int r = delegate.adopt(detached);
        ledger.opened(r);
        return r;
    }

    // ---- asynchronous calls ----

    @Override
    public int accept(int handle, Completion completion) {
        if (dice.roll(Fault.ACCEPT_ABORTED)) {
            return -Errno.ECONNABORTED; // nothing taken from the backlog
        }
        if (dice.roll(Fault.ACCEPT_EMFILE)) {
            return -Errno.EMFILE;
        }
        return ledger.start(completion, handle, "accept", op -> delegate.accept(handle, op), true, true);
    }

    @Override
    public int connect(int handle, SocketAddress address, Completion completion) {
        return start(completion, handle, "connect", op -> delegate.connect(handle, address, op));
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
        int n = (int) dice.transferLength(length);
        return start(completion, handle, "read", op -> delegate.read(handle, buffer, offset, n, op));
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
        int n = (int) dice.transferLength(length);
        return start(completion, handle, "write", op -> delegate.write(handle, buffer, offset, n, op));
    }

    /**
     * Passed straight to the backend, never faulted: the bytes are shown in memory the next receive of any
     * handle reuses, so a result held back (or a call put off) would show another connection's bytes.
     */
    @Override
    public int readv(int handle, MemorySegment[] buffers, Completion completion) {
        if (!Vectors.valid(buffers, true) || Vectors.empty(buffers)) {
            return delegate.readv(handle, buffers, completion); // throws, or 0 at once, as the contract says
        }
        int broke = breakage(handle, true);
        if (broke != 0) {
            return broke;
        }
        MemorySegment[] some = Vectors.shorten(buffers, dice);
        return start(completion, handle, "readv", op -> delegate.readv(handle, some, op));
    }

    @Override
    public int writev(int handle, MemorySegment[] buffers, Completion completion) {
        if (!Vectors.valid(buffers, false) || Vectors.empty(buffers)) {
            return delegate.writev(handle, buffers, completion);
        }
        int broke = breakage(handle, false);
        if (broke != 0) {
            return broke;
        }
        MemorySegment[] some = Vectors.shorten(buffers, dice);
        return start(completion, handle, "writev", op -> delegate.writev(handle, some, op));
    }

    /** A datagram is never shortened (that would truncate it); it may still come later. */
    @Override
    public int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        return ledger.start(completion, handle, "receiveFrom",
                op -> delegate.receiveFrom(handle, buffer, senderAddress, op), !buffer.isReadOnly(), false);
    }

    @Override
    public int sendTo(int handle, MemorySegment buffer, SocketAddress target, Completion completion) {
        return start(completion, handle, "sendTo", op -> delegate.sendTo(handle, buffer, target, op));
    }

    /** As {@link #receiveFrom}: never shortened. */
    @Override
    public int receiveDatagram(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        return ledger.start(completion, handle, "receiveDatagram",
                op -> delegate.receiveDatagram(handle, buffer, senderAddress, op), !buffer.isReadOnly(), false);
    }

    /** Datagrams are never shortened, nor batches cut: the batch's memory is native, filled by the backend. */
    @Override
    public int receiveBatch(int handle, DatagramBatch batch, int max, Completion completion) {
        return ledger.start(completion, handle, "receiveBatch",
                op -> delegate.receiveBatch(handle, batch, max, op), true, false);
    }

    @Override
    public int sendBatch(int handle, DatagramBatch batch, int from, int count, Completion completion) {
        return start(completion, handle, "sendBatch", op -> delegate.sendBatch(handle, batch, from, count, op));
    }

    /** A message is never shortened (its control data goes with its first byte); it may still come later. */
    @Override
    public int sendMessage(int handle, MemorySegment msghdr, Completion completion) {
        return start(completion, handle, "sendMessage", op -> delegate.sendMessage(handle, msghdr, op));
    }

    @Override
    public int receiveMessage(int handle, MemorySegment msghdr, Completion completion) {
        return start(completion, handle, "receiveMessage", op -> delegate.receiveMessage(handle, msghdr, op));
    }

    @Override
    public int pipe(int[] ends, int capacityBytes) {
        int r = delegate.pipe(ends, capacityBytes);
        if (r >= 0) {
            for (int i = 0; i < 2; i++) {
                ledger.opened(ends[i]);
                pipeEnds.add(ends[i]);
            }
        }
        return r;
    }

    /** A splice is a read (socket to pipe) or a write (pipe to socket) of its socket, with the same faults. */
    @Override
    public int splice(int from, int to, int length, Completion completion) {
        if (length <= 0) {
            return delegate.splice(from, to, length, completion); // the backend's own answer
        }
        boolean in = !pipeEnds.contains(from);
        int socket = in ? from : to;
        int broke = breakage(socket, in);
        if (broke != 0) {
            return broke;
        }
        int n = (int) dice.transferLength(length);
        return start(completion, socket, "splice", op -> delegate.splice(from, to, n, op));
    }

    @Override
    public int pollReady(int fd, int events, Completion completion) {
        return ledger.start(completion, fd, "pollReady", op -> delegate.pollReady(fd, events, op), false, false);
    }

    @Override
    public int openFile(MemorySegment path, int flags, int mode, Completion completion) {
        return ledger.start(completion, anonymous(), "openFile", op -> delegate.openFile(path, flags, mode, op),
                true, true);
    }

    /**
     * A shortened file transfer as a kernel may make it: a multiple of 4096 bytes once {@code length} is that
     * large, so an O_DIRECT file (whose lengths must stay aligned) sees only short counts it could see for real.
     */
    private int fileLength(int length) {
        int n = (int) dice.transferLength(length);
        return length >= 4096 && n < length ? Math.max(4096, n & -4096) : n;
    }

    /** A unique negative key for an operation under no handle (a path's), whose results keep no order. */
    private int anonymous() {
        int key = nextAnonymousHandle;
        nextAnonymousHandle = key == Integer.MIN_VALUE + 1 ? -2 : key - 1;
        return key;
    }

    @Override
    public int readFile(int fd, MemorySegment buffer, long offset, int length, long position, Completion completion) {
        int n = buffer.isReadOnly() ? length : fileLength(length);
        return ledger.start(completion, fd, "readFile",
                op -> delegate.readFile(fd, buffer, offset, n, position, op), !buffer.isReadOnly(), false);
    }

    @Override
    public int writeFile(int fd, MemorySegment buffer, long offset, int length, long position, Completion completion) {
        int n = fileLength(length);
        return start(completion, fd, "writeFile", op -> delegate.writeFile(fd, buffer, offset, n, position, op));
    }

    @Override
    public int syncFile(int fd, boolean dataOnly, Completion completion) {
        return start(completion, fd, "syncFile", op -> delegate.syncFile(fd, dataOnly, op));
    }

    @Override
    public int closeFile(int fd, Completion completion) {
        ledger.closed(fd);
        return start(completion, fd, "closeFile", op -> delegate.closeFile(fd, op));
    }

    // The calls below may be put off or their results held, never given a fault of their own: an -EOPNOTSUPP
    // from the backend (io_uring without the opcode) passes through, and the caller uses its pool.

    @Override
    public int statFile(int fd, int mask, MemorySegment statx, Completion completion) {
        return start(completion, fd, "statFile", op -> delegate.statFile(fd, mask, statx, op));
    }

    @Override
    public int truncateFile(int fd, long length, Completion completion) {
        return start(completion, fd, "truncateFile", op -> delegate.truncateFile(fd, length, op));
    }

    @Override
    public int allocateFile(int fd, int mode, long offset, long length, Completion completion) {
        return start(completion, fd, "allocateFile", op -> delegate.allocateFile(fd, mode, offset, length, op));
    }

    @Override
    public int renameFile(MemorySegment from, MemorySegment to, Completion completion) {
        return start(completion, anonymous(), "renameFile", op -> delegate.renameFile(from, to, op));
    }

    @Override
    public int unlinkFile(MemorySegment path, boolean directory, Completion completion) {
        return start(completion, anonymous(), "unlinkFile", op -> delegate.unlinkFile(path, directory, op));
    }

    @Override
    public int makeDirectory(MemorySegment path, int mode, Completion completion) {
        return start(completion, anonymous(), "makeDirectory", op -> delegate.makeDirectory(path, mode, op));
    }

    @Override
    public int spliceFromFile(int fd, long position, int pipe, int length, Completion completion) {
        int n = length <= 0 ? length : (int) dice.transferLength(length);
        return start(completion, fd, "spliceFromFile", op -> delegate.spliceFromFile(fd, position, pipe, n, op));
    }

    /** An operation whose call may be put off ({@link Fault#RETRIED}) and whose result may come later. */
    private int start(Completion completion, int handle, String what, FaultOp.Call call) {
        return ledger.start(completion, handle, what, call, true, false);
    }

    /**
     * For a broken handle (or one a {@link Fault#RESET} breaks now): {@code -ECONNRESET} for a read,
     * {@code -EPIPE} for a write; the peer sees the connection shut. 0 otherwise.
     */
    private int breakage(int handle, boolean read) {
        if (!broken.contains(handle)) {
            if (!dice.roll(Fault.RESET)) {
                return 0;
            }
            broken.add(handle);
            delegate.shutdown(handle, SHUT_RDWR);
        }
        return read ? -Errno.ECONNRESET : -Errno.EPIPE;
    }

    // ---- completions ----

    @Override
    public boolean cancel(Completion completion) {
        return ledger.cancel(completion);
    }

    @Override
    public boolean deadline(Completion completion, long timeoutNs) {
        return ledger.deadline(completion, timeoutNs);
    }

    /**
     * Makes the calls put off, waits unless something is owed soon (or wakes spuriously), then delivers
     * what is due; the backend's completions arrive through the ledger meanwhile.
     */
    @Override
    public int poll(long timeoutNs) {
        int before = ledger.delivered;
        ledger.polling = true;
        try {
            ledger.makeRetries();
            boolean owed = ledger.owesSoon();
            if (timeoutNs != 0 && !owed && dice.roll(Fault.SPURIOUS_WAKEUP)) {
                return 0;
            }
            delegate.poll(owed ? 0 : timeoutNs);
        } finally {
            ledger.polling = false;
        }
        ledger.deliverDue();
        return ledger.delivered - before;
    }

    /**
     * Calls never made and held results complete with -ECANCELED (a held accept's connection is the backend's
     * to close), then the backend completes what it has.
     */
    @Override
    public void close() {
        ledger.cancelAll();
        delegate.close();
    }
}
