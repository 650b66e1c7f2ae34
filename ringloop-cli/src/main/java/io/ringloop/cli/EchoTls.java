package io.ringloop.cli;

import io.ringloop.net.ByteStream;
import io.ringloop.net.CallbackStream;
import io.ringloop.net.IoCallback;
import io.ringloop.net.TcpStream;
import io.ringloop.tls.TlsConfig;
import io.ringloop.tls.TlsHandshakeCallback;
import io.ringloop.tls.TlsStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import javax.net.ssl.SSLException;

/**
 * {@code ringloop echo --tls}: the echo through a {@link TlsStream} (the options are {@link TlsOptions}), in task
 * style ({@link #echo}) or callback style ({@link #serveCallbacks}).
 */
final class EchoTls {
    private final TlsStream stream;
    private final int bufferBytes;
    private final Arena arena = Arena.ofConfined(); // loop thread only, freed on close
    private final MemorySegment buf;
    private final IoCallback onRead = new IoCallback() {
        @Override
        public void completed(int n) {
            if (n < 0) {
                close(); // the client's close_notify: ours goes out, then the socket closes
            } else {
                stream.write(buf, 0, n, onWrite); // a TLS write completes once all of it is out
            }
        }

        @Override
        public void failed(Throwable error) {
            System.err.println("ringloop echo: " + error.getMessage());
            close();
        }
    };
    private final IoCallback onWrite = new IoCallback() {
        @Override
        public void completed(int n) {
            stream.read(buf, 0, bufferBytes, onRead);
        }

        @Override
        public void failed(Throwable error) {
            System.err.println("ringloop echo: " + error.getMessage());
            close();
        }
    };

    private EchoTls(TlsStream stream, int bufferBytes) {
        this.stream = stream;
        this.bufferBytes = bufferBytes;
        this.buf = arena.allocate(bufferBytes);
    }

    /**
     * Callback style, on the loop thread, over TCP or a Unix stream: the handshake, then read and write back until
     * the client's close_notify, with two reused callbacks and one native buffer; a failure is one line on stderr.
     */
    static void serveCallbacks(CallbackStream transport, TlsConfig config, int bufferBytes) {
        if (transport instanceof TcpStream tcp) {
            try {
                tcp.setNoDelay(true);
            } catch (IOException e) {
                System.err.println("ringloop echo: " + e.getMessage());
            }
        }
        TlsStream.server(transport, config, new TlsHandshakeCallback() {
            @Override
            public void handshaken(TlsStream s) {
                EchoTls c = new EchoTls(s, bufferBytes);
                s.read(c.buf, 0, bufferBytes, c.onRead);
            }

            @Override
            public void failed(Throwable error) {
                System.err.println("ringloop echo: " + error.getMessage());
            }
        });
    }

    private void close() {
        try {
            stream.close();
        } catch (IOException ignore) {
            // on the loop thread close only queues close_notify and the socket's close; nothing to report
        } finally {
            arena.close();
        }
    }

    /**
     * Echoes until the client's close_notify, over TCP or a Unix stream; a failed handshake or a truncation is
     * one line on stderr.
     */
    static void echo(ByteStream s, TlsConfig config, int bytes) throws IOException {
        if (s instanceof TcpStream tcp) {
            tcp.setNoDelay(true);
        }
        try (TlsStream t = TlsStream.server(s, config)) {
            byte[] buf = new byte[bytes];
            int n;
            while ((n = t.read(buf, 0, bytes)) > 0) {
                t.writeAll(buf, 0, n);
            }
        } catch (SSLException e) {
            System.err.println("ringloop echo: " + e.getMessage());
        }
    }
}
