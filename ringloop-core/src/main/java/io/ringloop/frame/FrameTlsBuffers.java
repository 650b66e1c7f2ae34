package io.ringloop.frame;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One TLS framing connection's ciphertext buffers, taken from the loop's pool only while they hold something:
 * what was received and not yet decrypted (a partial record, or records kept while the connection may not parse),
 * and what was encrypted and not yet written. An idle connection holds neither. Loop thread only.
 */
final class FrameTlsBuffers {
    /** The output buffer's size class: a few full records per write. */
    private static final int OUT_BYTES = FrameLoop.MAX_CLASS;

    private final FrameLoop fl;
    /** Ciphertext received and not yet decrypted, read mode; null when none. */
    private byte[] inArray;
    private ByteBuffer in;
    /** When the input buffer was taken (the read timeout runs from here while it holds a partial record). */
    long heldSinceNs;
    /** Ciphertext to send: [outSent, out.position()); null when none. */
    private byte[] outArray;
    private ByteBuffer out;
    private MemorySegment outSegment;
    private int outSent;

    FrameTlsBuffers(FrameLoop fl) {
        this.fl = fl;
    }

    // ---- received ciphertext ----

    /** The ciphertext held, read mode, or null. */
    ByteBuffer in() {
        return in;
    }

    boolean holdsInput() {
        return in != null;
    }

    /** Moves all of {@code src} to the end of the input, taken or grown (at least {@code packet} bytes) as needed. */
    void append(ByteBuffer src, int packet) {
        int n = src.remaining();
        if (in == null) {
            heldSinceNs = fl.loop.nanoTime();
            inArray = fl.take(Math.max(n, packet));
            in = ByteBuffer.wrap(inArray).limit(0);
        } else if (in.capacity() - in.limit() < n) {
            int held = in.remaining();
            if (in.capacity() - held >= n) {
                in.compact().flip();
            } else {
                byte[] bigger = fl.take(held + Math.max(n, packet));
                in.get(bigger, 0, held);
                fl.give(inArray);
                inArray = bigger;
                in = ByteBuffer.wrap(bigger).limit(held);
            }
        }
        int at = in.limit();
        in.limit(at + n);
        in.put(at, src, src.position(), n);
        src.position(src.limit());
    }

    /** The input buffer goes back once everything in it was decrypted. */
    void releaseInIfEmpty() {
        if (in != null && !in.hasRemaining()) {
            fl.give(inArray);
            inArray = null;
            in = null;
        }
    }

    // ---- ciphertext to send ----

    /** The output buffer to wrap into (write mode), taken if none is held. */
    ByteBuffer out() {
        if (out == null) {
            outArray = fl.take(OUT_BYTES);
            out = ByteBuffer.wrap(outArray);
            outSegment = MemorySegment.ofArray(outArray);
            outSent = 0;
        }
        return out;
    }

    /** Ciphertext waits to be written. */
    boolean hasCiphertext() {
        return out != null && out.position() > outSent;
    }

    MemorySegment outSegment() {
        return outSegment;
    }

    int outStart() {
        return outSent;
    }

    int outLength() {
        return out.position() - outSent;
    }

    /** The kernel took {@code n} more bytes of ciphertext: true once all of it is sent (the buffer goes back). */
    boolean advance(int n) {
        outSent += n;
        if (outSent < out.position()) {
            return false;
        }
        fl.give(outArray);
        outArray = null;
        out = null;
        outSegment = null;
        outSent = 0;
        return true;
    }

    /** The connection closed (its socket too, so nothing is in flight): both buffers go back. */
    void closed() {
        if (in != null) {
            fl.give(inArray);
            in = null;
            inArray = null;
        }
        if (out != null) {
            fl.give(outArray);
            out = null;
            outArray = null;
            outSegment = null;
        }
    }
}
