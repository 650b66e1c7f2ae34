package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.cli.http.HttpConfig;
import io.ringloop.cli.http.HttpServer;
import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.loop.Backend;
import io.ringloop.tls.TlsConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code ringloop http --tls}: HTTPS on the task-style and the framing server, against curl (which checks the
 * certificate with the test's CA file: the self-signed certificate itself) and wrk over TLS; and its option errors.
 */
class HttpTlsTest {
    private static SelfSigned self;
    @TempDir
    static Path dir;
    private static Path caFile;

    @BeforeAll
    static void makeCertificate() throws IOException, CertificateEncodingException {
        self = SelfSigned.generate(); // one keytool run (a JVM start) for the class
        caFile = dir.resolve("ca.pem");
        Files.writeString(caFile, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(self.chain().getFirst().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
    }

    interface Body {
        void run(String base) throws Exception;
    }

    private static void withServer(Backend backend, ServerStyle style, Body body) throws Exception {
        Assumptions.assumeTrue(backend != Backend.IO_URING || IoUringDriver.unusableReason() == null);
        TlsConfig tls = TlsConfig.server(self.chain(), self.key()).build();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            HttpServer http = HttpServer.start(rt, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    HttpConfig.DEFAULTS, HttpConfig.LIMITS, style, tls);
            body.run("https://localhost:" + http.localAddress().getPort());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"IO_URING, TASK", "EPOLL, TASK", "NIO, TASK", "IO_URING, FRAMING", "EPOLL, FRAMING", "NIO, FRAMING"})
    void shouldServeCurlOverHttpsWithVerifiedCertificate(Backend backend, ServerStyle style) throws Exception {
        Tools.require("curl", "curl");
        withServer(backend, style, base -> {
            List<String> curl = List.of("curl", "-sS", "--cacert", caFile.toString(), "--resolve",
                    base.substring(8) + ":127.0.0.1");
            Tools.Run get = Tools.run(concat(curl, "-w", " %{num_connects}\n", base + "/plaintext", base + "/json"),
                    null, 30);
            assertEquals(0, get.exitCode(), get.output());
            assertEquals("Hello, World! 1\n{\"message\":\"Hello, World!\"} 0\n", get.output(),
                    "both answers over one TLS connection (no new connect for the second)");
            Tools.Run head = Tools.run(concat(curl, "-I", base + "/json"), null, 30);
            assertTrue(head.output().startsWith("HTTP/1.1 200 OK"), head.output());
            String body = "x".repeat(300_000);
            Tools.Run chunked = Tools.run(concat(curl, "-X", "POST", "-H", "Transfer-Encoding: chunked",
                    "--data-binary", "@-", base + "/echo"), body, 30);
            assertEquals(body, chunked.output());
            Tools.Run close = Tools.run(concat(curl, "-H", "Connection: close", base + "/plaintext"), null, 30);
            assertEquals("Hello, World!", close.output(), "the server's close_notify ends the answer cleanly");
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"IO_URING, TASK", "EPOLL, TASK", "NIO, TASK", "IO_URING, FRAMING", "EPOLL, FRAMING", "NIO, FRAMING"})
    void shouldServeWrkOverHttpsWithoutErrors(Backend backend, ServerStyle style) throws Exception {
        Tools.require("wrk", "wrk");
        withServer(backend, style, base -> {
            Tools.Run run = Tools.run(List.of("wrk", "-t1", "-c8", "-d1s", base + "/plaintext"), null, 30);
            assertEquals(0, run.exitCode(), run.output());
            Matcher done = Pattern.compile("(\\d+) requests in").matcher(run.output());
            assertTrue(done.find() && Long.parseLong(done.group(1)) > 0, run.output());
            assertFalse(run.output().contains("Non-2xx or 3xx responses"), run.output());
            assertFalse(run.output().contains("Socket errors"), run.output());
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http --tls --cert a.pem       | ringloop http: --cert and --key go together
            http --tls --key a.key        | ringloop http: --cert and --key go together
            """)
    void shouldRejectTlsOptionsThatDoNotFitOnOneLine(String args, String expected) {
        CliBadInputTest.Run run = CliBadInputTest.Run.of(args.split(" "));
        assertEquals(List.of(expected), run.errLines());
        assertEquals("", run.out());
        assertEquals(CommandLine.ExitCode.USAGE, run.exitCode());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            http --tls --cert missing.pem --key missing.key | missing.pem
            """)
    void shouldNameMissingCertificateFile(String args, String file) {
        CliBadInputTest.Run run = CliBadInputTest.Run.of(args.split(" "));
        assertTrue(run.err().contains(file), run.err());
        assertEquals(CommandLine.ExitCode.SOFTWARE, run.exitCode());
    }

    private static List<String> concat(List<String> head, String... tail) {
        return java.util.stream.Stream.concat(head.stream(), java.util.Arrays.stream(tail)).toList();
    }
}
