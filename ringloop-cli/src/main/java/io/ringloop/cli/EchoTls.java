package io.ringloop.cli;

import io.ringloop.net.TcpStream;
import io.ringloop.tls.TlsConfig;
import io.ringloop.tls.TlsStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** {@code ringloop echo --tls}: the server's TLS settings and the echo through a {@link TlsStream}. */
final class EchoTls {
    private EchoTls() {
    }

    /**
     * The server's TLS settings from {@code --cert}/{@code --key}, or a {@link SelfSigned} certificate when
     * neither is given; a usage error of {@code spec}'s command names an option that does not fit.
     */
    static TlsConfig config(CommandSpec spec, boolean callbackStyle, Path certFile, Path keyFile)
            throws IOException {
        if (callbackStyle) {
            throw new ParameterException(spec.commandLine(), "--tls serves the task and stealing styles, "
                    + "not callback or framing");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new ParameterException(spec.commandLine(), "--cert and --key go together");
        }
        if (certFile != null) {
            return TlsConfig.server(certFile, keyFile).build();
        }
        SelfSigned self = SelfSigned.generate();
        return TlsConfig.server(self.chain(), self.key()).build();
    }

    /** Where the certificate came from, for the start-up line. */
    static String source(Path certFile) {
        return certFile != null ? certFile.toString() : "self-signed for " + SelfSigned.SUBJECT_ALTERNATIVE_NAMES;
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
