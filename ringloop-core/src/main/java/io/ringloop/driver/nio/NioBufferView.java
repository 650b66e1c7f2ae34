package io.ringloop.driver.nio;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The {@link ByteBuffer} through which one direction of one channel reads or writes a {@link MemorySegment}.
 *
 * <p>JDK channels speak {@code ByteBuffer}, and {@link MemorySegment#asByteBuffer()} makes a new buffer object
 * each time. A stream reads into the same buffer again and again, or into slices of one buffer as it fills it,
 * so the view of the last segment is kept and reused when the next segment is that segment or lies inside it
 * (same arena, address range contained): only position and limit move, nothing is allocated. Any other segment
 * gets a fresh view, which is then kept.
 *
 * <p>A contained segment must also share the cached one's scope, so a view is never reused for memory of an
 * arena that was closed and whose address was handed out again.
 *
 * <p>Loop thread only. Holds a reference to the last segment until {@link #clear()}.
 */
final class NioBufferView {
    private MemorySegment segment;
    private ByteBuffer buffer;

    /** A buffer whose remaining bytes are exactly {@code target}'s (capped at 2 GiB - 1). */
    ByteBuffer of(MemorySegment target) {
        MemorySegment cached = segment;
        if (cached != null) {
            if (target == cached) {
                return buffer.clear();
            }
            if (target.isNative() && cached.isNative() && target.scope().equals(cached.scope())) {
                long offset = target.address() - cached.address();
                if (offset >= 0 && offset + target.byteSize() <= cached.byteSize()) {
                    ByteBuffer b = buffer.clear();
                    b.limit((int) (offset + target.byteSize()));
                    b.position((int) offset);
                    return b;
                }
            }
        }
        MemorySegment whole = target.byteSize() > Integer.MAX_VALUE ? target.asSlice(0, Integer.MAX_VALUE) : target;
        segment = whole;
        buffer = whole.asByteBuffer();
        return buffer;
    }

    /** Forgets the cached view (on close, so the memory is not kept reachable). */
    void clear() {
        segment = null;
        buffer = null;
    }
}
