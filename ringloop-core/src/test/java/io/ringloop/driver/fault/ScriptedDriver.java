package io.ringloop.driver.fault;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.driver.OpTable;
import io.ringloop.driver.SocketOpt;
import io.ringloop.sys.Errno;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A backend whose answers the test writes: each read or write returns {@link #nextResult} (a count, -errno
 * or PENDING), and a pending one completes at the next poll with the value {@link #finish} gave it. Records
 * what it was asked, so a test sees what the fault wrapper passed on.
 */
final class ScriptedDriver implements Driver {
    /** One call the wrapper made. */
    record Call(String what, int handle, long length) {
    }

    final List<Call> calls = new ArrayList<>();
    final List<Long> pollTimeouts = new ArrayList<>();
    final List<Integer> shutdowns = new ArrayList<>();
    private final OpTable ops = new OpTable(8);
    /** Tokens whose completion the next poll delivers, with their results. */
    private final List<long[]> finishing = new ArrayList<>();
    /** What the next read or write returns; PENDING parks it until {@link #finish}. */
    int nextResult = PENDING;
    /** The completion of the last call that went pending. */
    Completion last;

    /** Completes pending call {@code handle}'s oldest operation with {@code result} at the next poll. */
    void finish(int handle, int result) {
        for (long token : ops.liveTokens()) {
            if (ops.handle(token) == handle && !queued(token)) {
                finishing.add(new long[] {token, result});
                return;
            }
        }
        throw new AssertionError("nothing pending on handle " + handle);
    }

    /** Completes every pending operation not yet finishing with {@code result}, at the next poll. */
    void finishAll(int result) {
        for (long token : ops.liveTokens()) {
            if (!queued(token)) {
                finishing.add(new long[] {token, result});
            }
        }
    }

    /** Delivers a completion the backend already gave: a broken backend, for the wrapper's checks. */
    static void completeAgain(Completion c, int result) {
        c.complete(result);
    }

    int pending() {
        return ops.size();
    }

    private boolean queued(long token) {
        for (long[] f : finishing) {
            if (f[0] == token) {
                return true;
            }
        }
        return false;
    }

    private int op(String what, int handle, long length, Completion c) {
        calls.add(new Call(what, handle, length));
        if (nextResult != PENDING) {
            return nextResult;
        }
        ops.claim(c, handle, 1, null);
        last = c;
        return PENDING;
    }

    @Override
    public String name() {
        return "scripted";
    }

    private int nextHandle = 5;

    /** Handles 5, 6, 7... */
    @Override
    public int socket(int family, int type) {
        return nextHandle++;
    }

    @Override
    public int bind(int handle, SocketAddress address) {
        return 0;
    }

    @Override
    public int listen(int handle, int backlog) {
        return 0;
    }

    @Override
    public int setOption(int handle, SocketOpt option, int value) {
        return 0;
    }

    @Override
    public int getOption(int handle, SocketOpt option) {
        return 0;
    }

    @Override
    public InetSocketAddress localAddress(int handle) {
        return new InetSocketAddress(0);
    }

    @Override
    public InetSocketAddress peerAddress(int handle) {
        return new InetSocketAddress(0);
    }

    @Override
    public int shutdown(int handle, int how) {
        shutdowns.add(handle);
        return 0;
    }

    @Override
    public int close(int handle) {
        for (long token : ops.liveTokens()) {
            if (ops.handle(token) == handle) {
                ops.release(token).complete(-Errno.ECANCELED);
            }
        }
        finishing.removeIf(f -> !ops.isLive(f[0]));
        return 0;
    }

    @Override
    public int accept(int handle, Completion completion) {
        return op("accept", handle, 0, completion);
    }

    @Override
    public int connect(int handle, SocketAddress address, Completion completion) {
        return op("connect", handle, 0, completion);
    }

    @Override
    public int read(int handle, MemorySegment buffer, Completion completion) {
        return op("read", handle, buffer.byteSize(), completion);
    }

    @Override
    public int write(int handle, MemorySegment buffer, Completion completion) {
        return op("write", handle, buffer.byteSize(), completion);
    }

    @Override
    public int readv(int handle, MemorySegment[] buffers, Completion completion) {
        return op("readv", handle, total(buffers), completion);
    }

    @Override
    public int writev(int handle, MemorySegment[] buffers, Completion completion) {
        return op("writev", handle, total(buffers), completion);
    }

    private static long total(MemorySegment[] buffers) {
        long n = 0;
        for (MemorySegment b : buffers) {
            n += b.byteSize();
        }
        return n;
    }

    @Override
    public int receiveFrom(int handle, MemorySegment buffer, MemorySegment senderAddress, Completion completion) {
        return op("receiveFrom", handle, buffer.byteSize(), completion);
    }

    @Override
    public int sendTo(int handle, MemorySegment buffer, SocketAddress target, Completion completion) {
        return op("sendTo", handle, buffer.byteSize(), completion);
    }

    @Override
    public boolean cancel(Completion completion) {
        Completion c = ops.release(completion.token());
        if (c == null) {
            return false;
        }
        c.complete(-Errno.ECANCELED);
        return true;
    }

    @Override
    public int poll(long timeoutNs) {
        pollTimeouts.add(timeoutNs);
        List<long[]> now = new ArrayList<>(finishing);
        finishing.clear();
        for (long[] f : now) {
            Completion c = ops.release(f[0]);
            if (c != null) {
                c.complete((int) f[1]);
            }
        }
        return now.size();
    }

    @Override
    public void wakeup() {
    }

    @Override
    public long wakeupCount() {
        return 0;
    }

    @Override
    public int openHandles() {
        return 0;
    }

    @Override
    public void close() {
        for (long token : ops.liveTokens()) {
            ops.release(token).complete(-Errno.ECANCELED);
        }
    }
}
