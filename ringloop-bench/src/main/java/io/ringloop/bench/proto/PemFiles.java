package io.ringloop.bench.proto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The certificate both TLS servers present: a self-signed EC P-256 certificate for localhost made by the JDK's
 * {@code keytool} (next to the running {@code java}), written as {@code cert.pem} and {@code key.pem} (PKCS#8),
 * the PEM files {@code ringloop echo --cert/--key} and Netty's {@code SslContextBuilder.forServer} both read.
 */
record PemFiles(Path cert, Path key) {
    private static final String ALIAS = "bench";
    private static final String PASSWORD = "bench-only"; // a throw-away key in the run's own folder

    static PemFiles create(Path dir) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path store = dir.resolve("tls.p12");
        Files.deleteIfExists(store);
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool -genkeypair failed: " + out.strip());
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            Key key = ks.getKey(ALIAS, PASSWORD.toCharArray());
            byte[] certDer = ks.getCertificate(ALIAS).getEncoded();
            PemFiles files = new PemFiles(dir.resolve("cert.pem"), dir.resolve("key.pem"));
            Files.writeString(files.cert(), pem("CERTIFICATE", certDer));
            Files.writeString(files.key(), pem("PRIVATE KEY", key.getEncoded())); // PKCS#8 for a PrivateKey
            return files;
        } catch (GeneralSecurityException e) {
            throw new IOException("reading the keystore keytool made: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(store);
        }
    }

    private static String pem(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
    }
}
