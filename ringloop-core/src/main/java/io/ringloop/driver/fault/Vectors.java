package io.ringloop.driver.fault;

import io.ringloop.driver.Driver;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Scatter/gather arrays for {@link FaultInjectingDriver}: the contract's checks, and a shortened copy. */
final class Vectors {
    private Vectors() {
    }

    /** True when the backend would take {@code buffers} without throwing (else it gets them as they are). */
    static boolean valid(MemorySegment[] buffers, boolean read) {
        if (buffers == null || buffers.length > Driver.MAX_IOVECS) {
            return false;
        }
        for (MemorySegment b : buffers) {
            if (b == null || (read && b.isReadOnly())) {
                return false;
            }
        }
        return true;
    }

    /** True when every buffer is empty (the contract's 0 at once). */
    static boolean empty(MemorySegment[] buffers) {
        for (MemorySegment b : buffers) {
            if (b.byteSize() > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code buffers}, or (a {@link Fault#SHORT_TRANSFER}) a copy that holds fewer bytes: the same buffers in
     * order, cut after a random count. The copy is the backend's until the operation completes.
     */
    static MemorySegment[] shorten(MemorySegment[] buffers, FaultDice faults) {
        long total = 0;
        for (MemorySegment b : buffers) {
            total += b.byteSize();
        }
        long keep = faults.transferLength(total);
        if (keep == total) {
            return buffers;
        }
        MemorySegment[] out = Arrays.copyOf(buffers, buffers.length);
        int i = 0;
        for (; i < out.length && keep > 0; i++) {
            long size = out[i].byteSize();
            if (size > keep) {
                out[i] = out[i].asSlice(0, keep);
            }
            keep -= Math.min(size, keep);
        }
        return Arrays.copyOf(out, i);
    }
}
