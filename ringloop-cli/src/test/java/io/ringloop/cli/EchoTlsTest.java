package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpServer;
import io.ringloop.tls.TlsConfig;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code ringloop echo --tls}: the self-signed certificate keytool makes, the TLS echo, the option errors. */
class EchoTlsTest {
    private static SelfSigned self;

    @BeforeAll
    static void makeCertificate() throws IOException {
        self = SelfSigned.generate(); // one keytool run (a JVM start) for the class
    }

    @ParameterizedTest
    @CsvSource({"IO_URING", "EPOLL", "NIO"})
    void shouldEchoEveryByteThroughTlsWithSelfSignedCertificate(Backend backend) throws Exception {
        Assumptions.assumeTrue(backend != Backend.IO_URING || IoUringDriver.unusableReason() == null);
        assertEquals("CN=localhost", self.chain().getFirst().getSubjectX500Principal().getName());
        TlsConfig server = TlsConfig.server(self.chain(), self.key()).build();
        SSLContext client = TlsConfig.client().trust(self.chain()).build().context();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            TcpServer tcp = rt.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    s -> EchoTls.echo(s, server, 4096));
            byte[] sent = new byte[300_000];
            new Random(5).nextBytes(sent);
            byte[] back = new byte[sent.length];
            try (SSLSocket c = (SSLSocket) client.getSocketFactory().createSocket("localhost",
                    tcp.localAddress().getPort())) {
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            echo --tls --style callback   | ringloop echo: --tls serves the task and stealing styles, not callback or framing
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
