package io.ringloop.bench.load;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The bytes of one message: an 8-byte big-endian sequence number, then a fixed pseudo-random pattern.
 * Every echoed message's sequence number is checked (catches lost, duplicated or reordered bytes, i.e. the
 * length); one message in {@link #SAMPLE_EVERY} also has its whole body compared with the pattern.
 */
final class Payload {
    static final int SAMPLE_EVERY = 8;
    static final int HEADER_BYTES = 8;

    private final int sizeBytes;
    private final ByteBuffer pattern;
    private final MemorySegment patternSegment;

    Payload(int sizeBytes) {
        this.sizeBytes = sizeBytes;
        this.pattern = ByteBuffer.allocateDirect(sizeBytes);
        SplittableRandom random = new SplittableRandom(0x5EEDL);
        for (int i = 0; i < sizeBytes; i++) {
            pattern.put(i, (byte) random.nextInt(256));
        }
        this.patternSegment = MemorySegment.ofBuffer(pattern);
    }

    int sizeBytes() {
        return sizeBytes;
    }

    /** Appends message {@code seq} at {@code tx}'s position (write mode); the caller checked the room. */
    void put(ByteBuffer tx, long seq) {
        int at = tx.position();
        tx.putLong(at, seq);
        tx.put(at + HEADER_BYTES, pattern, HEADER_BYTES, sizeBytes - HEADER_BYTES);
        tx.position(at + sizeBytes);
    }

    static boolean sampled(long seq) {
        return seq % SAMPLE_EVERY == 0;
    }

    /** True when {@code received[from, from+length)} equals the pattern from message offset {@code msgOffset}. */
    boolean bodyMatches(MemorySegment received, long from, int msgOffset, int length) {
        return MemorySegment.mismatch(received, from, from + length,
                patternSegment, msgOffset, msgOffset + length) < 0;
    }
}
