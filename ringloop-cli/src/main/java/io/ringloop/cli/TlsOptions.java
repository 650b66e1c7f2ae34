package io.ringloop.cli;

import io.ringloop.tls.TlsConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --tls [--cert FILE --key FILE]}, the TLS options the servers share ({@code echo}, {@code http}) as a
 * picocli mixin: the server's {@link TlsConfig} from PEM files, or from a {@link SelfSigned} certificate for
 * localhost made at start when neither file is given.
 */
public final class TlsOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--tls", description = "serve TLS (TLS 1.3/1.2, the JDK's engine); without --cert/--key a "
            + "self-signed certificate for localhost is made at start with keytool")
    boolean tls;

    @Option(names = "--cert", paramLabel = "FILE", description = "with --tls: the certificate chain, PEM, leaf first")
    Path certFile;

    @Option(names = "--key", paramLabel = "FILE", description = "with --tls: the private key, PEM (PKCS#8, or RSA/EC)")
    Path keyFile;

    /** Whether {@code --tls} was given. */
    public boolean enabled() {
        return tls;
    }

    /**
     * The server's TLS settings, or null without {@code --tls}. {@code refusal} is null, or why {@code --tls}
     * does not fit the command's other options: then it is the command's one-line usage error, as is
     * {@code --cert} without {@code --key} (or the reverse).
     */
    public TlsConfig serverConfig(String refusal) throws IOException {
        if (!tls) {
            return null;
        }
        if (refusal != null) {
            throw new ParameterException(spec.commandLine(), refusal);
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

    /** Where the certificate came from, for the start-up line: {@code TLS (FILE)} or {@code TLS (self-signed ...)}. */
    public String describe() {
        return "TLS (" + (certFile != null ? certFile.toString()
                : "self-signed for " + SelfSigned.SUBJECT_ALTERNATIVE_NAMES) + ")";
    }
}
