package io.ringloop.cli;

import io.ringloop.net.TcpStream;
import io.ringloop.tls.TlsConfig;
import io.ringloop.tls.TlsStream;
import java.io.IOException;
import javax.net.ssl.SSLException;

/** {@code ringloop echo --tls}: the echo through a {@link TlsStream} (the options are {@link TlsOptions}). */
final class EchoTls {
    private EchoTls() {
    }

    /** Echoes until the client's close_notify; a failed handshake or a truncation is one line on stderr. */
    static void echo(TcpStream s, TlsConfig config, int bytes) throws IOException {
        s.setNoDelay(true);
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
