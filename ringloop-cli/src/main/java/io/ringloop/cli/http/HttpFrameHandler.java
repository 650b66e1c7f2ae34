package io.ringloop.cli.http;

import io.ringloop.cli.wire.Bytes;
import io.ringloop.cli.wire.FrameSink;
import io.ringloop.frame.FrameConnection;
import io.ringloop.frame.FrameHandler;
import io.ringloop.frame.FrameView;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

/**
 * One HTTP/1.1 connection in the framing style ({@code ringloop http --style framing}): the same parser
 * ({@link HttpRequestParser}) and answers ({@link HttpRoutes}) as {@link HttpConnection}, run in the loop's receive
 * path on the bytes in place, with no task. A head is left unconsumed until it is whole (the server's accumulator
 * keeps a partial one; an idle connection holds no buffer); a body is consumed as it arrives (kept only for
 * {@code /echo}); the answers to every request of one receive leave in one write.
 *
 * <p>States: {@link #HEAD}, a Content-Length body ({@link #FIXED}), a chunked one ({@link #CHUNK_SIZE},
 * {@link #CHUNK_DATA}, {@link #CHUNK_END}, {@link #TRAILERS}), and {@link #LINGER} after a refusal or a
 * {@code Connection: close}: the answer is sent, the output half-closed, and what the client still sends is
 * discarded for up to {@link #LINGER_NS} or {@link #LINGER_BYTES}, as the task style does.
 *
 * <p>The request timeout (408) is this handler's, with one timer entry re-armed lazily: a request runs from the
 * call that first shows its first byte until its body is read; the server's own read timeout (which aborts
 * without an answer) is off. Idle and write timeouts, the connection limit and drain are the server's.
 */
final class HttpFrameHandler implements FrameHandler {
    private static final int HEAD = 0;
    private static final int FIXED = 1;
    private static final int CHUNK_SIZE = 2;
    private static final int CHUNK_DATA = 3;
    private static final int CHUNK_END = 4;
    private static final int TRAILERS = 5;
    private static final int LINGER = 6;
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final int MAX_CHUNK_LINE = 4096;
    private static final long LINGER_NS = Duration.ofSeconds(1).toNanos();
    private static final int LINGER_BYTES = 256 * 1024;
    private static final byte[] EMPTY = new byte[0];
    /** Per loop thread: the copy a whole head is parsed in, and the JSON answer's scratch. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        byte[] head = EMPTY;
        final byte[] json = new byte[HttpRoutes.JSON_BYTES];
    }

    private final HttpConfig config;
    private final HttpRequestParser parser;
    private final long requestTimeoutNs;
    private final HttpRequest request = new HttpRequest();
    private final Bytes.OfFrameView bytes = new Bytes.OfFrameView();
    private final Runnable onTimer = this::timerFired;
    private FrameConnection conn;
    private Scratch scratch;
    private int state = HEAD;
    /** Body bytes still to come: of a Content-Length body, or of the current chunk. */
    private long remaining;
    /** A chunked body's bytes so far; a body's length once read. */
    private long total;
    private int trailerBytes;
    private boolean keepBody;
    /** The body of an /echo request; back to empty after each answer. */
    private byte[] body = EMPTY;
    /** A request's first byte has been shown and its answer is not written yet. */
    private boolean inRequest;
    /** When the request in progress showed its first byte; -1 between requests (or with no request timeout). */
    private long requestStartNs = -1;
    private long timerId = -1;
    private long lingerDiscarded;

    HttpFrameHandler(HttpConfig config, Duration requestTimeout) {
        this.config = config;
        this.parser = new HttpRequestParser(HttpRoutes.ROUTES, config.maxRequestLine(), config.maxHeaderBytes());
        this.requestTimeoutNs = requestTimeout.toNanos();
    }

    /** The most bytes a frame of this protocol may need while incomplete: a head, with room to spare. */
    static int maxFrame(HttpConfig config) {
        return 2 * new HttpRequestParser(HttpRoutes.ROUTES, config.maxRequestLine(), config.maxHeaderBytes())
                .maxHeadBytes();
    }

