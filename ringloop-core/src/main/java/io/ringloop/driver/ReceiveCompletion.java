package io.ringloop.driver;

import java.lang.foreign.MemorySegment;

/**
 * The completion of an in-place receive ({@link Driver#receive}): besides the count, where the bytes are. The
 * driver sets {@link #received()} and {@link #receivedOffset()} before it returns a count at once or calls
 * {@link #complete} with one; the bytes stay there until the caller's {@link Driver#receiveDone} for the handle
 * (or its next receive, or its close). Loop thread only.
 */
public abstract class ReceiveCompletion extends Completion {
    private MemorySegment received;
    private long receivedOffset;

    /** Backends: the bytes of the result about to be delivered start at {@code offset} of {@code segment}. */
    public final void show(MemorySegment segment, long offset) {
        this.received = segment;
        this.receivedOffset = offset;
    }

    /** The memory holding the last result's bytes: a provided buffer of the ring, or the caller's scratch. */
    public final MemorySegment received() {
        return received;
    }

    /** Where in {@link #received()} the last result's bytes start. */
    public final long receivedOffset() {
        return receivedOffset;
    }
}
