package io.ringloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS example runs as its comment says, with a certificate openssl makes for localhost: curl, checking it
 * against that certificate, gets its answer twice on one TLS connection, then a {@code Connection: close} answer
 * ended by the server's close_notify; SIGTERM ends it cleanly.
 */
final class HttpsHelloTest {
    private static final Pattern LISTENING = Pattern.compile("https hello on .*:(\\d+) \\(");

    @Test
    void shouldAnswerCurlOverTlsWhenRunWithJava(@TempDir Path dir) throws Exception {
        assumeTrue(Curl.onPath("openssl"), "openssl is not installed (Debian package openssl)");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
                .redirectErrorStream(true).start();
        String made = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, made);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = System.getProperty("jdk.module.path");
        assertNotNull(modulePath, "the tests run on the module path (surefire useModulePath)");
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=io.ringloop", "--add-opens",
                "java.base/java.lang=io.ringloop", "-p", modulePath,
                "-m", "io.ringloop.examples/io.ringloop.examples.HttpsHello", cert.toString(), key.toString(), "0"))
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertNotNull(first, "HttpsHello printed nothing");
            Matcher m = LISTENING.matcher(first);
            assertTrue(m.find(), first);
            String port = m.group(1);
            String url = "https://localhost:" + port + "/";
            List<String> checked = List.of("--cacert", cert.toString(), "--resolve", "localhost:" + port + ":127.0.0.1");

            String twice = Curl.get(concat(checked, "-w", " %{num_connects}\n", url, url + "again"));
            assertEquals("Hello, World! 1\nHello, World! 0\n", twice, "two answers over one TLS connection");
            assertEquals("Hello, World!", Curl.get(concat(checked, "-H", "Connection: close", "--data", "a=1", url)));

            p.destroy(); // SIGTERM: Signals.await returns, the server and the runtime close
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "HttpsHello did not stop on SIGTERM");
            assertEquals(0, p.exitValue(), () -> "exit status; output: " + String.join(" | ", out.lines().toList()));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String[] concat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }
}