    @Override
    public void onOpen(FrameConnection c) {
        conn = c;
        scratch = SCRATCH.get();
        if (scratch.head.length < parser.maxHeadBytes()) {
            scratch.head = new byte[parser.maxHeadBytes()];
        }
    }

    @Override
    public long onData(FrameConnection c, FrameView in) throws IOException {
        Bytes b = bytes.set(in);
        FrameSink out = FrameSink.forThisThread().begin(c);
        try {
            return switch (state) {
                case HEAD -> head(b, out);
                case FIXED, CHUNK_DATA -> bodyBytes(b, out);
                case CHUNK_SIZE -> chunkSize(b, out);
                case CHUNK_END -> chunkEnd(b, out);
                case TRAILERS -> trailer(b, out);
                default -> linger(b);
            };
        } finally {
            out.end();
        }
    }

    private long head(Bytes b, FrameSink out) throws IOException {
        if (!inRequest) {
            inRequest = true;
            request.reset();
            requestStarted();
        }
        int r = parser.parse(b, request, scratch.head);
        if (r == HttpRequestParser.NEED_MORE) {
            return NEED_MORE;
        }
        if (r < 0) {
            return refuse(-r, b, out);
        }
        HttpRequest q = request;
        if (q.method == HttpRequest.OTHER_METHOD) {
            return refuse(501, b, out);
        }
        total = 0;
        if (!q.hasBody()) {
            answer(out);
            return r;
        }
        if (!q.chunked && q.contentLength > config.maxBodyBytes()) {
            return refuse(413, b, out);
        }
        if (q.expectContinue) {
            HttpResponses.continue100(out);
        }
        keepBody = q.route == HttpRoutes.ROUTE_ECHO;
        if (q.chunked) {
            state = CHUNK_SIZE;
        } else {
            state = FIXED;
            remaining = q.contentLength;
            total = q.contentLength;
            if (keepBody) {
                ensureBody(remaining);
            }
        }
        return r;
    }

    /** Body bytes of a Content-Length body or of one chunk: kept for /echo, else skipped. */
    private long bodyBytes(Bytes b, FrameSink out) throws IOException {
        int n = (int) Math.min(remaining, b.length());
        if (keepBody) {
            long at = state == FIXED ? total - remaining : total;
            b.copyTo(0, body, (int) at, n);
        }
        remaining -= n;
        if (state == CHUNK_DATA) {
            total += n;
        }
        if (remaining == 0) {
            if (state == FIXED) {
                answer(out);
            } else {
                state = CHUNK_END;
            }
        }
        return n;
    }

    /** A chunk-size line (extensions ignored): the chunk's data next, or the trailer after the last chunk. */
    private long chunkSize(Bytes b, FrameSink out) throws IOException {
        int lf = b.indexOf(LF, 0, Math.min(b.length(), MAX_CHUNK_LINE + 2));
        if (lf < 0) {
            return b.length() > MAX_CHUNK_LINE + 1 ? refuse(400, b, out) : NEED_MORE;
        }
        int end = lf > 0 && b.get(lf - 1) == CR ? lf - 1 : lf;
        int semicolon = b.indexOf((byte) ';', 0, end);
        int to = semicolon < 0 ? end : semicolon;
        int from = 0;
        while (from < to && b.get(from) <= ' ') {
            from++;
        }
        while (to > from && b.get(to - 1) <= ' ') {
            to--;
        }
        long size = HttpRoutes.parseHex(b, from, to);
        if (size < 0) {
            return refuse(400, b, out);
        }
        if (size == 0) {
            state = TRAILERS;
            trailerBytes = 0;
        } else if (size > config.maxBodyBytes() - total) {
            return refuse(413, b, out);
        } else {
            state = CHUNK_DATA;
            remaining = size;
            if (keepBody) {
                ensureBody(total + size);
            }
        }
        return lf + 1;
    }

