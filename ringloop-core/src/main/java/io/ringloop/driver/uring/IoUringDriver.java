package io.ringloop.driver.uring;

import io.ringloop.driver.Completion;
import io.ringloop.driver.DatagramBatch;
import io.ringloop.driver.Driver;
import io.ringloop.driver.DriverCounters;
import io.ringloop.driver.Iovecs;
import io.ringloop.driver.LinuxSockets;
import io.ringloop.driver.ReceiveCompletion;
import io.ringloop.driver.SocketOpt;
import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.Socket;
import io.ringloop.sys.uring.IoUring;
import io.ringloop.sys.uring.IoUringBufRing;
import io.ringloop.sys.uring.IoUringRing;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import static io.ringloop.driver.DriverCounters.ACCEPT;
import static io.ringloop.driver.DriverCounters.CONNECT;
import static io.ringloop.driver.DriverCounters.OTHER;
import static io.ringloop.driver.DriverCounters.READ;
import static io.ringloop.driver.DriverCounters.WRITE;

/**
 * The io_uring backend: every asynchronous operation is one SQE, written without a system call and handed
 * to the kernel by the next {@link #poll}, which submits, waits and reaps in <b>one</b> io_uring_enter. An
 * SQE's {@code user_data} is its {@code OpTable} token, and a slot is released only when its CQE is reaped,
 * so the memory the kernel may touch stays alive and unshared until then, even after a cancel.
 *
 * <p>This class checks that an operation may start (handle open, completion idle, driver not closing) and
 * hands it to its part; the parts, the token and cancel rules and the one-way structure among them are in
 * the package documentation. {@link #toString} shows the ring, the operations in flight by kind and the
 * parts' state, to chase a lost completion without a debugger.
 *
 * <p><b>System calls</b>: one io_uring_enter per {@link #poll} (a second only after a CQ overflow); one more
 * whenever the SQ fills between polls, and per {@code close(fd)} with operations still in flight.
 *
 * <p>Confined to the loop's OS thread (virtual threads mounted on it included), except {@link #wakeup}.
 */
public final class IoUringDriver implements Driver {
    /** Slots of the fixed-file table; sockets with higher fd numbers use their fd as usual. */
    static final int FIXED_FILE_SLOTS = 16384;

    /** Bound on completions run by one poll; the rest wait for the next. */
    private static final int MAX_COMPLETIONS_PER_POLL = 4096;
    /** close(fd)/close() wait for cancelled operations at most this many rounds of {@link #DRAIN_WAIT_NS}. */
    private static final int DRAIN_ROUNDS = 200;
    private static final long DRAIN_WAIT_NS = 50_000_000L;

    private final Arena arena;
    private final MemorySegment cs;
    private final LinuxSockets sockets;
    private final IoUringEngine engine;
    private final IoUringRing ring; // this and the next: the engine's parts, under short names
    private final IoUringFdTable fds;
    private final IoUringFiles files;
    /** Stream reads through multishot RECV into provided buffers; null when they are refused or disabled. */
    private final IoUringMultishotReads multishot;
    /** Zero-copy sends of large native buffers, off until {@link #zeroCopyWrites} sets a size. */
    private final IoUringZeroCopySends zeroCopy;
    /** Multishot accept state; null when every accept is its own SQE. */
    private final IoUringAcceptor acceptor;
    /** readv/writev as RECVMSG/SENDMSG with per-slot iovecs. */
    private final IoUringVectors vectors;
    /** Socket operations as SQEs, over the parts above. */
    private final IoUringSockets sockOps;
    /** Cancels, deadlines and CQEs of the operations in flight. */
    private final IoUringCompletions completions;

    private final IoUringWaker waker;
    /** Operations, enters, sleep: results given at once are counted here, the rest by the engine. */
    private final DriverCounters counters = new DriverCounters();

    /** close() has begun: new operations fail with -ECANCELED. */
    private boolean closing;
    private boolean closed;

