package io.ringloop.cli.http;

import io.ringloop.cli.wire.Bytes;
import io.ringloop.cli.wire.Sink;
import io.ringloop.cli.wire.WriterSink;
import io.ringloop.io.ByteView;
import io.ringloop.io.FrameTooLongException;
import io.ringloop.io.StreamReader;
import io.ringloop.io.StreamWriter;
import io.ringloop.net.ByteStream;
import io.ringloop.net.ServerConnection;
import io.ringloop.net.TcpStream;
import io.ringloop.tls.TlsConfig;
import io.ringloop.tls.TlsStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CancellationException;

/**
 * One HTTP/1.1 connection, served by its own task: keep-alive, pipelining, Content-Length and chunked bodies,
 * HEAD, {@code Connection: close}, limits and timeouts (the task style; {@link HttpFrameHandler} is the framing
 * style). Parsing is {@link HttpRequestParser}'s and the answers {@link HttpRoutes}', shared by both styles; this
 * class does the I/O.
 *
 * <p>Pipelining: responses collect in the writer, which the reader flushes only when it must wait for more
 * bytes, so the answers to every request that arrived together leave in one write.
 *
 * <p>A refused request (400, 408, 413, 414, 431, 501, 505) is answered with {@code Connection: close}; then the
 * connection half-closes and discards input for up to {@link #LINGER} before closing, so the client reads the
 * answer instead of a reset.
 *
 * <p>Timeouts are the server's ({@link ServerConnection}): a request runs from its first byte
 * ({@code requestStarted}) until its body is read ({@code requestDone}); a read that passes the request timeout
 * in between is answered 408 (a slow head or body: slow loris); waiting for the next request is the idle
 * timeout, which closes the connection; the write timeout closes it too.
 */
final class HttpConnection {
    private static final byte[] EMPTY = new byte[0];
    private static final int MAX_CHUNK_LINE = 4096;
    private static final Duration LINGER = Duration.ofSeconds(1);
    private static final int LINGER_BYTES = 256 * 1024;
    /** readHead: the peer closed before a whole head arrived; nothing to answer. */
    private static final int GONE = Integer.MIN_VALUE;
    private static final int BUFFER_BYTES = 8 * 1024;

    /** The socket: its options, server limits and state; the bytes go through {@link #io}. */
    private final TcpStream stream;
    /** The stream the requests and answers travel: the socket itself, or a {@link TlsStream} over it. */
    private final ByteStream io;
    private final HttpConfig config;
    private final ServerConnection conn;
    private final HttpRequestParser parser;
    private final StreamReader reader;
    private final StreamWriter writer;
    private final HttpRequest request = new HttpRequest();
    private final byte[] json = new byte[HttpRoutes.JSON_BYTES];
    private final Sink out;
    private final Bytes.OfByteView hexBytes = new Bytes.OfByteView();
    /** The body of an /echo request; grows up to the body limit, back to empty after a large one. */
    private byte[] body = EMPTY;

    private HttpConnection(TcpStream stream, ByteStream io, HttpConfig config) {
        this.stream = stream;
        this.io = io;
        this.config = config;
        this.conn = ServerConnection.of(stream);
        this.parser = new HttpRequestParser(HttpRoutes.ROUTES, config.maxRequestLine(), config.maxHeaderBytes());
        this.reader = new StreamReader(io, BUFFER_BYTES, Math.max(BUFFER_BYTES, parser.maxHeadBytes()));
        this.writer = new StreamWriter(io, 16 * 1024);
        this.out = new WriterSink(writer);
        reader.flushBeforeRead(writer);
    }

    /**
     * Serves {@code stream} until it closes, through TLS when {@code tls} is not null (the handshake first; the
     * close sends close_notify); a connection the peer breaks, or whose handshake fails, is dropped quietly.
     */
    static void serve(TcpStream stream, HttpConfig config, TlsConfig tls) {
        try {
            if (tls == null) {
                new HttpConnection(stream, stream, config).run();
            } else {
                stream.setNoDelay(true);
                try (TlsStream t = TlsStream.server(stream, tls)) {
                    new HttpConnection(stream, t, config).run();
                }
            }
        } catch (IOException | CancellationException e) {
            // reset by the peer, a timeout that closed it, or cancelled by a drain or shutdown: nothing to answer
        }
    }

    private void run() throws IOException {
        stream.setNoDelay(true);
        while (true) {
            if (reader.available() == 0 && !awaitRequest()) {
                return; // end of stream, idle timeout or drain: pending answers were flushed before the wait
            }
            conn.requestStarted(); // its first byte is in hand (maybe pipelined behind the previous one)
            request.reset();
            int head = readHead();
            if (head == GONE) {
                return;
            }
            if (head < 0) {
                refuse(-head);
                return;
            }
            if (!serveRequest()) {
                return;
            }
        }
    }

    /**
     * Waits, idle, for the first byte of a request: false to close instead (end of stream, the idle timeout, or
     * the server drains: a wait for a request is cancelled then, and none starts).
     */
    private boolean awaitRequest() throws IOException {
        if (conn.draining()) {
            writer.flush();
            return false;
        }
        try {
            if (reader.fill() <= 0) { // flushes the answers to everything before
                return false;
            }
        } catch (SocketException | SocketTimeoutException | CancellationException e) {
            return false; // the drain or the idle timeout closed the stream; or a shutdown cancelled the wait
        }
        return true;
    }

