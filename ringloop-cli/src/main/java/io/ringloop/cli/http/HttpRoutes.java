package io.ringloop.cli.http;

import io.ringloop.cli.wire.Bytes;
import io.ringloop.cli.wire.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The routes of {@code ringloop http} and their answers, shared by both styles ({@link HttpConnection},
 * {@link HttpFrameHandler}): {@code GET|HEAD /plaintext} and {@code /json} (TechEmpower), {@code POST|PUT /echo}
 * (the body back), 404 and 405 otherwise; and the refusals (400, 408, 413, 414, 431, 501, 505) with
 * {@code Connection: close}.
 */
final class HttpRoutes {
    static final int ROUTE_PLAINTEXT = 0;
    static final int ROUTE_JSON = 1;
    static final int ROUTE_ECHO = 2;
    static final byte[][] ROUTES = {ascii("/plaintext"), ascii("/json"), ascii("/echo")};
    private static final byte[] HELLO = ascii("Hello, World!");
    private static final String MESSAGE = "Hello, World!";
    /** Room for the JSON answer ({@link HttpResponses#json}: 6 bytes per char at worst, plus 14). */
    static final int JSON_BYTES = 14 + 6 * MESSAGE.length();
    private static final byte[] ALLOW_GET = ascii("GET, HEAD");
    private static final byte[] ALLOW_POST = ascii("POST, PUT");
    private static final byte[] NOT_FOUND = ascii("Not Found\n");
    private static final byte[] NOT_ALLOWED = ascii("Method Not Allowed\n");

    private HttpRoutes() {
    }

    private static byte[] ascii(String s) {
        return HttpRequestParser.ascii(s);
    }

    /**
     * Answers request {@code r} whose body ({@code /echo}'s, else unused) is {@code body[0, bodyLength)};
     * {@code close}: with {@code Connection: close}; {@code json}: scratch of {@link #JSON_BYTES}.
     */
    static void answer(Sink w, HttpRequest r, byte[] body, int bodyLength, boolean close, byte[] json)
            throws IOException {
        boolean keep10 = !close && r.version == 10;
        boolean headOnly = r.method == HttpRequest.HEAD;
        boolean get = r.method == HttpRequest.GET || headOnly;
        switch (r.route) {
            case ROUTE_PLAINTEXT -> {
                if (get) {
                    HttpResponses.ok(w, HttpResponses.TEXT_PLAIN, HELLO, HELLO.length, headOnly, close, keep10);
                } else {
                    error(w, 405, NOT_ALLOWED, ALLOW_GET, close, keep10, headOnly);
                }
            }
            case ROUTE_JSON -> {
                if (get) {
                    int n = HttpResponses.json(MESSAGE, json);
                    HttpResponses.ok(w, HttpResponses.APPLICATION_JSON, json, n, headOnly, close, keep10);
                } else {
                    error(w, 405, NOT_ALLOWED, ALLOW_GET, close, keep10, headOnly);
                }
            }
            case ROUTE_ECHO -> {
                if (r.method == HttpRequest.POST || r.method == HttpRequest.PUT) {
                    HttpResponses.ok(w, HttpResponses.OCTET_STREAM, body, bodyLength, false, close, keep10);
                } else {
                    error(w, 405, NOT_ALLOWED, ALLOW_POST, close, keep10, headOnly);
                }
            }
            default -> error(w, 404, NOT_FOUND, null, close, keep10, headOnly);
        }
    }

    private static void error(Sink w, int status, byte[] text, byte[] allow, boolean close, boolean keep10,
                              boolean headOnly) throws IOException {
        HttpResponses.head(w, HttpResponses.statusLine(status), HttpResponses.TEXT_PLAIN, text.length, close,
                keep10, allow);
        if (!headOnly) {
            w.write(text);
        }
    }

    /** The answer refusing a request with {@code status}, with {@code Connection: close}. */
    static void refusal(Sink w, int status) throws IOException {
        byte[] text = ascii(new String(HttpResponses.statusLine(status), StandardCharsets.US_ASCII)
                .substring(13) + "\n");
        HttpResponses.head(w, HttpResponses.statusLine(status), HttpResponses.TEXT_PLAIN, text.length, true,
                false, null);
        w.write(text);
    }

    /** 1 to 15 hex digits of {@code in[from, to)}; -1 when malformed; Long.MAX_VALUE when longer. */
    static long parseHex(Bytes in, int from, int to) {
        if (from >= to) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(in.get(i), 16);
            if (d < 0) {
                return -1;
            }
            if (i - from == 15) {
                return Long.MAX_VALUE;
            }
            n = n * 16 + d;
        }
        return n;
    }
}