    /**
     * A ring of {@code entries} SQEs (rounded up to a power of two by the kernel), twice as many CQEs, and
     * {@code providedBuffers} receive buffers (0 or a power of two). Throws with the reason when io_uring is
     * unusable here.
     */
    public IoUringDriver(int entries, int providedBuffers) throws IOException {
        this(entries, true, providedBuffers, IoUringSupport.FLAG_CHOICES);
    }

    public IoUringDriver(int entries) throws IOException {
        this(entries, true, IoUringMultishotReads.DEFAULT_COUNT, IoUringSupport.FLAG_CHOICES);
    }

    /**
     * With a choice of accept (multishot, or one SQE per accept), the number of provided buffers for
     * multishot receive (0: none, and no multishot receive; else a power of two), and io_uring_setup flag sets
     * to try, best first: tests cover the fallbacks this way.
     */
    IoUringDriver(int entries, boolean multishotAccept, int providedBuffers, int... flagChoices)
            throws IOException {
        String reason = IoUringSupport.unusableReason();
        if (reason != null) {
            throw new IOException(reason);
        }
        Arena a = Arena.ofShared();
        IoUringRing r = null;
        try {
            cs = Libc.allocateCallState(a);
            r = IoUringRing.open(entries, flagChoices);
            String problem = IoUringSupport.problem(r);
            if (problem != null) {
                throw new IOException(problem);
            }
            waker = new IoUringWaker(a, cs);
        } catch (IOException | RuntimeException e) {
            // Release in reverse order of acquisition.
            if (r != null) {
                r.close();
            }
            a.close();
            throw e;
        }
        arena = a;
        sockets = new LinuxSockets(cs, a.allocate(SockAddr.MAX_SIZE, 8));
        engine = new IoUringEngine(r, new IoUringOpMemory(a), this::dispatch, counters);
        ring = r;
        fds = engine.fds;
        zeroCopy = new IoUringZeroCopySends(engine);
        files = new IoUringFiles(engine, a);
        vectors = new IoUringVectors(engine, a);
        acceptor = multishotAccept ? new IoUringAcceptor(engine, cs, IoUringEngine.CANCEL_TOKEN) : null;
        IoUringBufRing buffers = providedBuffers > 0
                ? IoUringMultishotReads.registerRing(cs, r.fd(), a, providedBuffers) : null;
        multishot = buffers != null
                ? new IoUringMultishotReads(engine, buffers, providedBuffers, IoUringEngine.CANCEL_TOKEN) : null;
        sockOps = new IoUringSockets(cs, a, engine, sockets, acceptor, multishot, zeroCopy, vectors);
        completions = new IoUringCompletions(engine, waker, sockOps, acceptor, multishot, zeroCopy, vectors,
                new IoUringResends(engine, cs, vectors));
        waker.arm(engine, IoUringEngine.WAKE_TOKEN);
    }

    /** Null when io_uring can be used here, else the reason; cheap after the first call. */
    public static String unusableReason() {
        return IoUringSupport.unusableReason();
    }

    @Override
    public String name() {
        return "io_uring";
    }

    /** Whether the kernel supports {@code opcode} (an {@code IoUring.OP_*} value), per IORING_REGISTER_PROBE. */
    public boolean supports(int opcode) {
        return ring.supports(opcode);
    }

    /** io_uring_enter calls so far: one per poll, plus one per SQ-full flush and per close with ops pending. */
    @Override
    public long waitCalls() {
        return ring.enterCount();
    }

    @Override
    public DriverCounters counters() {
        return counters;
    }

    /**
     * Sends writes of at least {@code minBytes} from native buffers with IORING_OP_SEND_ZC (0: never).
     * Their completion runs once the kernel has released the buffer, which may be later than a plain send's.
     * Returns false when the kernel lacks SEND_ZC.
     */
    public boolean zeroCopyWrites(long minBytes) {
        boolean supported = ring.supports(IoUring.OP_SEND_ZC);
        zeroCopy.minBytes(supported ? minBytes : 0);
        return supported || minBytes <= 0;
    }

