package io.ringloop.examples;

import io.ringloop.Ringloop;
import io.ringloop.io.ByteView;
import io.ringloop.io.StreamReader;
import io.ringloop.io.StreamWriter;
import io.ringloop.net.TcpServer;
import io.ringloop.net.TcpStream;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * HTTP hello: answers every request with {@code Hello, World!}, keep-alive and pipelining included, in a task
 * per connection. Not a full HTTP server (see {@code ringloop http} for one): it reads the request line and the
 * headers, skips a {@code Content-Length} body, and closes when the client asks.
 *
 * <p>{@code java ... -m io.ringloop.examples/io.ringloop.examples.HttpHello [PORT]} (default 8080; 0 picks a free
 * port, printed at start), then {@code curl http://127.0.0.1:PORT/}.
 */
public final class HttpHello {
    private static final int MAX_LINE = 8192;
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_CLOSE = "connection: close".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
            + "\r\nHello, World!").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE_CLOSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 13\r\nConnection: close\r\n\r\nHello, World!").getBytes(StandardCharsets.US_ASCII);

    private HttpHello() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM); // before the start line: none is lost
        try (Ringloop rt = Ringloop.start()) {
            TcpServer server = start(rt, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            System.out.println("http hello on " + server.localAddress() + " (" + rt.backendName() + ")");
            stop.await();
        }
    }

    /** Serves on {@code address} on every loop of {@code rt} until the server is closed. */
    public static TcpServer start(Ringloop rt, InetSocketAddress address) throws IOException {
        return rt.serve(address, HttpHello::serve);
    }

    private static void serve(TcpStream stream) throws IOException {
        StreamReader in = new StreamReader(stream);
        StreamWriter out = new StreamWriter(stream);
        in.flushBeforeRead(out); // the answers to pipelined requests leave in one write
        while (in.readLine(MAX_LINE) != null) { // the request line; null: the client closed
            long bodyBytes = 0;
            boolean close = false;
            ByteView header;
            while ((header = in.readLine(MAX_LINE)) != null && !header.isEmpty()) {
                if (header.equalsIgnoreCase(CONNECTION_CLOSE)) {
                    close = true;
                } else if (startsWithIgnoreCase(header, CONTENT_LENGTH)) {
                    bodyBytes = header.slice(CONTENT_LENGTH.length, header.length()).trim().parseLong();
                }
            }
            in.skip(bodyBytes);
            out.write(close ? RESPONSE_CLOSE : RESPONSE);
            if (close || header == null) {
                break;
            }
        }
        out.flush();
    }

    private static boolean startsWithIgnoreCase(ByteView line, byte[] lowerCasePrefix) {
        return line.length() >= lowerCasePrefix.length
                && line.slice(0, lowerCasePrefix.length).equalsIgnoreCase(lowerCasePrefix);
    }
}
