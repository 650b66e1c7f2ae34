package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.ProcessUsage;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 10,000 connections on one loop: a task-style echo server in this JVM, 10,000 plain-NIO clients in a child JVM
 * ({@link ScaleClients}; one process cannot hold both ends, the hard descriptor limit here is 20,000). The clients
 * check every byte; the server counts what it echoed; memory is flat from the end of the warm-up to the end of the
 * measured rounds; every descriptor comes back when the clients close and when the runtime closes.
 *
 * <p>Memory is measured twice in the same state, every connection open and idle with its task parked in a read,
 * and in between the same 10,000 connections exchange {@link #MEASURED_ROUNDS} messages each (1 B to 16 KiB), so
 * a leak per message or per operation shows while what each connection holds cancels out. Live heap and RssAnon
 * come from {@link ProcessUsage}; FFM arena memory (the drivers' and the connections' buffers) is not in the JDK's
 * direct pool, so RssAnon is the only measure of native memory.
 *
 * <p>io_uring and epoll only: one run takes 10-20 s on two busy cores and the NIO fallback would add as much
 * again; NIO passes the same test (run it with {@code -Dringloop.scale.backends=IO_URING,EPOLL,NIO}).
 */
final class TcpScaleTest {
    private static final int CONNECTIONS = 10_000;
    private static final int WARMUP_ROUNDS = 4;
    private static final int MEASURED_ROUNDS = 6;
    /** Server buffer per connection: 10,000 of the CLI echo's 64 KiB would be 640 MiB. */
    private static final int BUFFER_BYTES = 4096;
    private static final long SEED = 11;
    /** Only stops a hung run: the clients give up and say where they stood after this long in one phase. */
    private static final int PHASE_TIMEOUT_SECONDS = 60;
    private static final long FD_WAIT_MS = 30_000;
    /**
     * Live heap, stacks of parked tasks excluded: what is left differs by a few KiB between runs (classes, interned
     * strings); 2 MiB over 60,000 messages fails on a leak of 35 bytes per message.
     */
    private static final long HEAP_GROWTH_BOUND_BYTES = 2L << 20;
    /**
     * Resident anonymous memory also holds what the JVM grows into while the code keeps warming up (JIT arenas
     * and code, GC remembered sets, malloc arenas); 32 MiB over 60,000 messages still fails on a native leak of
     * 560 bytes per message, which neither heap measure would see.
     */
    private static final long RSS_GROWTH_BOUND_BYTES = 32L << 20;

    /**
     * The JDK opens a descriptor for good the first time NIO is used (a half-closed socketpair that close() dup2s
     * over a channel's fd); open it before any baseline so it is not counted as ours.
     */
    @BeforeAll
    static void openJdkNioDescriptors() throws IOException {
        SocketChannel.open().close();
    }

    static List<Backend> backends() {
        String names = System.getProperty("ringloop.scale.backends", "IO_URING,EPOLL");
        return java.util.Arrays.stream(names.split(",")).map(String::strip).map(Backend::valueOf).toList();
    }

    @ParameterizedTest
    @MethodSource("backends")
    @Timeout(value = 4 * PHASE_TIMEOUT_SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldEchoTenThousandConnectionsOnOneLoopWithFlatMemory(Backend backend) throws Exception {
        Assumptions.assumeTrue(backend != Backend.IO_URING
                || io.ringloop.driver.uring.IoUringDriver.unusableReason() == null, "io_uring unusable here");
        List<String> fdsBefore = ProcessUsage.fdTargets();
        AtomicLong echoed = new AtomicLong();
        long startNs = System.nanoTime();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            TcpServer server = rt.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    s -> echo(s, echoed));
            List<String> fdsServing = ProcessUsage.fdTargets();
            long clientBytes;
            ProcessUsage base;
            ProcessUsage end;
            long warmNs;
            long measuredNs;
            try (Clients clients = Clients.start(server.localAddress().getPort())) {
                clients.await("WARM");
                warmNs = System.nanoTime();
                base = ProcessUsage.measure();
                assertTrue(base.fds() >= fdsServing.size() + CONNECTIONS, "every connection accepted: " + base);
                clients.send("GO");
                clientBytes = Long.parseLong(clients.await("DONE").get(2));
                measuredNs = System.nanoTime();
                end = ProcessUsage.measure();
                clients.send("CLOSE");
                clients.await("CLOSED");
                assertEquals(0, clients.exitCode(), clients.log());
            }
            ProcessUsage.awaitFds(fdsServing, "after the clients closed every connection", FD_WAIT_MS);
            assertEquals(clientBytes, echoed.get(), "bytes the server echoed vs bytes the clients checked");
            System.out.printf("TcpScaleTest %s: %d connections, %d bytes checked; warm-up %d ms, measured %d ms,"
                    + " closing %d ms; after warm-up %s, at the end %s%n", backend, CONNECTIONS, clientBytes,
                    (warmNs - startNs) / 1_000_000, (measuredNs - warmNs) / 1_000_000,
                    (System.nanoTime() - measuredNs) / 1_000_000, base, end);
            assertTrue(end.liveHeapBytes() - base.liveHeapBytes() < HEAP_GROWTH_BOUND_BYTES,
                    "live heap grew: " + base + " -> " + end);
            assertEquals(base.directBytes(), end.directBytes(), "direct buffers grew: " + base + " -> " + end);
            assertTrue(end.rssAnonBytes() - base.rssAnonBytes() < RSS_GROWTH_BOUND_BYTES,
                    "RssAnon grew: " + base + " -> " + end);
        }
        ProcessUsage.awaitFds(fdsBefore, "after the runtime closed", FD_WAIT_MS);
    }

    /** Echoes through a native buffer until the peer's end of stream, then adds what it echoed to {@code total}. */
    private static void echo(TcpStream s, AtomicLong total) throws IOException {
        long echoed = 0;
        try (Arena arena = Arena.ofShared()) {
            s.setNoDelay(true); // a message comes back in several writes: Nagle would hold the last for an ACK
            MemorySegment buf = arena.allocate(BUFFER_BYTES);
            int n;
            while ((n = s.read(buf, 0, BUFFER_BYTES)) > 0) {
                s.writeAll(buf, 0, n);
                echoed += n;
            }
        } finally {
            total.addAndGet(echoed);
        }
    }

    /** The client JVM and the two pipes to it; its stderr goes to a file, shown when something fails. */
    private static final class Clients implements AutoCloseable {
        private final Process process;
        private final BufferedReader lines;
        private final Writer commands;
        private final Path log;

        private Clients(Process process, Path log) {
            this.process = process;
            this.log = log;
            this.lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.commands = process.outputWriter(StandardCharsets.UTF_8);
        }

        static Clients start(int port) throws IOException, URISyntaxException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classes = Path.of(ScaleClients.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
            // Not createTempFile: its SecureRandom keeps /dev/random and /dev/urandom open for good.
            Path log = Path.of("target", "scale-clients.log").toAbsolutePath();
            Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", classes,
                    ScaleClients.class.getName(), Integer.toString(port), Integer.toString(CONNECTIONS),
                    Integer.toString(WARMUP_ROUNDS), Integer.toString(MEASURED_ROUNDS), Long.toString(SEED),
                    Integer.toString(PHASE_TIMEOUT_SECONDS))
                    .redirectError(log.toFile())
                    .start();
            return new Clients(process, log);
        }

        /** The next line's words; fails unless it starts with {@code word}. */
        List<String> await(String word) throws IOException {
            String line = lines.readLine();
            if (line == null || !line.startsWith(word)) {
                throw new AssertionError("client JVM said " + line + " instead of " + word + "; " + log());
            }
            return List.of(line.split(" "));
        }

        void send(String command) throws IOException {
            commands.write(command + "\n");
            commands.flush();
        }

        int exitCode() throws InterruptedException {
            return process.waitFor(PHASE_TIMEOUT_SECONDS, TimeUnit.SECONDS) ? process.exitValue() : -1;
        }

        String log() {
            try {
                return "client stderr: " + Files.readString(log);
            } catch (IOException e) {
                return "client stderr unreadable: " + e;
            }
        }

        @Override
        public void close() throws IOException {
            process.destroyForcibly();
            try {
                process.waitFor(PHASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the test was cancelled: its pipes are still closed below
            }
            lines.close();
            commands.close();
            process.getErrorStream().close();
        }
    }
}