    /**
     * Registers each stream socket as a fixed file once it has started {@code afterOps} operations (0: no
     * more registrations). The first call with {@code afterOps > 0} registers a sparse table of
     * {@value #FIXED_FILE_SLOTS} slots, fd = slot. Returns false when the kernel refused the table.
     */
    public boolean fixedFilesAfter(int afterOps) {
        return engine.fixedFilesAfter(cs, arena, afterOps, FIXED_FILE_SLOTS);
    }

    /** Tests: sockets registered as fixed files now. */
    int fixedFileCount() {
        return engine.fixedFileCount();
    }

    /** Tests: the multishot accept queue's limit per listener. */
    void acceptQueueLimit(int limit) {
        acceptor.readyLimit(limit);
    }

    /** Tests: multishot reads that found every provided buffer taken and went alone (-1: no provided buffers). */
    long multishotFallbacks() {
        return multishot == null ? -1 : multishot.fallbacks();
    }

    /**
     * Whether stream reads into heap memory that must wait go through multishot receive (off by default):
     * one armed RECV per connection, later reads served from what it received. Reads into native memory go
     * straight into it either way, unless the connection's multishot holds bytes. Returns whether it is on
     * now (false without provided buffers).
     */
    public boolean multishotReceive(boolean on) {
        if (multishot == null) {
            return false;
        }
        multishot.enabled(on);
        return on;
    }

    /** Tests: the multishot receive state ({@code null} without provided buffers). */
    IoUringMultishotReads multishotReads() {
        return multishot;
    }

    /** Native bytes held by bounce buffers for heap transfers and readv/writev staging (reused; freed at close). */
    public long bounceAllocatedBytes() {
        return engine.memory.bounceAllocatedBytes() + vectors.stagingAllocatedBytes();
    }

    /** The io_uring_setup flags the kernel accepted. */
    public int setupFlags() {
        return ring.setupFlags();
    }

    // ---- sockets: synchronous ----

    @Override
    public int socket(int family, int type) {
        int fd = sockets.socket(family, type);
        if (fd >= 0) {
            if (type == SOCK_STREAM) {
                fds.openedStream(fd);
            } else {
                fds.opened(fd);
            }
        }
        return fd;
    }

    @Override
    public int bind(int handle, SocketAddress address) {
        return sockets.bind(handle, address);
    }

    @Override
    public int listen(int handle, int backlog) {
        return sockets.listen(handle, backlog);
    }

    @Override
    public int setOption(int handle, SocketOpt option, int value) {
        return sockets.setOption(handle, option, value);
    }

    @Override
    public int getOption(int handle, SocketOpt option) {
        return sockets.getOption(handle, option);
    }

    @Override
    public InetSocketAddress localAddress(int handle) throws IOException {
        return sockets.localAddress(handle);
    }

    @Override
    public InetSocketAddress peerAddress(int handle) throws IOException {
        return sockets.peerAddress(handle);
    }

    @Override
    public int shutdown(int handle, int how) {
        return sockets.shutdown(handle, how);
    }

    @Override
    public int close(int handle) {
        return fds.isOpen(handle) ? sockOps.close(handle, DRAIN_ROUNDS, DRAIN_WAIT_NS) : -Errno.EBADF;
    }

    @Override
    public Object detach(int handle) {
        return sockOps.detach(handle);
    }

    @Override
    public int adopt(Object detached) {
        int fd = (Integer) detached;
        fds.openedStream(fd); // only stream connections move between loops
        return fd;
    }

    // ---- files: see IoUringFiles ----

    @Override
    public boolean supportsFiles() {
        return files.supported();
    }

