package io.ringloop.cli.kv;

import io.ringloop.cli.wire.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** RESP2 replies, written into a connection's {@link Sink} without allocating. */
final class Resp {
    static final byte[] OK = ascii("+OK\r\n");
    static final byte[] PONG = ascii("+PONG\r\n");
    static final byte[] NULL_BULK = ascii("$-1\r\n");
    static final byte[] ZERO = ascii(":0\r\n");
    static final byte[] ONE = ascii(":1\r\n");
    private static final byte[] CRLF = ascii("\r\n");

    private Resp() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code -message\r\n}; CR and LF in the message become spaces, so the reply stays one line. */
    static void error(Sink w, String message) throws IOException {
        w.writeByte('-');
        w.writeAscii(message.replace('\r', ' ').replace('\n', ' '));
        w.write(CRLF);
    }

    static void integer(Sink w, long n) throws IOException {
        if (n == 0 || n == 1) {
            w.write(n == 0 ? ZERO : ONE);
            return;
        }
        w.writeByte(':');
        w.writeDecimal(n);
        w.write(CRLF);
    }

    static void bulk(Sink w, byte[] b, int off, int len) throws IOException {
        w.writeByte('$');
        w.writeDecimal(len);
        w.write(CRLF);
        w.write(b, off, len);
        w.write(CRLF);
    }

    static void bulk(Sink w, byte[] b) throws IOException {
        bulk(w, b, 0, b.length);
    }

    static void arrayHeader(Sink w, int n) throws IOException {
        w.writeByte('*');
        w.writeDecimal(n);
        w.write(CRLF);
    }
}
