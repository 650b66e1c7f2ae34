package io.ringloop.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLException;

/** Buffer arithmetic of the record layer, apart from its state machine. */
final class TlsBuffers {
    private TlsBuffers() {
    }

    /**
     * A bigger copy of {@code buf} (write mode: [0, position) is content) with at least {@code minFree} bytes
     * free; an {@code SSLException} if {@code buf} had that much free already (the engine asks for more than
     * its own session sizes).
     */
    static ByteBuffer grow(ByteBuffer buf, int minFree, String what) throws SSLException {
        if (buf.remaining() >= minFree) {
            throw new SSLException(what + " larger than the engine's " + minFree + " bytes");
        }
        ByteBuffer bigger = ByteBuffer.allocate(buf.position() + minFree);
        bigger.put(buf.flip());
        return bigger;
    }

    /** Moves as much of {@code from} (read mode) into {@code to} as fits: the count. */
    static int move(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        to.put(to.position(), from, from.position(), n);
        to.position(to.position() + n);
        from.position(from.position() + n);
        return n;
    }

    static boolean hasRemaining(ByteBuffer[] srcs) {
        for (ByteBuffer b : srcs) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }
}
