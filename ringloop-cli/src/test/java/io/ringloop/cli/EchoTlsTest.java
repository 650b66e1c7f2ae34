package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.frame.FrameOptions;
import io.ringloop.frame.FrameServer;
import io.ringloop.loop.Backend;
import io.ringloop.net.ServerLimits;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import io.ringloop.tls.TlsConfig;
import io.ringloop.tls.TlsStream;
import io.ringloop.unix.UnixStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code ringloop echo --tls}: the self-signed certificate keytool makes, the TLS echo in task, callback and
 * framing style, the command in a child JVM, the option errors.
 */
class EchoTlsTest {
    private static SelfSigned self;

    @BeforeAll
    static void makeCertificate() throws IOException {
        self = SelfSigned.generate(); // one keytool run (a JVM start) for the class
    }

    @ParameterizedTest
    @CsvSource({"IO_URING, task", "EPOLL, task", "NIO, task", "IO_URING, callback", "EPOLL, callback",
        "NIO, callback", "IO_URING, framing", "EPOLL, framing", "NIO, framing"})
    void shouldEchoEveryByteThroughTlsWithSelfSignedCertificate(Backend backend, String style) throws Exception {
        Assumptions.assumeTrue(backend != Backend.IO_URING || IoUringDriver.unusableReason() == null);
        assertEquals("CN=localhost", self.chain().getFirst().getSubjectX500Principal().getName());
        TlsConfig server = TlsConfig.server(self.chain(), self.key()).build();
        SSLContext client = TlsConfig.client().trust(self.chain()).build().context();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            int port = switch (style) {
                case "task" -> rt.serve(any, s -> EchoTls.echo(s, server, 4096)).localAddress().getPort();
                case "callback" -> EchoCommand.serveCallbacks(rt, 1, any, 4096, server).getPort();
                default -> FrameServer.start(rt.loops(), any, ServerLimits.DEFAULTS,
                        FrameOptions.DEFAULTS.withTls(server), FramingEcho::new).localAddress().getPort();
            };
            byte[] sent = new byte[300_000];
            new Random(5).nextBytes(sent);
            byte[] back = new byte[sent.length];
            try (SSLSocket c = (SSLSocket) client.getSocketFactory().createSocket("localhost", port)) {
                var p = c.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate names localhost
                c.setSSLParameters(p);
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        OutputStream out = c.getOutputStream();
                        out.write(sent);
                        c.shutdownOutput(); // close_notify: the echo ends and closes with its own
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                new DataInputStream(c.getInputStream()).readFully(back);
                writer.join();
                assertEquals(-1, c.getInputStream().read());
            }
            assertArrayEquals(sent, back);
        }
    }

    /**
     * The whole command, {@code ringloop echo --tls --style callback|framing --port 0}, in a child JVM: its start
     * line names the port, a TLS client (which takes the certificate made at start without checking it) gets
     * every byte back and the server's close_notify, and SIGTERM ends it with exit code 0.
     */
    @ParameterizedTest
    @CsvSource({"callback", "framing"})
    void shouldServeTlsFromTheCommandLine(String style, @TempDir Path dir) throws Exception {
        Path err = dir.resolve("stderr.txt");
        Process child = startChild(err, "echo", "--tls", "--style", style, "--port", "0", "--host", "127.0.0.1");
        try {
            String startLine = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertNotNull(startLine, "the child ended before its start line");
            Matcher m = Pattern.compile("^ringloop echo: port (\\d+), .* " + style + " style(;[^,]*)?, TLS \\(self-signed for ")
                    .matcher(startLine);
            assertTrue(m.find(), startLine);
            SSLContext trustingAll = SSLContext.getInstance("TLS");
            trustingAll.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            byte[] sent = new byte[200_000];
            new Random(6).nextBytes(sent);
            try (SSLSocket c = (SSLSocket) trustingAll.getSocketFactory().createSocket("127.0.0.1",
                    Integer.parseInt(m.group(1)))) {
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        c.getOutputStream().write(sent);
                        c.shutdownOutput();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                byte[] back = new byte[sent.length];
                new DataInputStream(c.getInputStream()).readFully(back);
                writer.join();
                assertEquals(-1, c.getInputStream().read(), "the server's close_notify");
                assertArrayEquals(sent, back);
            }
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the server stops on SIGTERM");
            assertEquals(0, child.exitValue(), Files.readString(err));
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * {@code ringloop echo --unix PATH --tls --cert F --key F} in a child JVM on every backend, in task style, TLS's
     * callback style over the Unix stream and TLS under the framing API: a ringloop TLS client over a Unix stream,
     * trusting that certificate, gets every byte back and the server's close_notify.
     */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"io_uring, task", "epoll, task", "nio, task", "io_uring, callback", "epoll, callback",
            "nio, callback", "io_uring, framing", "nio, framing"})
    void shouldServeTlsOnAUnixSocketFromTheCommandLine(String backend, String style, @TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(!backend.equals("io_uring") || IoUringDriver.unusableReason() == null);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, pem("CERTIFICATE", self.chain().getFirst().getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", self.key().getEncoded()));
        Path sock = dir.resolve("echo.sock");
        Path err = dir.resolve("stderr.txt");
        Process child = startChild(err, "echo", "--unix", sock.toString(), "--tls", "--cert", cert.toString(),
                "--key", key.toString(), "--backend", backend, "--style", style);
        try {
            String startLine = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertNotNull(startLine, "the child ended before its start line: " + Files.readString(err));
            assertTrue(startLine.startsWith("ringloop echo: unix " + sock + ", " + backend)
                    && startLine.contains(" " + style + " style") && startLine.endsWith(", TLS (" + cert + ")"),
                    startLine);
            TlsConfig client = TlsConfig.client().trust(self.chain()).build();
            byte[] sent = new byte[300_000];
            new Random(7).nextBytes(sent);
            try (Ringloop rt = Ringloop.builder().backend(Backend.EPOLL).threads(1).start()) {
                byte[] back = rt.blockOn(() -> {
                    try (TlsStream s = TlsStream.client(UnixStream.connect(sock), client, "localhost", 0)) {
                        JoinHandle<Void> writer = Tasks.spawn(() -> {
                            s.writeAll(sent, 0, sent.length);
                            s.shutdownOutput(); // close_notify: the echo ends and closes with its own
                            return null;
                        });
                        byte[] got = new byte[sent.length];
                        s.readFully(got, 0, got.length);
                        writer.join();
                        assertEquals(-1, s.read(new byte[1], 0, 1), "the server's close_notify");
                        return got;
                    }
                });
                assertArrayEquals(sent, back);
            }
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the server stops on SIGTERM");
            assertEquals(0, child.exitValue(), Files.readString(err));
        } finally {
            child.destroyForcibly();
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** {@code ringloop ARGS} in a child JVM with this test's class path, stderr into {@code err}. */
    private static Process startChild(Path err, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = System.getProperty("jdk.module.path");
        String classPath = System.getProperty("java.class.path")
                + (modulePath == null ? "" : File.pathSeparator + modulePath);
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-cp", classPath, Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(err.toFile()).start();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            echo --tls --cert a.pem       | ringloop echo: --cert and --key go together
            """)
    void shouldRejectTlsOptionsThatDoNotFitOnOneLine(String args, String expected) {
        CliBadInputTest.Run run = CliBadInputTest.Run.of(args.split(" "));
        assertEquals(List.of(expected), run.errLines());
        assertEquals("", run.out());
        assertEquals(CommandLine.ExitCode.USAGE, run.exitCode());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            echo --tls --cert missing.pem --key missing.key | missing.pem
            """)
    void shouldNameMissingCertificateFile(String args, String file) {
        CliBadInputTest.Run run = CliBadInputTest.Run.of(args.split(" "));
        assertTrue(run.err().contains(file), run.err());
        assertEquals(CommandLine.ExitCode.SOFTWARE, run.exitCode());
    }
}
