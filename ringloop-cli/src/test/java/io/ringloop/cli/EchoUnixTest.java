package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.uring.IoUringDriver;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code ringloop echo --unix PATH}, the whole command in a child JVM on every backend, in every style (task,
 * callback, framing; with TLS in {@code EchoTlsTest}): it replaces a stale socket file, echoes every byte, and on
 * SIGTERM exits 0 having removed its socket file.
 */
class EchoUnixTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"io_uring, false", "epoll, true", "nio, false", "nio, true"})
    void shouldServeEchoOnAUnixSocketUntilSigtermAndRemoveItsFile(String backend, boolean heap) throws Exception {
        serveUntilSigterm(backend, "task", heap ? List.of("--heap") : List.of());
    }

    /** {@code --style callback} (callback accept and echo on the loop thread), framing (FrameServer, FramingEcho). */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"io_uring, callback", "io_uring, framing", "epoll, callback", "epoll, framing", "nio, callback",
            "nio, framing"})
    void shouldServeEchoOnAUnixSocketInCallbackAndFramingStyle(String backend, String style) throws Exception {
        serveUntilSigterm(backend, style, List.of("--style", style));
    }

    /**
     * The command in a child JVM with {@code extra} options: it replaces a stale socket file, echoes every byte to a
     * JDK Unix channel, and on SIGTERM exits 0 having removed its socket file.
     */
    private void serveUntilSigterm(String backend, String style, List<String> extra) throws Exception {
        Assumptions.assumeTrue(!backend.equals("io_uring") || IoUringDriver.unusableReason() == null);
        Path sock = dir.resolve("echo.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(sock)); // a stale file, as a server that crashed leaves it
        }
        Path err = dir.resolve("stderr.txt");
        Process child = start(backend, sock, extra, err);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String startLine = out.readLine();
            assertNotNull(startLine, "the child ended before its start line: " + Files.readString(err));
            assertTrue(startLine.startsWith("ringloop echo: unix " + sock + ", " + backend)
                    && startLine.contains(style), startLine);
            byte[] sent = new byte[300_000];
            new Random(9).nextBytes(sent);
            assertArrayEquals(sent, echo(sock, sent));
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the server stops on SIGTERM");
            assertEquals(0, child.exitValue(), Files.readString(err));
            assertFalse(Files.exists(sock), "the socket file is removed at exit");
        } finally {
            child.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            echo --unix /tmp/x.sock --threads 2      | --unix serves on one loop (Unix sockets have no SO_REUSEPORT
            echo --unix @ringloop-x --backend nio    | --unix @ringloop-x: bind(@ringloop-x): not on the nio backend
            """)
    void shouldRejectUnixOptionsThatDoNotFitOnOneLine(String args, String expected) {
        CliBadInputTest.Run run = CliBadInputTest.Run.of(args.split(" "));
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.errLines().getFirst().startsWith("ringloop echo: " + expected), run.err());
        assertEquals("", run.out());
        assertEquals(CommandLine.ExitCode.USAGE, run.exitCode());
    }

    /** A blocking client through the JDK's Unix channel: writes from a second thread, reads all back. */
    private static byte[] echo(Path sock, byte[] sent) throws Exception {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    ByteBuffer b = ByteBuffer.wrap(sent);
                    while (b.hasRemaining()) {
                        c.write(b);
                    }
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            ByteBuffer back = ByteBuffer.allocate(sent.length);
            while (back.hasRemaining() && c.read(back) >= 0) {
                // reading until every byte is back
            }
            writer.join();
            assertEquals(-1, c.read(ByteBuffer.allocate(1)), "the echo ends its stream after ours");
            return back.array();
        }
    }

    private static Process start(String backend, Path sock, List<String> extra, Path err) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = System.getProperty("jdk.module.path");
        String classPath = System.getProperty("java.class.path")
                + (modulePath == null ? "" : File.pathSeparator + modulePath);
        List<String> command = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                Main.class.getName(), "echo", "--unix", sock.toString(), "--backend", backend));
        command.addAll(extra);
        return new ProcessBuilder(command).redirectError(err.toFile()).start();
    }
}