    @Override
    public int openFile(MemorySegment path, int flags, int mode, Completion completion) {
        return counters.immediate(OTHER, files.open(path, flags, mode, completion));
    }

    @Override
    public int readFile(int fd, MemorySegment buffer, long offset, int length, long position, Completion completion) {
        return counters.immediate(OTHER, files.read(fd, buffer, offset, length, position, completion));
    }

    @Override
    public int writeFile(int fd, MemorySegment buffer, long offset, int length, long position, Completion c) {
        return counters.immediate(OTHER, files.write(fd, buffer, offset, length, position, c));
    }

    @Override
    public int syncFile(int fd, boolean dataOnly, Completion completion) {
        return counters.immediate(OTHER, files.sync(fd, dataOnly, completion));
    }

    @Override
    public int closeFile(int fd, Completion completion) {
        return counters.immediate(OTHER, files.close(fd, completion));
    }

    @Override
    public int statFile(int fd, int mask, MemorySegment statx, Completion completion) {
        return counters.immediate(OTHER, files.stat(fd, mask, statx, completion));
    }

    @Override
    public int truncateFile(int fd, long length, Completion completion) {
        return counters.immediate(OTHER, files.truncate(fd, length, completion));
    }

    @Override
    public int allocateFile(int fd, int mode, long offset, long length, Completion completion) {
        return counters.immediate(OTHER, files.allocate(fd, mode, offset, length, completion));
    }

    @Override
    public int renameFile(MemorySegment from, MemorySegment to, Completion completion) {
        return counters.immediate(OTHER, files.rename(from, to, completion));
    }

    @Override
    public int unlinkFile(MemorySegment path, boolean directory, Completion completion) {
        return counters.immediate(OTHER, files.unlink(path, directory, completion));
    }

    @Override
    public int makeDirectory(MemorySegment path, int mode, Completion completion) {
        return counters.immediate(OTHER, files.mkdir(path, mode, completion));
    }

    @Override
    public int spliceFromFile(int fd, long position, int pipe, int length, Completion completion) {
        return counters.immediate(OTHER, files.spliceFrom(fd, position, pipe, length, completion));
    }

    // ---- asynchronous operations: refused here, turned into SQEs by IoUringSockets ----

    @Override
    public int accept(int handle, Completion completion) {
        int refused = refuse(handle, completion);
        return refused != 0 ? refused : counters.immediate(ACCEPT, sockOps.accept(handle, completion));
    }

    @Override
    public int connect(int handle, SocketAddress address, Completion completion) {
        int refused = refuse(handle, completion);
        return refused != 0 ? refused : counters.immediate(CONNECT, sockOps.connect(handle, address, completion));
    }

    /**
     * In place from the provided-buffer ring when this connection's reads go through multishot receive;
     * else the default: a heap read into {@code scratch} (a direct recv(2), or POLL_ADD then recv(2)).
     */
    @Override
    public int receive(int handle, MemorySegment scratch, ReceiveCompletion completion) {
        Driver.requireScratch(scratch);
        if (!sockOps.receivesInPlace(handle)) {
            return Driver.super.receive(handle, scratch, completion);
        }
        int refused = refuse(handle, completion);
        return refused != 0 ? refused : counters.immediate(READ, multishot.receive(handle, scratch, completion));
    }

    @Override
    public void receiveDone(int handle) {
        if (multishot != null) {
            multishot.receiveDone(handle);
        }
    }

    @Override
    public int read(int handle, MemorySegment buffer, Completion completion) {
        int refused = refuse(handle, completion);
        return refused != 0 ? refused : counters.immediate(READ, sockOps.read(handle, buffer, completion));
    }

    @Override
    public int read(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        if (!buffer.isNative()) {
            return read(handle, buffer.asSlice(offset, length), completion);
        }
        int refused = refuse(handle, completion);
        return refused != 0 ? refused
                : counters.immediate(READ, sockOps.read(handle, buffer, offset, length, completion));
    }

