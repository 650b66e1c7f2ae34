package io.ringloop.driver.uring;

import java.util.Arrays;

/**
 * CQEs taken off the completion ring at a moment when their completions must not run yet: while the SQ
 * is full and the kernel wants CQ room before it takes more SQEs, and while {@code close(fd)} waits for
 * that fd's operations only. {@code poll} runs them first thing. FIFO; grows by doubling, never shrinks,
 * so steady state allocates nothing. Loop thread only.
 */
final class IoUringCqeStash {
    /** Marks an entry already delivered out of order ({@link #take(int)}). */
    static final long TAKEN = -100L;

    private long[] userData = new long[16];
    private int[] results = new int[16];
    private int[] flags = new int[16];
    private int head;
    private int tail;

    void add(long ud, int res, int cqeFlags) {
        if (tail == userData.length) {
            // Grow, never compact: positions handed out by start()/end() must stay valid while a caller
            // walks them and a completion it runs adds more. The stash empties at every poll.
            userData = Arrays.copyOf(userData, tail * 2);
            results = Arrays.copyOf(results, tail * 2);
            flags = Arrays.copyOf(flags, tail * 2);
        }
        userData[tail] = ud;
        results[tail] = res;
        flags[tail] = cqeFlags;
        tail++;
    }

    boolean isEmpty() {
        return head == tail;
    }

    /** User data of the oldest entry; the caller checked {@link #isEmpty()}. */
    long peekUserData() {
        return userData[head];
    }

    int peekResult() {
        return results[head];
    }

    int peekFlags() {
        return flags[head];
    }

    void pop() {
        head++;
        if (head == tail) {
            head = 0;
            tail = 0;
        }
    }

    /** Entries from the oldest to the newest, as positions for {@link #userDataAt}: [start, end). */
    int start() {
        return head;
    }

    int end() {
        return tail;
    }

    long userDataAt(int i) {
        return userData[i];
    }

    int resultAt(int i) {
        return results[i];
    }

    int flagsAt(int i) {
        return flags[i];
    }

    /** Marks position {@code i} as delivered; {@link #peekUserData} then shows {@link #TAKEN}. */
    void take(int i) {
        userData[i] = TAKEN;
    }

    /** The entries waiting, oldest first, with their raw user data: {@code [4294967299 res=5, -3 res=0]}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("IoUringCqeStash[");
        for (int i = head; i < tail; i++) {
            b.append(i == head ? "" : ", ").append(userData[i]).append(" res=").append(results[i]);
            if (flags[i] != 0) {
                b.append(" flags=0x").append(Integer.toHexString(flags[i]));
            }
        }
        return b.append(']').toString();
    }
}
