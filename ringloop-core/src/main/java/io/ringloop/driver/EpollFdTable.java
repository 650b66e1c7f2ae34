package io.ringloop.driver;

import java.util.Arrays;

/**
 * The epoll driver's per-fd state, indexed by fd number and grown on demand: the readiness/registration bits,
 * the registration generation carried in the epoll data, and the pending read-side and write-side operation
 * tokens. Loop thread only. The driver reads the arrays through this object on every use, because
 * {@link #ensureCapacity} replaces them.
 */
final class EpollFdTable {
    static final long NO_OP = -1;

    int[] state = new int[1024];
    int[] generation = new int[1024];
    long[] readOp = filled(1024);
    long[] writeOp = filled(1024);

    private static long[] filled(int n) {
        long[] a = new long[n];
        Arrays.fill(a, NO_OP);
        return a;
    }

    void ensureCapacity(int fd) {
        if (fd < state.length) {
            return;
        }
        int n = Math.max(fd + 1, state.length * 2);
        state = Arrays.copyOf(state, n);
        generation = Arrays.copyOf(generation, n);
        int old = readOp.length;
        readOp = Arrays.copyOf(readOp, n);
        writeOp = Arrays.copyOf(writeOp, n);
        Arrays.fill(readOp, old, n, NO_OP);
        Arrays.fill(writeOp, old, n, NO_OP);
    }
}
