package io.ringloop.examples;

import io.ringloop.Ringloop;
import io.ringloop.frame.FrameConnection;
import io.ringloop.frame.FrameHandler;
import io.ringloop.frame.FrameOptions;
import io.ringloop.frame.FrameServer;
import io.ringloop.frame.FrameView;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import io.ringloop.tls.TlsConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * HTTPS hello on the framing API: TLS inside the framing server, and a handler that is shown the decrypted bytes
 * in place, answers every complete request with {@code Hello, World!} and says how many bytes it consumed. No
 * task and no buffer per connection; the answers to pipelined requests leave in one write. Not a full HTTP server
 * (see {@code ringloop http --tls --style framing}): it finds the end of the headers, skips a
 * {@code Content-Length} body (a request may have 64 KiB in all), and closes when the client asks.
 *
 * <p>{@code java ... -m io.ringloop.examples/io.ringloop.examples.HttpsHello CERT.pem KEY.pem [PORT]} (default
 * 8443; 0 picks a free port, printed at start), then {@code curl --cacert CERT.pem https://localhost:PORT/}.
 */
public final class HttpsHello implements FrameHandler {
    /** The most a request (head and body) may be while incomplete. */
    private static final int MAX_REQUEST = 64 * 1024;
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
            + "\r\nHello, World!").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE_CLOSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 13\r\nConnection: close\r\n\r\nHello, World!").getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        TlsConfig tls = TlsConfig.server(Path.of(args[0]), Path.of(args[1])).alpn("http/1.1").build();
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 8443;
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM); // before the start line: none is lost
        try (Ringloop rt = Ringloop.start();
             FrameServer server = start(rt, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), tls)) {
            System.out.println("https hello on " + server.localAddress() + " (" + rt.backendName() + ")");
            stop.await();
        }
    }

    /** Serves HTTPS on {@code address} on every loop of {@code rt} until the server is closed. */
    public static FrameServer start(Ringloop rt, InetSocketAddress address, TlsConfig tls) throws IOException {
        return FrameServer.builder().loops(rt).options(FrameOptions.DEFAULTS.withMaxFrame(MAX_REQUEST)).tls(tls)
                .start(address, HttpsHello::new);
    }

    @Override
    public long onData(FrameConnection connection, FrameView in) {
        long headEnd = -1;
        long bodyBytes = 0;
        boolean close = false;
        for (long line = 0, nl; (nl = in.indexOf((byte) '\n', line, in.length())) >= 0; line = nl + 1) {
            String header = in.toString(line, (int) (nl - line), StandardCharsets.US_ASCII).strip();
            if (header.isEmpty() && line > 0) {
                headEnd = nl + 1;
                break;
            }
            if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                bodyBytes = Long.parseLong(header.substring(15).strip());
            } else if (header.equalsIgnoreCase("connection: close")) {
                close = true;
            }
        }
        if (headEnd < 0) {
            return NEED_MORE; // past MAX_REQUEST bytes the server ends the connection (FrameTooLongException)
        }
        if (headEnd + bodyBytes > in.length()) {
            return FrameHandler.needAtLeast(headEnd + bodyBytes);
        }
        connection.send(close ? RESPONSE_CLOSE : RESPONSE);
        if (close) {
            connection.close(); // the answer, then close_notify, then the socket
        }
        return headEnd + bodyBytes;
    }
}
