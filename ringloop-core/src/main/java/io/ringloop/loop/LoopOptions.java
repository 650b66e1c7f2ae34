package io.ringloop.loop;

/**
 * Per-loop sizes. {@code ringEntries}: io_uring submission queue entries (a power of two; the completion
 * queue gets twice as many). {@code providedBuffers}: io_uring provided buffers for multishot receive (a
 * power of two, 0 for none). {@code zeroCopyMinBytes}: io_uring sends of native buffers at least this large use
 * SEND_ZC (0: never). {@code multishotReceive}: io_uring heap-memory reads that must wait arm one multishot
 * RECV per connection into the provided buffers (needs {@code providedBuffers > 0}; off by default).
 * {@code fixedFilesAfterOps}: an io_uring stream socket that has started this many transfers (receive or send
 * SQEs) is registered as a fixed file (0: never). {@code maxEvents}-like limits of the other backends are fixed.
 */
public record LoopOptions(int ringEntries, int providedBuffers, long zeroCopyMinBytes, boolean multishotReceive,
                          int fixedFilesAfterOps) {
    /** Zero-copy sends off by default: on loopback they measured slower at every size (see the closing note). */
    public static final LoopOptions DEFAULTS = new LoopOptions(1024, 128, 0, false, 64);

    public LoopOptions {
        if (Integer.bitCount(ringEntries) != 1 || ringEntries > 32768) {
            throw new IllegalArgumentException("ringEntries must be a power of two up to 32768: " + ringEntries);
        }
        if (fixedFilesAfterOps < 0) {
            throw new IllegalArgumentException("fixedFilesAfterOps must be >= 0: " + fixedFilesAfterOps);
        }
        if (providedBuffers != 0 && Integer.bitCount(providedBuffers) != 1) {
            throw new IllegalArgumentException("providedBuffers must be 0 or a power of two: " + providedBuffers);
        }
        if (zeroCopyMinBytes < 0) {
            throw new IllegalArgumentException("zeroCopyMinBytes must be >= 0: " + zeroCopyMinBytes);
        }
    }

    public LoopOptions withRingEntries(int entries) {
        return new LoopOptions(entries, providedBuffers, zeroCopyMinBytes, multishotReceive, fixedFilesAfterOps);
    }

    public LoopOptions withProvidedBuffers(int count) {
        return new LoopOptions(ringEntries, count, zeroCopyMinBytes, multishotReceive, fixedFilesAfterOps);
    }

    public LoopOptions withZeroCopyMinBytes(long bytes) {
        return new LoopOptions(ringEntries, providedBuffers, bytes, multishotReceive, fixedFilesAfterOps);
    }

    public LoopOptions withFixedFilesAfterOps(int ops) {
        return new LoopOptions(ringEntries, providedBuffers, zeroCopyMinBytes, multishotReceive, ops);
    }

    public LoopOptions withMultishotReceive(boolean on) {
        return new LoopOptions(ringEntries, providedBuffers, zeroCopyMinBytes, on, fixedFilesAfterOps);
    }
}