    /** The head's length (consumed), {@link #GONE}, or minus the status to refuse with. */
    private int readHead() throws IOException {
        while (true) {
            int r = parser.parse(reader.buffered(), request);
            if (r > 0) {
                reader.consume(r);
                return r;
            }
            if (r < 0) {
                return r;
            }
            try {
                if (reader.fill() < 0) {
                    return GONE;
                }
            } catch (SocketTimeoutException e) {
                return stream.isOpen() ? -408 : GONE; // the request timeout; else the idle one closed it
            }
        }
    }

    /** Reads the body, routes, writes the answer: false when the connection closes after it. */
    private boolean serveRequest() throws IOException {
        HttpRequest r = request;
        if (r.method == HttpRequest.OTHER_METHOD) {
            refuse(501);
            return false;
        }
        long bodyLength = 0;
        if (r.hasBody()) {
            if (!r.chunked && r.contentLength > config.maxBodyBytes()) {
                refuse(413);
                return false;
            }
            if (r.expectContinue) {
                HttpResponses.continue100(out);
            }
            boolean keepBody = r.route == HttpRoutes.ROUTE_ECHO;
            try {
                bodyLength = r.chunked ? readChunked(keepBody) : readFixed(r.contentLength, keepBody);
            } catch (EOFException e) {
                return false;
            } catch (FrameTooLongException e) {
                bodyLength = -400;
            } catch (SocketTimeoutException e) {
                if (!stream.isOpen()) {
                    return false;
                }
                bodyLength = -408; // the body did not arrive within the request timeout
            }
            if (bodyLength < 0) {
                refuse((int) -bodyLength);
                return false;
            }
        }
        conn.requestDone(); // all of it read: what follows is the answer, under the write timeout
        boolean keep = r.keepAlive() && !conn.draining();
        boolean close = !keep;
        HttpRoutes.answer(out, r, body, (int) bodyLength, close, json);
        if (r.route == HttpRoutes.ROUTE_ECHO && body.length > BUFFER_BYTES) {
            body = EMPTY; // the writer copied or sent it already: do not keep a large body's memory
        }
        if (close) {
            closeGracefully();
        }
        return keep;
    }

    /** A Content-Length body: its length (kept for /echo, else skipped). */
    private long readFixed(long length, boolean keep) throws IOException {
        if (keep) {
            ensureBody(length);
            reader.readExactly(body, 0, (int) length);
        } else if (reader.skip(length) < length) {
            throw new EOFException("body: end of stream");
        }
        return length;
    }

    /** A chunked body (RFC 9112 7.1): its decoded length, or minus a status (400, 413, 431). */
    private long readChunked(boolean keep) throws IOException {
        long total = 0;
        while (true) {
            ByteView line = reader.readLine(MAX_CHUNK_LINE);
            if (line == null) {
                throw new EOFException("chunked body: end of stream");
            }
            int semicolon = line.indexOf((byte) ';'); // chunk extensions: ignored
            ByteView hex = (semicolon < 0 ? line : line.slice(0, semicolon)).trim();
            long size = HttpRoutes.parseHex(hexBytes.set(hex), 0, hex.length());
            if (size < 0) {
                return -400;
            }
            if (size == 0) {
                break;
            }
            if (size > config.maxBodyBytes() - total) {
                return -413;
            }
            if (keep) {
                ensureBody(total + size);
                reader.readExactly(body, (int) total, (int) size);
            } else if (reader.skip(size) < size) {
                throw new EOFException("chunked body: end of stream");
            }
            total += size;
            ByteView end = reader.readLine(0);
            if (end == null) {
                throw new EOFException("chunked body: end of stream");
            }
        }
        int trailerBytes = 0;
        while (true) { // trailer fields: read and ignored, under the header limit
            ByteView t = reader.readLine(config.maxHeaderBytes());
            if (t == null) {
                throw new EOFException("chunked trailer: end of stream");
            }
            if (t.isEmpty()) {
                return total;
            }
            trailerBytes += t.length() + 2;
            if (trailerBytes > config.maxHeaderBytes()) {
                return -431;
            }
        }
    }

    private void ensureBody(long size) {
        if (body.length < size) {
            body = Arrays.copyOf(body, (int) Math.min(config.maxBodyBytes(),
                    Math.max(size, Math.max(1024, body.length * 2L))));
        }
    }

    /** Answers {@code status} with {@code Connection: close}, then closes gracefully. */
    private void refuse(int status) throws IOException {
        HttpRoutes.refusal(out, status);
        closeGracefully();
    }

    /**
     * Flushes, half-closes, and discards what the client still sends for up to {@link #LINGER} (and
     * {@link #LINGER_BYTES}): closing with unread input would make the kernel reset the connection, and the
     * client could lose the answer.
     */
    private void closeGracefully() throws IOException {
        conn.requestDone(); // a refused request is not read further: the linger is no part of it
        writer.flush();
        io.shutdownOutput(); // TLS: close_notify first
        long deadlineNs = System.nanoTime() + LINGER.toNanos();
        long discarded = reader.skip(reader.available());
        try {
            while (discarded < LINGER_BYTES) {
                long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0) {
                    return;
                }
                stream.readTimeout(Duration.ofNanos(leftNs));
                int n = reader.fill();
                if (n < 0) {
                    return;
                }
                discarded += reader.skip(reader.available());
            }
        } catch (SocketTimeoutException e) {
            // the client kept the connection open: close it anyway
        }
    }
}
