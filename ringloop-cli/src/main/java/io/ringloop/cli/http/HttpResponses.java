package io.ringloop.cli.http;

import io.ringloop.cli.wire.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes response heads into a connection's {@link Sink} from prepared bytes: the status lines, the
 * Server header and a Date header formatted once per second (shared by every loop) as the TechEmpower rules
 * require. Nothing is allocated per response except when the second changes.
 */
final class HttpResponses {
    static final byte[] TEXT_PLAIN = ascii("text/plain");
    static final byte[] APPLICATION_JSON = ascii("application/json");
    static final byte[] OCTET_STREAM = ascii("application/octet-stream");
    private static final byte[] SERVER = ascii("\r\nServer: ringloop\r\nDate: ");
    private static final byte[] CONTENT_TYPE = ascii("\r\nContent-Type: ");
    private static final byte[] CONTENT_LENGTH = ascii("\r\nContent-Length: ");
    private static final byte[] CLOSE = ascii("\r\nConnection: close");
    private static final byte[] KEEP_ALIVE = ascii("\r\nConnection: keep-alive");
    private static final byte[] ALLOW = ascii("\r\nAllow: ");
    private static final byte[] END = ascii("\r\n\r\n");
    private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    /** IMF-fixdate (RFC 9110 5.6.7): two-digit day, unlike DateTimeFormatter.RFC_1123_DATE_TIME. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record CachedDate(long second, byte[] bytes) {
    }

    private static volatile CachedDate date = new CachedDate(Long.MIN_VALUE, new byte[0]);

    private HttpResponses() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The status line without its CRLF, for the statuses this server sends. */
    static byte[] statusLine(int status) {
        return ascii("HTTP/1.1 " + status + " " + switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> throw new IllegalArgumentException("status " + status);
        });
    }

    private static final byte[] OK = statusLine(200);

    /** The Date value for now, reformatted at most once per second (any loop may do it; all agree). */
    static byte[] date() {
        long second = System.currentTimeMillis() / 1000;
        CachedDate d = date;
        if (d.second != second) {
            d = new CachedDate(second, ascii(IMF_FIXDATE.format(Instant.ofEpochSecond(second))));
            date = d;
        }
        return d.bytes;
    }

    /**
     * The head of a response with a body of {@code contentLength} bytes: status line, Server, Date,
     * Content-Type, Content-Length, then Connection when it differs from the version's default.
     */
    static void head(Sink w, byte[] statusLine, byte[] contentType, long contentLength,
                     boolean close, boolean http10KeepAlive, byte[] allow) throws IOException {
        w.write(statusLine);
        w.write(SERVER);
        w.write(date());
        w.write(CONTENT_TYPE);
        w.write(contentType);
        w.write(CONTENT_LENGTH);
        w.writeDecimal(contentLength);
        if (allow != null) {
            w.write(ALLOW);
            w.write(allow);
        }
        if (close) {
            w.write(CLOSE);
        } else if (http10KeepAlive) {
            w.write(KEEP_ALIVE);
        }
        w.write(END);
    }

    /** A 200 response with {@code body} (its head only when {@code headOnly}, as HEAD asks). */
    static void ok(Sink w, byte[] contentType, byte[] body, int length, boolean headOnly, boolean close,
                   boolean http10KeepAlive) throws IOException {
        head(w, OK, contentType, length, close, http10KeepAlive, null);
        if (!headOnly) {
            w.write(body, 0, length);
        }
    }

    /** The interim response a client that sent {@code Expect: 100-continue} waits for before its body. */
    static void continue100(Sink w) throws IOException {
        w.write(CONTINUE);
        w.flush();
    }

    /**
     * Serializes {@code {"message":<message>}} into {@code out} as JSON, escaping as RFC 8259 requires: the
     * length written. Per request, as the TechEmpower JSON test asks; {@code out} must hold it (6 bytes per
     * char at worst, plus 14).
     */
    static int json(String message, byte[] out) {
        int n = 0;
        for (byte b : PREFIX) {
            out[n++] = b;
        }
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '"' || c == '\\') {
                out[n++] = '\\';
                out[n++] = (byte) c;
            } else if (c < 0x20 || c > 0x7E) {
                String hex = String.format("\\u%04x", (int) c); // rare: not in the benchmark's message
                for (int k = 0; k < hex.length(); k++) {
                    out[n++] = (byte) hex.charAt(k);
                }
            } else {
                out[n++] = (byte) c;
            }
        }
        out[n++] = '"';
        out[n++] = '}';
        return n;
    }

    private static final byte[] PREFIX = ascii("{\"message\":\"");
}
