package io.ringloop.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for localhost, made at start by the JDK's own {@code keytool -genkeypair} (the
 * {@code keytool} next to the running {@code java}) into a temporary PKCS12 keystore, read back and deleted:
 * for {@code ringloop echo --tls} without {@code --cert}/{@code --key}. Nobody trusts it; clients connect with
 * verification off ({@code openssl s_client} reports the self-signed certificate and goes on).
 */
record SelfSigned(PrivateKey key, List<X509Certificate> chain) {
    static final String ALIAS = "ringloop";
    static final String SUBJECT_ALTERNATIVE_NAMES = "dns:localhost,ip:127.0.0.1,ip:::1";

    static SelfSigned generate() throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IOException(keytool + " not found (a JRE without keytool?): give --cert and --key instead");
        }
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Path dir = Files.createTempDirectory("ringloop-self-signed");
        Path store = dir.resolve("self-signed.p12");
        try {
            run(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname",
                    "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=" + SUBJECT_ALTERNATIVE_NAMES,
                    "-validity", "30", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass:env", "RINGLOOP_STOREPASS"), password);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, password.toCharArray());
            }
            PrivateKey key = (PrivateKey) ks.getKey(ALIAS, password.toCharArray());
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : ks.getCertificateChain(ALIAS)) {
                chain.add((X509Certificate) c);
            }
            return new SelfSigned(key, List.copyOf(chain));
        } catch (GeneralSecurityException e) {
            throw new IOException("reading the keystore keytool made: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(store);
            Files.deleteIfExists(dir);
        }
    }

    /** Runs keytool with the password in its environment (not on the command line, where ps shows it). */
    private static void run(List<String> command, String password) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("RINGLOOP_STOREPASS", password);
        Process p = pb.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool -genkeypair did not finish within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("keytool -genkeypair failed (exit " + p.exitValue() + "): " + out.strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
    }
}
