package io.ringloop.cli.http;

/**
 * What the parser took from one request head, in a reusable object (one per connection, reset per request):
 * no strings, no header map; only what framing and routing need.
 */
final class HttpRequest {
    static final int GET = 1;
    static final int HEAD = 2;
    static final int POST = 3;
    static final int PUT = 4;
    static final int OTHER_METHOD = 9;

    /** One of the method codes above. */
    int method;
    /** Index of the request path in the parser's route table, or -1. */
    int route;
    /** 10 for HTTP/1.0, 11 for HTTP/1.1. */
    int version;
    /** The Content-Length header's value, or -1 when absent; Long.MAX_VALUE when too large to hold. */
    long contentLength;
    boolean chunked;
    boolean connectionClose;
    boolean connectionKeepAlive;
    boolean expectContinue;
    int hostHeaders;

    // Resumable scan for the end of the head (the parser is shown the same bytes again after more arrive).
    /** Bytes of the head already searched for its end. */
    int scanned;
    /** Start of the line being scanned. */
    int lineStart;
    /** End (exclusive, after its LF) of the request line; 0 until found. */
    int requestLineEnd;
    /** Empty lines skipped before the request line. */
    int leading;

    void reset() {
        method = 0;
        route = -1;
        version = 0;
        contentLength = -1;
        chunked = false;
        connectionClose = false;
        connectionKeepAlive = false;
        expectContinue = false;
        hostHeaders = 0;
        scanned = 0;
        lineStart = 0;
        requestLineEnd = 0;
        leading = 0;
    }

    /** Whether the connection stays open after this request (HTTP/1.1 by default, 1.0 only when asked). */
    boolean keepAlive() {
        return version == 11 ? !connectionClose : connectionKeepAlive && !connectionClose;
    }

    boolean hasBody() {
        return chunked || contentLength > 0;
    }
}
