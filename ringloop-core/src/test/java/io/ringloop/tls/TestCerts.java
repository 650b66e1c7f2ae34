package io.ringloop.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Certificates the TLS tests make once per test JVM with Debian's openssl (installed by .ci/run), in a temporary
 * directory removed at exit: a test CA, leaves signed by it, a self-signed (untrusted) one, and keys in the
 * other PEM formats. Without openssl on the PATH the tests that need it are skipped by assumption.
 *
 * <p>The commands, for the report: {@code openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
 * -keyout K -out C -days 2 -subj /CN=N -addext ...} for the CA and self-signed certificate; the same plus
 * {@code -CA ca.pem -CAkey ca.key} (OpenSSL 3) for a signed leaf ({@code -newkey rsa:2048} for b.test);
 * {@code openssl pkey -in K -traditional} for PKCS#1/SEC1 keys; {@code openssl pkcs8 -topk8 -v2 aes-256-cbc
 * -passout pass:secret} for an encrypted one.
 */
record TestCerts(Path dir) {
    private static TestCerts instance;
    private static String missing;

    /** The certificates, made at the first call; skips the calling test when openssl is missing. */
    static synchronized TestCerts get() {
        if (instance == null && missing == null) {
            try {
                instance = make();
            } catch (IOException e) {
                missing = e.getMessage();
            }
        }
        Assumptions.assumeTrue(instance != null, () -> "openssl is needed for the TLS test certificates: "
                + missing);
        return instance;
    }

    Path ca() {
        return dir.resolve("ca.pem");
    }

    /** localhost and 127.0.0.1, EC P-256, signed by the CA: the default server certificate. */
    Path localhost() {
        return dir.resolve("localhost.pem");
    }

    Path localhostKey() {
        return dir.resolve("localhost.key");
    }

    /** a.test (EC) and b.test (RSA 2048), signed by the CA: for SNI. */
    Path aTest() {
        return dir.resolve("a.test.pem");
    }

    Path aTestKey() {
        return dir.resolve("a.test.key");
    }

    Path bTest() {
        return dir.resolve("b.test.pem");
    }

    Path bTestKey() {
        return dir.resolve("b.test.key");
    }

    /** CN=client, signed by the CA: client authentication. */
    Path client() {
        return dir.resolve("client.pem");
    }

    Path clientKey() {
        return dir.resolve("client.key");
    }

    /** localhost, self-signed: nobody trusts it. */
    Path untrusted() {
        return dir.resolve("untrusted.pem");
    }

    Path untrustedKey() {
        return dir.resolve("untrusted.key");
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    private static TestCerts make() throws IOException {
        Path dir = Files.createTempDirectory("ringloop-tls-test");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        String ec = "ec";
        openssl(dir, "req", "-x509", "-newkey", ec, "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=ringloop-test-ca",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
        leaf(dir, "localhost", "ec", "DNS:localhost,IP:127.0.0.1");
        leaf(dir, "a.test", "ec", "DNS:a.test");
        leaf(dir, "b.test", "rsa:2048", "DNS:b.test");
        leaf(dir, "client", "ec", null);
        openssl(dir, "req", "-x509", "-newkey", ec, "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "untrusted.key", "-out", "untrusted.pem", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        openssl(dir, "pkey", "-in", "b.test.key", "-traditional", "-out", "b.test.pkcs1.key");
        openssl(dir, "pkey", "-in", "a.test.key", "-traditional", "-out", "a.test.sec1.key");
        openssl(dir, "pkcs8", "-topk8", "-in", "a.test.key", "-v2", "aes-256-cbc", "-passout", "pass:secret",
                "-out", "a.test.encrypted.key");
        Files.writeString(dir.resolve("localhost-chain.pem"), "subject=CN = localhost\n"
                + Files.readString(dir.resolve("localhost.pem")) + "issuer text between blocks\n"
                + Files.readString(dir.resolve("ca.pem")));
        return new TestCerts(dir);
    }

    private static void leaf(Path dir, String name, String key, String san) throws IOException {
        List<String> args = new ArrayList<>(List.of("req", "-x509", "-newkey", key));
        if (key.equals("ec")) {
            args.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        }
        args.addAll(List.of("-nodes", "-keyout", name + ".key", "-out", name + ".pem", "-days", "2",
                "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:FALSE",
                "-CA", "ca.pem", "-CAkey", "ca.key"));
        if (san != null) {
            args.addAll(List.of("-addext", "subjectAltName=" + san));
        }
        openssl(dir, args.toArray(String[]::new));
    }

    static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run openssl (" + e.getMessage() + ")", e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignore) {
            // a temporary directory: the system cleans it if we cannot
        }
    }
}