    @Override
    public int write(int handle, MemorySegment buffer, Completion completion) {
        int refused = refuse(handle, completion);
        return refused != 0 ? refused : counters.immediate(WRITE, sockOps.write(handle, buffer, completion));
    }

    @Override
    public int write(int handle, MemorySegment buffer, long offset, int length, Completion completion) {
        if (!buffer.isNative() || zeroCopy.eligible(buffer)) {
            return write(handle, buffer.asSlice(offset, length), completion);
        }
        int refused = refuse(handle, completion);
        return refused != 0 ? refused
                : counters.immediate(WRITE, sockOps.write(handle, buffer, offset, length, completion));
    }

    @Override
    public int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        IoUringSockets.checkSenderAddress(senderAddress);
        int refused = refuse(handle, completion);
        return refused != 0 ? refused
                : counters.immediate(READ, sockOps.receiveFrom(handle, buffer, senderAddress, completion));
    }

    @Override
    public int sendTo(int handle, MemorySegment buffer, SocketAddress target, Completion completion) {
        int refused = refuse(handle, completion);
        return refused != 0 ? refused : counters.immediate(WRITE, sockOps.sendTo(handle, buffer, target, completion));
    }

    @Override
    public int peerCredentials(int handle, MemorySegment ucred) {
        return fds.isOpen(handle) ? sockets.peerCredentials(handle, ucred) : -Errno.EBADF;
    }

    @Override
    public int sendMessage(int handle, MemorySegment msghdr, Completion completion) {
        int refused = refuse(handle, completion);
        return refused != 0 ? refused : counters.immediate(WRITE, sockOps.message(handle, msghdr, true, completion));
    }

    @Override
    public int receiveMessage(int handle, MemorySegment msghdr, Completion completion) {
        int refused = refuse(handle, completion);
        return refused != 0 ? refused : counters.immediate(READ, sockOps.message(handle, msghdr, false, completion));
    }

    @Override
    public int receiveDatagram(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        IoUringSockets.checkSenderAddress(senderAddress);
        int refused = refuse(handle, completion);
        return refused != 0 ? refused : counters.immediate(READ,
                sockOps.datagrams.receiveDatagram(handle, buffer, senderAddress, completion));
    }

    @Override
    public int receiveBatch(int handle, DatagramBatch batch, int max, Completion completion) {
        int refused = refuse(handle, completion);
        return refused != 0 ? refused
                : counters.immediate(READ, sockOps.datagrams.receiveBatch(handle, batch, max, completion));
    }

    @Override
    public int sendBatch(int handle, DatagramBatch batch, int from, int count, Completion completion) {
        int refused = refuse(handle, completion);
        return refused != 0 ? refused
                : counters.immediate(WRITE, sockOps.datagrams.sendBatch(handle, batch, from, count, completion));
    }

    @Override
    public int membership(int handle, boolean join, InetAddress group, int interfaceIndex) {
        return fds.isOpen(handle) ? sockets.membership(handle, join, group, interfaceIndex) : -Errno.EBADF;
    }

    @Override
    public boolean supportsSplice() {
        return true;
    }

    @Override
    public int pipe(int[] ends, int capacityBytes) {
        return closing ? -Errno.ECANCELED : sockOps.splices.pipe(ends, capacityBytes);
    }

    @Override
    public int splice(int from, int to, int length, Completion completion) {
        if (length <= 0) {
            throw new IllegalArgumentException("splice: length " + length);
        }
        int refused = refuse(from, completion);
        int kind = sockOps.splices.isPipe(from) ? WRITE : READ;
        return refused != 0 ? refused : !fds.isOpen(to) ? -Errno.EBADF
                : counters.immediate(kind, sockOps.splice(from, to, length, completion));
    }

    @Override
    public int pollReady(int fd, int events, Completion completion) {
        return counters.immediate(OTHER, sockOps.pollReady(fd, events, completion, closing));
    }

    @Override
    public int readv(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, true);
        int refused = refuse(handle, completion);
        return refused != 0 || total == 0 ? refused
                : counters.immediate(READ, sockOps.readv(handle, buffers, completion));
    }

    @Override
    public int writev(int handle, MemorySegment[] buffers, Completion completion) {
        long total = Iovecs.check(buffers, false);
        int refused = refuse(handle, completion);
        return refused != 0 || total == 0 ? refused
                : counters.immediate(WRITE, vectors.writev(handle, buffers, completion));
    }

    @Override
    public boolean cancel(Completion completion) {
        return completions.cancel(completion);
    }

    @Override
    public boolean deadline(Completion completion, long timeoutNs) {
        return completions.deadline(completion, timeoutNs);
    }

    /** Tests: deadlines the kernel kept (LINK_TIMEOUT SQEs written). */
    long linkedTimeouts() {
        return completions.linkedTimeouts();
    }

    /** 0 when an operation may start on {@code handle}; else the result to return at once. */
    private int refuse(int handle, Completion completion) {
        if (completion.isPending()) {
            throw new IllegalStateException("completion already has an operation pending");
        }
        if (closing) {
            return -Errno.ECANCELED;
        }
        return fds.isOpen(handle) ? 0 : -Errno.EBADF;
    }

    // ---- the loop's side ----

    @Override
    public int poll(long timeoutNs) {
        if (closed) {
            throw new IllegalStateException("driver closed");
        }
        return engine.poll(timeoutNs, MAX_COMPLETIONS_PER_POLL);
    }

    /** The engine's CQE handler (bound before {@link #completions} exists, called only after). */
    private boolean dispatch(long ud, int res, int flags) {
        return completions.dispatch(ud, res, flags);
    }

    @Override
    public void wakeup() {
        waker.wakeup();
    }

    @Override
    public long wakeupCount() {
        return waker.count();
    }

    @Override
    public int openHandles() {
        return fds.openCount();
    }

    /** The ring, the handles, every operation in flight (kind, token, fd, memory) and each part's state. */
    @Override
    public String toString() {
        return "IoUringDriver[" + engine.state() + (closing ? ", closing" : "") + ", " + fds + ", " + waker
                + (acceptor != null ? ", " + acceptor : "") + (multishot != null ? ", " + multishot : "") + ", "
                + zeroCopy + "]";
    }

    @Override
    public void close() {
        if (closed || closing) {
            return;
        }
        closing = true;
        completions.closing();
        sockOps.closeAll();
        engine.cancelAllAndDrain(IoUringEngine.CANCEL_TOKEN, DRAIN_ROUNDS, DRAIN_WAIT_NS, waker::armed);
        boolean kernelDone = engine.ops.size() == 0 && !waker.armed();
        // Only when the ring cannot be reaped (close on a thread that is not its issuer): the kernel keeps these
        // operations until it tears the ring down; their callers hear -ECANCELED now.
        int abandoned = kernelDone ? 0 : engine.abandonAll();
        for (int fd = fds.nextOpen(0); fd >= 0; fd = fds.nextOpen(fd + 1)) {
            fds.closed(fd);
            Libc.close(cs, fd);
        }
        waker.close(cs);
        closed = true;
        // Closing the ring fd makes the kernel cancel whatever is left; the rings' own pages are the kernel's
        // too, so unmapping them is safe either way.
        ring.close();
        if (!kernelDone) {
            // Operations still in flight may write into buffers from our arena until the kernel has torn them
            // down: leak the arena rather than free memory under the kernel.
            throw new IllegalStateException("io_uring: " + abandoned + " operations"
                    + (waker.armed() ? " and the wakeup read" : "") + " did not finish on close (close must run on"
                    + " the loop thread that polled); the driver's native memory is leaked, not freed");
        }
        arena.close();
    }
}