    /** The CRLF after a chunk's data: nothing else may stand there. */
    private long chunkEnd(Bytes b, FrameSink out) throws IOException {
        if (b.get(0) == LF) {
            state = CHUNK_SIZE;
            return 1;
        }
        if (b.get(0) == CR && b.length() == 1) {
            return NEED_MORE;
        }
        if (b.get(0) == CR && b.get(1) == LF) {
            state = CHUNK_SIZE;
            return 2;
        }
        return refuse(400, b, out);
    }

    /** One trailer field (read and ignored, under the header limit), or the empty line ending the body. */
    private long trailer(Bytes b, FrameSink out) throws IOException {
        int max = config.maxHeaderBytes();
        int lf = b.indexOf(LF, 0, Math.min(b.length(), max + 2));
        if (lf < 0) {
            return b.length() > max + 1 ? refuse(400, b, out) : NEED_MORE;
        }
        int content = lf > 0 && b.get(lf - 1) == CR ? lf - 1 : lf;
        if (content == 0) {
            answer(out);
            return lf + 1;
        }
        trailerBytes += content + 2;
        return trailerBytes > max ? refuse(431, b, out) : lf + 1;
    }

    /** The whole request is read: answer it; then the next request, or the linger before closing. */
    private void answer(FrameSink out) throws IOException {
        requestStartNs = -1;
        inRequest = false;
        HttpRequest q = request;
        boolean close = !q.keepAlive() || conn.isDraining();
        HttpRoutes.answer(out, q, body, (int) total, close, scratch.json);
        body = EMPTY; // queued (copied) already: an idle connection keeps no body
        state = HEAD;
        if (close) {
            out.flush();
            startLinger();
        }
    }

    /** Answers {@code status} with {@code Connection: close}, then lingers; everything shown is consumed. */
    private long refuse(int status, Bytes b, FrameSink out) throws IOException {
        requestStartNs = -1;
        inRequest = false;
        body = EMPTY;
        HttpRoutes.refusal(out, status);
        out.flush();
        startLinger();
        return linger(b);
    }

    private void startLinger() {
        state = LINGER;
        conn.shutdownOutput();
        if (timerId != -1) {
            conn.loop().cancelTimer(timerId);
        }
        timerId = conn.loop().schedule(LINGER_NS, onTimer);
    }

    private long linger(Bytes b) {
        lingerDiscarded += b.length();
        if (lingerDiscarded >= LINGER_BYTES) {
            conn.close();
        }
        return b.length();
    }

    private void requestStarted() {
        if (requestTimeoutNs <= 0) {
            return;
        }
        requestStartNs = conn.loop().nanoTime();
        if (timerId == -1) {
            timerId = conn.loop().schedule(requestTimeoutNs, onTimer);
        }
    }

    /** The one timer: the linger's end, or the request timeout (re-armed for the request in progress). */
    private void timerFired() {
        timerId = -1;
        FrameConnection c = conn;
        if (!c.isOpen()) {
            return;
        }
        if (state == LINGER) {
            c.close();
            return;
        }
        if (requestStartNs == -1) {
            return; // between requests: the next one arms it again
        }
        long leftNs = requestStartNs + requestTimeoutNs - c.loop().nanoTime();
        if (leftNs > 0) {
            timerId = c.loop().schedule(leftNs, onTimer);
            return;
        }
        FrameSink out = FrameSink.forThisThread().begin(c);
        try {
            requestStartNs = -1;
            inRequest = false;
            body = EMPTY;
            HttpRoutes.refusal(out, 408);
        } catch (IOException e) {
            c.abort();
            return;
        } finally {
            out.end();
        }
        startLinger();
    }

    @Override
    public void onClosed(FrameConnection c, Throwable cause) {
        if (timerId != -1) {
            c.loop().cancelTimer(timerId);
            timerId = -1;
        }
        body = EMPTY;
    }

    private void ensureBody(long size) {
        if (body.length < size) {
            body = Arrays.copyOf(body, (int) Math.min(config.maxBodyBytes(),
                    Math.max(size, Math.max(1024, body.length * 2L))));
        }
    }
}
