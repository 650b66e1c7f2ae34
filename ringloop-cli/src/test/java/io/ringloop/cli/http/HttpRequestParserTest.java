package io.ringloop.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.io.ByteView;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The head parser alone: pure function over bytes, shown growing prefixes as a connection would. */
class HttpRequestParserTest {
    private final HttpRequestParser parser = new HttpRequestParser(HttpRoutes.ROUTES, 64, 128);

    private static byte[] ascii(String s) {
        return s.replace("|", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Parses {@code head} shown one more byte at a time; the result once it stops asking for more. */
    private int parseGrowing(byte[] head, HttpRequest r) {
        r.reset();
        for (int n = 0; n <= head.length; n++) {
            int result = parser.parse(ByteView.of(head, 0, n), r);
            if (result != HttpRequestParser.NEED_MORE) {
                return result;
            }
        }
        return HttpRequestParser.NEED_MORE;
    }

    @Test
    void shouldParseHeadSplitAtEveryByte() {
        byte[] head = ascii("|GET /plaintext?x=1 HTTP/1.1|Host: a|Connection: keep-alive, Close|"
                + "Content-Length: 5||hello");
        HttpRequest r = new HttpRequest();
        assertEquals(head.length - 5, parseGrowing(head, r));
        assertEquals(HttpRequest.GET, r.method);
        assertEquals(HttpRoutes.ROUTE_PLAINTEXT, r.route);
        assertEquals(11, r.version);
        assertEquals(5, r.contentLength);
        assertEquals(false, r.keepAlive());
        HttpRequest whole = new HttpRequest();
        whole.reset();
        assertEquals(head.length - 5, parser.parse(ByteView.of(head), whole), "the same without splitting");
    }

    @Test
    void shouldAcceptBareLfAndHttp10KeepAlive() {
        HttpRequest r = new HttpRequest();
        byte[] head = "HEAD /json HTTP/1.0\nconnection: Keep-Alive\nTransfer-Encoding: chunked\n\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals(head.length, parseGrowing(head, r));
        assertEquals(HttpRequest.HEAD, r.method);
        assertEquals(HttpRoutes.ROUTE_JSON, r.route);
        assertEquals(true, r.keepAlive());
        assertEquals(true, r.chunked);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "GET / HTTP/1.1|Host: a||; 0",
        "GET / HTTP/1.1||; -400", // no Host
        "GET / HTTP/1.1|Host: a|Host: b||; -400",
        "GET  / HTTP/1.1|Host: a||; -400",
        "GET / HTTP/1.1 |Host: a||; -400",
        "G(T / HTTP/1.1|Host: a||; -400",
        "GET x HTTP/1.1|Host: a||; -400",
        "GET /\u0001 HTTP/1.1|Host: a||; -400",
        "GET / HTTP/2.0|Host: a||; -505",
        "GET / HTTX/1.1|Host: a||; -400",
        "BREW / HTTP/1.1|Host: a||; 0",
        "GET / HTTP/1.1|Host: a| folded||; -400",
        "GET / HTTP/1.1|Host : a||; -400",
        "GET / HTTP/1.1|Host: a|: x||; -400",
        "GET / HTTP/1.1|Host: a|X: a\u0000b||; -400",
        "GET / HTTP/1.1|Host: a|Content-Length: 1x||; -400",
        "GET / HTTP/1.1|Host: a|Content-Length: 1|Content-Length: 2||; -400",
        "GET / HTTP/1.1|Host: a|Content-Length: 1|Transfer-Encoding: chunked||; -400",
        "GET / HTTP/1.1|Host: a|Transfer-Encoding: gzip||; -501",
        "GET / HTTP/1.1|Host: a|Transfer-Encoding: chunked, gzip||; -400",
        "GET /LONG HTTP/1.1|Host: a||; -414",
        "GET / HTTP/1.1|Host: a|X: LONG||; -431",
    })
    void shouldAnswerStatusForMalformedOrOversizedHeads(String head, int expected) {
        HttpRequest r = new HttpRequest();
        byte[] bytes = ascii(head.replace("LONG", "x".repeat(200))); // past both limits (64 and 128)
        int result = parseGrowing(bytes, r);
        assertEquals(expected, result > 0 ? 0 : result);
    }

    @Test
    void shouldRefuseTooManyHeaders() {
        HttpRequestParser roomy = new HttpRequestParser(HttpRoutes.ROUTES, 64, 8192);
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1|Host: a|");
        for (int i = 0; i < HttpRequestParser.MAX_HEADERS; i++) {
            sb.append("X: y|");
        }
        HttpRequest r = new HttpRequest();
        r.reset();
        assertEquals(-431, roomy.parse(ByteView.of(ascii(sb + "|")), r));
    }
}
