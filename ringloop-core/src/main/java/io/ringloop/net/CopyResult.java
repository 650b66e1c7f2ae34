package io.ringloop.net;

/**
 * What {@link StreamCopy#copyBidirectional} moved: bytes read from {@code a} and written to {@code b}, and the
 * other way.
 *
 * @param aToB bytes copied from {@code a} to {@code b}
 * @param bToA bytes copied from {@code b} to {@code a}
 */
public record CopyResult(long aToB, long bToA) {
    /** Both directions together. */
    public long total() {
        return aToB + bToA;
    }
}
