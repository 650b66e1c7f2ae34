package io.ringloop.driver.nio;

import java.util.Arrays;

/**
 * The NIO driver's handle numbers: an array of {@link NioChannel} indexed by handle, and a stack of freed numbers.
 * A freed number is handed out again first (most recently freed first), which keeps handles small and dense, as
 * the kernel does with file descriptors; the fresh {@link NioChannel} behind a reused number is what keeps the
 * old socket's events away from it. Loop thread only; grows by doubling, never shrinks.
 */
final class NioHandles {
    private NioChannel[] channels = new NioChannel[64];
    private int[] freed = new int[64];
    private int freedCount;
    /** One past the highest number ever handed out. */
    private int high;
    private int open;

    /** The channel of an open handle, else null. */
    NioChannel get(int handle) {
        return handle >= 0 && handle < high ? channels[handle] : null;
    }

    /** The number the next {@link #add} will use; make the channel with it. */
    int next() {
        return freedCount > 0 ? freed[freedCount - 1] : high;
    }

    /** Opens {@code ch} under the number {@link #next()} gave; returns it. */
    int add(NioChannel ch) {
        int h = ch.handle;
        if (h != next()) {
            throw new IllegalStateException("handle " + h + " is not the next free one (" + next() + ")");
        }
        if (freedCount > 0) {
            freedCount--;
        } else {
            if (h == channels.length) {
                channels = Arrays.copyOf(channels, h * 2);
            }
            high++;
        }
        channels[h] = ch;
        open++;
        return h;
    }

    /** Frees an open handle's number. */
    void remove(int handle) {
        channels[handle] = null;
        if (freedCount == freed.length) {
            freed = Arrays.copyOf(freed, freedCount * 2);
        }
        freed[freedCount++] = handle;
        open--;
    }

    int open() {
        return open;
    }

    /** One past the highest number in use or ever used: iterate {@code [0, limit())} to visit every handle. */
    int limit() {
        return high;
    }
}
