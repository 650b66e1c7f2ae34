package io.ringloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example runs as the README says: {@code java} with the two flags, ringloop and the example on the module
 * path, {@code -m io.ringloop.examples/io.ringloop.examples.HttpHello 0}; curl gets its answer, twice on one
 * connection; SIGTERM ends it cleanly.
 */
final class HttpHelloTest {
    private static final Pattern LISTENING = Pattern.compile("http hello on .*:(\\d+) \\(");

    @Test
    void shouldAnswerCurlWhenRunWithJava() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = System.getProperty("jdk.module.path");
        assertNotNull(modulePath, "the tests run on the module path (surefire useModulePath)");
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=io.ringloop", "--add-opens",
                "java.base/java.lang=io.ringloop", "-p", modulePath,
                "-m", "io.ringloop.examples/io.ringloop.examples.HttpHello", "0"))
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertNotNull(first, "HttpHello printed nothing");
            Matcher m = LISTENING.matcher(first);
            assertTrue(m.find(), first);
            String url = "http://127.0.0.1:" + m.group(1) + "/";

            assertEquals("Hello, World!Hello, World!", Curl.get(url, url + "again"));

            p.destroy(); // SIGTERM: Signals.await returns, the runtime closes
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "HttpHello did not stop on SIGTERM");
            assertEquals(0, p.exitValue(), () -> "exit status; output after the first line: " + rest(out));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String rest(BufferedReader out) {
        try {
            return String.join(" | ", out.lines().toList());
        } catch (UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
