package io.ringloop.cli.http;

import io.ringloop.cli.wire.Bytes;
import io.ringloop.io.ByteView;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP/1.1 request-head parser (RFC 9112), a pure function over the bytes received so far: it answers the
 * head's length, {@link #NEED_MORE}, or a negative status for a request to refuse. No I/O and no allocation
 * beyond small views; a connection shows it the received bytes in place (the reader's buffer in the task style,
 * the loop's receive memory in the framing style) and consumes what it used.
 *
 * <p>Resumable: the search for the head's end keeps its place in the {@link HttpRequest}, so a head that
 * arrives a byte at a time is scanned once, not once per byte. Limits (Netty's defaults): request line 4096
 * bytes (414 past it), header block 8192 bytes and 100 headers (431 past them).
 *
 * <p>Strict where leniency lets requests be smuggled: Transfer-Encoding with Content-Length, differing
 * Content-Lengths, a Transfer-Encoding that does not end in chunked, obsolete line folding, whitespace before a
 * header's colon, control characters, and a missing or repeated Host in HTTP/1.1 are all 400.
 */
final class HttpRequestParser {
    /** Not a whole head yet: read more and call again with the same request object. */
    static final int NEED_MORE = 0;
    static final int MAX_HEADERS = 100;
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte SP = ' ';
    private static final byte HT = '\t';
    private static final boolean[] TOKEN = new boolean[256];
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] HOST = ascii("host");
    private static final byte[] EXPECT = ascii("expect");
    private static final byte[] CHUNKED = ascii("chunked");
    private static final byte[] CLOSE = ascii("close");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");
    private static final byte[] CONTINUE = ascii("100-continue");
    private static final byte[] HTTP_11 = ascii("HTTP/1.1");
    private static final byte[] HTTP_10 = ascii("HTTP/1.0");
    private static final byte[] HTTP_PREFIX = ascii("HTTP/");
    private static final byte[][] METHODS = {ascii("GET"), ascii("HEAD"), ascii("POST"), ascii("PUT")};
    private static final int[] METHOD_CODES = {HttpRequest.GET, HttpRequest.HEAD, HttpRequest.POST, HttpRequest.PUT};

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private final byte[][] routes;
    private final int maxRequestLine;
    private final int maxHeaderBytes;
    private final Bytes.OfByteView byteView = new Bytes.OfByteView();

    /** A parser that matches request paths against {@code routes} (exact, query excluded). */
    HttpRequestParser(byte[][] routes, int maxRequestLine, int maxHeaderBytes) {
        this.routes = routes;
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The most bytes a head may take: what the reader's window must hold. */
    int maxHeadBytes() {
        return maxRequestLine + maxHeaderBytes + 4 * 2 + 1024; // terminators, and blank lines before the head
    }

    /**
     * Parses the head at the start of {@code in} (the task style: the reader's buffer): its length in bytes (> 0)
     * with {@code r} filled in, {@link #NEED_MORE}, or minus the status to answer (400, 414, 431, 501, 505).
     */
    int parse(ByteView in, HttpRequest r) {
        int end = headEnd(byteView.set(in), r);
        if (end <= 0) {
            return end;
        }
        int status = parseHead(in, r, end);
        return status < 0 ? status : end;
    }

    /**
     * As {@link #parse(ByteView, HttpRequest)} over bytes shown in place (the framing style): the search for the
     * head's end runs in place; a whole head (at most {@link #maxHeadBytes}) is copied into {@code copy}, which
     * must hold that many bytes, and its lines are parsed there.
     */
    int parse(Bytes in, HttpRequest r, byte[] copy) {
        int end = headEnd(in, r);
        if (end <= 0) {
            return end;
        }
        if (end > copy.length) {
            return -431; // cannot happen within the limits above; refused rather than overrun
        }
        in.copyTo(0, copy, 0, end);
        int status = parseHead(ByteView.of(copy, 0, end), r, end);
        return status < 0 ? status : end;
    }

    /** The resumable search for the empty line ending the head: its end (after the LF), NEED_MORE or -status. */
    private int headEnd(Bytes in, HttpRequest r) {
        int len = in.length();
        int i = r.scanned;
        if (r.requestLineEnd == 0 && i == r.lineStart) {
            while (i < len && (in.get(i) == CR || in.get(i) == LF)) { // blank lines before a request: ignored
                i++;
            }
            r.lineStart = i;
            r.leading = i;
            if (i > 1024) {
                return -400;
            }
        }
        while (true) {
            int lf = in.indexOf(LF, i, len);
            if (lf < 0) {
                r.scanned = len;
                if (r.requestLineEnd == 0) {
                    return len - r.lineStart > maxRequestLine + 1 ? -414 : NEED_MORE;
                }
                return len - r.requestLineEnd > maxHeaderBytes + 1 ? -431 : NEED_MORE;
            }
            int content = lf > r.lineStart && in.get(lf - 1) == CR ? lf - 1 - r.lineStart : lf - r.lineStart;
            if (r.requestLineEnd == 0) {
                if (content > maxRequestLine) {
                    return -414;
                }
                r.requestLineEnd = lf + 1;
            } else if (lf + 1 - r.requestLineEnd > maxHeaderBytes + 2) {
                return -431;
            } else if (content == 0) {
                r.scanned = lf + 1;
                return lf + 1;
            }
            r.lineStart = lf + 1;
            i = lf + 1;
        }
    }

    /** Parses the lines of a complete head ending at {@code headEnd}: 0, or minus a status. */
    private int parseHead(ByteView in, HttpRequest r, int headEnd) {
        int status = requestLine(line(in, r.leading, r.requestLineEnd), r);
        if (status != 0) {
            return status;
        }
        int headers = 0;
        int at = r.requestLineEnd;
        while (true) {
            int lf = in.indexOf(LF, at);
            ByteView line = line(in, at, lf + 1);
            if (line.isEmpty()) {
                break;
            }
            if (++headers > MAX_HEADERS) {
                return -431;
            }
            status = header(line, r);
            if (status != 0) {
                return status;
            }
            at = lf + 1;
        }
        if (r.chunked && r.contentLength >= 0) {
            return -400;
        }
        if (r.version == 11 && r.hostHeaders != 1 || r.hostHeaders > 1) {
            return -400;
        }
        return 0;
    }

    /** The line {@code [from, end)} without its LF and an optional CR before it. */
    private static ByteView line(ByteView in, int from, int end) {
        int to = end - 1;
        if (to > from && in.get(to - 1) == CR) {
            to--;
        }
        return in.slice(from, to);
    }

    private int requestLine(ByteView line, HttpRequest r) {
        int sp1 = line.indexOf(SP);
        int sp2 = sp1 < 0 ? -1 : line.indexOf(SP, sp1 + 1);
        if (sp1 <= 0 || sp2 <= sp1 + 1 || sp2 == line.length() - 1 || line.indexOf(SP, sp2 + 1) >= 0) {
            return -400;
        }
        ByteView method = line.slice(0, sp1);
        if (!isToken(method)) {
            return -400;
        }
        r.method = HttpRequest.OTHER_METHOD;
        for (int m = 0; m < METHODS.length; m++) {
            if (method.contentEquals(METHODS[m])) {
                r.method = METHOD_CODES[m];
                break;
            }
        }
        ByteView target = line.slice(sp1 + 1, sp2);
        for (int i = 0; i < target.length(); i++) {
            byte b = target.get(i);
            if (b <= SP || b == 0x7F) { // controls and (negative) non-ASCII bytes
                return -400;
            }
        }
        if (target.get(0) != '/' && !(target.length() == 1 && target.get(0) == '*')) {
            return -400; // origin-form or '*' only; a proxy's absolute-form is not served here
        }
        int query = target.indexOf((byte) '?');
        ByteView path = query < 0 ? target : target.slice(0, query);
        for (int k = 0; k < routes.length; k++) {
            if (path.contentEquals(routes[k])) {
                r.route = k;
                break;
            }
        }
        ByteView version = line.slice(sp2 + 1, line.length());
        if (version.contentEquals(HTTP_11)) {
            r.version = 11;
        } else if (version.contentEquals(HTTP_10)) {
            r.version = 10;
        } else if (version.length() == 8 && version.startsWith(HTTP_PREFIX) && isDigit(version.get(5))
                && version.get(6) == '.' && isDigit(version.get(7))) {
            return -505;
        } else {
            return -400;
        }
        return 0;
    }

    private int header(ByteView line, HttpRequest r) {
        byte first = line.get(0);
        if (first == SP || first == HT) {
            return -400; // obsolete line folding
        }
        int colon = line.indexOf((byte) ':');
        if (colon <= 0) {
            return -400;
        }
        ByteView name = line.slice(0, colon);
        if (!isToken(name)) {
            return -400; // includes whitespace before the colon
        }
        ByteView value = line.slice(colon + 1, line.length()).trim();
        for (int i = 0; i < value.length(); i++) {
            byte b = value.get(i);
            if (b >= 0 && b < SP && b != HT || b == 0x7F) {
                return -400;
            }
        }
        switch (name.length()) {
            case 14 -> {
                return name.equalsIgnoreCase(CONTENT_LENGTH) ? contentLength(value, r) : 0;
            }
            case 17 -> {
                return name.equalsIgnoreCase(TRANSFER_ENCODING) ? transferEncoding(value, r) : 0;
            }
            case 10 -> {
                if (name.equalsIgnoreCase(CONNECTION)) {
                    forEachToken(value, r, true);
                }
            }
            case 4 -> {
                if (name.equalsIgnoreCase(HOST)) {
                    r.hostHeaders++;
                }
            }
            case 6 -> {
                if (name.equalsIgnoreCase(EXPECT) && value.equalsIgnoreCase(CONTINUE)) {
                    r.expectContinue = true;
                }
            }
            default -> {
                // not needed for framing or routing
            }
        }
        return 0;
    }

    private static int contentLength(ByteView value, HttpRequest r) {
        if (value.isEmpty()) {
            return -400;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isDigit(value.get(i))) {
                return -400;
            }
        }
        long n = value.length() > 18 ? Long.MAX_VALUE : value.parseLong();
        if (r.contentLength >= 0 && r.contentLength != n) {
            return -400;
        }
        r.contentLength = n;
        return 0;
    }

    private static int transferEncoding(ByteView value, HttpRequest r) {
        return forEachToken(value, r, false);
    }

    /**
     * The comma-separated tokens of a Connection (close, keep-alive) or Transfer-Encoding value (chunked, and
     * last): 0, or minus a status.
     */
    private static int forEachToken(ByteView value, HttpRequest r, boolean connection) {
        int from = 0;
        while (from <= value.length()) {
            int comma = value.indexOf((byte) ',', from);
            int to = comma < 0 ? value.length() : comma;
            ByteView token = value.slice(from, to).trim();
            from = to + 1;
            if (token.isEmpty()) {
                continue;
            }
            if (connection) {
                r.connectionClose |= token.equalsIgnoreCase(CLOSE);
                r.connectionKeepAlive |= token.equalsIgnoreCase(KEEP_ALIVE);
            } else if (r.chunked) {
                return -400; // chunked must be the last coding, and only once
            } else if (token.equalsIgnoreCase(CHUNKED)) {
                r.chunked = true;
            } else {
                return -501; // a coding this server does not decode
            }
        }
        return 0;
    }

    private static boolean isToken(ByteView v) {
        for (int i = 0; i < v.length(); i++) {
            byte b = v.get(i);
            if (b < 0 || !TOKEN[b]) {
                return false;
            }
        }
        return !v.isEmpty();
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
