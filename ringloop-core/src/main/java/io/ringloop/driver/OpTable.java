package io.ringloop.driver;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The operations in flight on one loop: a slab of slots with an O(1) free list and a generation per slot.
 *
 * <p>A token is {@code generation << 32 | slot}. It travels through the kernel (io_uring {@code user_data},
 * epoll data) and comes back with the event. {@link #release} bumps the slot's generation, so an event that
 * arrives after its operation was cancelled, completed or its fd closed names a generation that no longer
 * matches and {@link #lookup} ignores it: a late event can never wake the operation that reused the slot.
 * (nexus-async-rt's token freelist had no generation; this is that idea, fixed.)
 *
 * <p>Each slot also keeps what the kernel may still be using for the operation (its buffer), so the memory
 * stays reachable until the completion is reaped, even when the caller has given up on it.
 *
 * <p>Loop thread only. Grows by doubling; never shrinks.
 */
public final class OpTable {
    private static final int NONE = -1;
    private static final long SLOT_MASK = 0xFFFF_FFFFL;

    private Completion[] completions;
    private MemorySegment[] buffers;
    private Object[] attachments;
    private long[] args;
    private int[] generations;
    private int[] handles;
    private int[] kinds;
    /** Free list links; for a slot in use, unused. */
    private int[] nextFree;
    private int freeHead;
    private int inUse;

    public OpTable(int initialCapacity) {
        int n = Math.max(4, initialCapacity);
        completions = new Completion[n];
        buffers = new MemorySegment[n];
        attachments = new Object[n];
        args = new long[n];
        generations = new int[n];
        handles = new int[n];
        kinds = new int[n];
        nextFree = new int[n];
        link(0, n);
        freeHead = 0;
    }

    private void link(int from, int to) {
        for (int i = from; i < to - 1; i++) {
            nextFree[i] = i + 1;
        }
        nextFree[to - 1] = NONE;
    }

    /** Takes a free slot for an operation of {@code kind} on {@code handle}; returns its token. */
    public long claim(Completion completion, int handle, int kind, MemorySegment buffer) {
        if (kind == 0) {
            throw new IllegalArgumentException("kind 0 marks a free slot");
        }
        if (freeHead == NONE) {
            grow();
        }
        int slot = freeHead;
        freeHead = nextFree[slot];
        completions[slot] = completion;
        buffers[slot] = buffer;
        handles[slot] = handle;
        kinds[slot] = kind;
        inUse++;
        long token = ((long) generations[slot] << 32) | slot;
        if (completion != null) {
            completion.token = token;
        }
        return token;
    }

    private void grow() {
        int old = completions.length;
        int n = old * 2;
        completions = Arrays.copyOf(completions, n);
        buffers = Arrays.copyOf(buffers, n);
        attachments = Arrays.copyOf(attachments, n);
        args = Arrays.copyOf(args, n);
        generations = Arrays.copyOf(generations, n);
        handles = Arrays.copyOf(handles, n);
        kinds = Arrays.copyOf(kinds, n);
        nextFree = Arrays.copyOf(nextFree, n);
        link(old, n);
        freeHead = old;
    }

    /** True when {@code token} names a slot in use at that generation. */
    public boolean isLive(long token) {
        int slot = (int) (token & SLOT_MASK);
        return token >= 0 && slot < completions.length && generations[slot] == (int) (token >>> 32)
                && kinds[slot] != 0;
    }

    /** The completion of a live token, else null (stale or released). */
    public Completion lookup(long token) {
        return isLive(token) ? completions[(int) (token & SLOT_MASK)] : null;
    }

    public int handle(long token) {
        return handles[(int) (token & SLOT_MASK)];
    }

    public int kind(long token) {
        return kinds[(int) (token & SLOT_MASK)];
    }

    public MemorySegment buffer(long token) {
        return buffers[(int) (token & SLOT_MASK)];
    }

    /** A second object the operation keeps alive: an address, a sockaddr segment, a bounce buffer. */
    public Object attachment(long token) {
        return attachments[(int) (token & SLOT_MASK)];
    }

    public void attach(long token, Object attachment) {
        attachments[(int) (token & SLOT_MASK)] = attachment;
    }

    /** A number the operation needs again on retry, e.g. {@code offset << 32 | length} of its buffer. */
    public long arg(long token) {
        return args[(int) (token & SLOT_MASK)];
    }

    public void setArg(long token, long arg) {
        args[(int) (token & SLOT_MASK)] = arg;
    }

    /**
     * Frees a live slot and returns its completion (whose token is reset to idle), or null if the token is
     * stale. The generation moves on, so later events for this token are ignored.
     */
    public Completion release(long token) {
        if (!isLive(token)) {
            return null;
        }
        int slot = (int) (token & SLOT_MASK);
        Completion c = completions[slot];
        completions[slot] = null;
        buffers[slot] = null;
        attachments[slot] = null;
        kinds[slot] = 0;
        generations[slot]++;
        nextFree[slot] = freeHead;
        freeHead = slot;
        inUse--;
        if (c != null) {
            c.token = Completion.IDLE;
        }
        return c;
    }

    /** Operations in flight. */
    public int size() {
        return inUse;
    }

    /** Tokens of every live slot, for shutdown. */
    public long[] liveTokens() {
        long[] out = new long[inUse];
        int j = 0;
        for (int slot = 0; slot < completions.length && j < out.length; slot++) {
            if (kinds[slot] != 0) {
                out[j++] = ((long) generations[slot] << 32) | slot;
            }
        }
        return out;
    }
}
