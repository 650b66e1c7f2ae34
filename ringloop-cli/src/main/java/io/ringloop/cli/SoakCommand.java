package io.ringloop.cli;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.AcceptCallback;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import io.ringloop.task.JoinHandle;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ringloop soak}: an echo server and many client connections in one process, each on its own runtime,
 * for as long as asked. Connections churn (each exchanges a random number of messages, closes and reconnects),
 * messages have random sizes, every echoed byte is checked ({@link SoakClient}). Every {@code --report-seconds}
 * a line gives RSS, heap (and heap after the last collection), descriptors, connections, messages and errors, so
 * a leak shows as a trend. Exits 0 only if nothing failed: no mismatch (the run stops at the first), no I/O
 * error, every client task stopped, the task-style server echoed exactly what the clients checked, and the
 * descriptors came back to their count before the run.
 *
 * <p>Long soaks are run by hand (STYLE.md: long soaks are a subcommand, not a test); the test suite runs it for
 * two seconds per backend and style.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = "Soak the runtime: many echo connections with churn, random sizes and checked bytes; a line "
                + "with RSS, heap, fds, connections, messages and errors every --report-seconds. Exit 0 = clean.")
public final class SoakCommand implements Callable<Integer> {
    private static final int SERVER_BUFFER_BYTES = 16 * 1024;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final long CLOSE_WAIT_MS = 10_000;

    @Spec
    private CommandSpec spec;
    private double runSeconds = 600;
    private int connections;
    private Backend backend;
    private int threads;
    private int clientThreads;
    private int maxSize;
    private int maxMessages;
    private int reportSeconds;

    @Option(names = "--style", paramLabel = "STYLE", defaultValue = "task",
            description = "server style: task, stealing or callback, as for echo (default: ${DEFAULT-VALUE})")
    EchoCommand.Style style;

    @Option(names = "--seed", description = "seed for sizes and message counts (default: a new one, printed)")
    Long seed;

    /** For the test of the checker itself: the task-style server flips one byte after echoing this many. */
    @Option(names = "--corrupt-after-bytes", hidden = true)
    long corruptAfterBytes = -1;

    @Option(names = "--minutes", paramLabel = "M", description = "how long to run, > 0, may be fractional "
            + "(default: 10)")
    void minutes(double value) {
        runSeconds = positive("--minutes", value) * 60;
    }

    @Option(names = "--seconds", paramLabel = "S", description = "how long to run, > 0, instead of --minutes")
    void seconds(double value) {
        runSeconds = positive("--seconds", value);
    }

    @Option(names = "--connections", paramLabel = "N", defaultValue = "1000",
            description = "client connections open at once, >= 1 (default: ${DEFAULT-VALUE})")
    void connections(int value) {
        connections = OptionRange.atLeast(spec, "--connections", value, 1);
    }

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto", converter = BackendConverter.class,
            description = "auto, io_uring, epoll or nio, for server and clients (default: ${DEFAULT-VALUE})")
    void backend(Backend value) {
        backend = value;
    }

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "server event loops, >= 1 (default: ${DEFAULT-VALUE})")
    void threads(int value) {
        threads = OptionRange.atLeast(spec, "--threads", value, 1);
    }

    @Option(names = "--client-threads", paramLabel = "N", defaultValue = "1",
            description = "client event loops, >= 1 (default: ${DEFAULT-VALUE})")
    void clientThreads(int value) {
        clientThreads = OptionRange.atLeast(spec, "--client-threads", value, 1);
    }

    @Option(names = "--max-size", paramLabel = "BYTES", defaultValue = "65536",
            description = "largest message, 1..65536 (default: ${DEFAULT-VALUE})")
    void maxSize(int value) {
        maxSize = OptionRange.between(spec, "--max-size", value, 1, SoakClient.MAX_MESSAGE_BYTES);
    }

    @Option(names = "--max-messages", paramLabel = "N", defaultValue = "100", description = "messages per "
            + "connection before it closes and reconnects: 1 to this many, >= 1 (default: ${DEFAULT-VALUE})")
    void maxMessages(int value) {
        maxMessages = OptionRange.atLeast(spec, "--max-messages", value, 1);
    }

    @Option(names = "--report-seconds", paramLabel = "S", defaultValue = "10",
            description = "seconds between status lines, >= 1 (default: ${DEFAULT-VALUE})")
    void reportSeconds(int value) {
        reportSeconds = OptionRange.atLeast(spec, "--report-seconds", value, 1);
    }

    private double positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ParameterException(spec.commandLine(), option + " must be > 0, got " + value);
        }
        return value;
    }

    private final AtomicInteger serverOpen = new AtomicInteger();
    private final AtomicLong serverEchoed = new AtomicLong();
    private final AtomicBoolean corrupted = new AtomicBoolean();

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (spec.commandLine().getParseResult().hasMatchedOption("--minutes")
                && spec.commandLine().getParseResult().hasMatchedOption("--seconds")) {
            throw new ParameterException(spec.commandLine(), "give --minutes or --seconds, not both");
        }
        long durationNs = (long) (runSeconds * 1e9);
        boolean callback = style == EchoCommand.Style.CALLBACK;
        long runSeed = seed != null ? seed : System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        SoakStats stats = new SoakStats(spec.commandLine().getErr());
        SocketChannel.open().close(); // the JDK keeps one fd for good once NIO is used: open it before counting
        int fdsBefore = SoakStats.openFds();
        List<String> failures = new ArrayList<>();
        try (Ringloop server = Ringloop.builder().backend(backend).threads(threads)
                .workStealing(style == EchoCommand.Style.STEALING).name("soak-server").start();
             Ringloop clients = Ringloop.builder().backend(backend).threads(clientThreads).name("soak-client")
                     .start()) {
            InetSocketAddress address = callback ? serveCallbacks(server, stats)
                    : server.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), this::echo)
                            .localAddress();
            out.printf("ringloop soak: %d connections to %s, backend %s, %s-style server on %d loop(s), clients on "
                    + "%d loop(s); messages 1-%d B, 1-%d per connection; seed %d; %.1f s, a line every %d s%n",
                    connections, address, server.backendName(), style.name().toLowerCase(Locale.ROOT), threads,
                    clientThreads, maxSize, maxMessages, runSeed, durationNs / 1e9, reportSeconds);
            out.flush();
            List<JoinHandle<Void>> tasks = new ArrayList<>(connections);
            for (int i = 0; i < connections; i++) {
                SoakClient client = new SoakClient(address, stats, runSeed * 1_000_003 + i, maxSize, maxMessages);
                tasks.add(clients.spawnOn(i % clientThreads, client::run));
            }
            long startNs = System.nanoTime();
            report(out, stats, durationNs);
            stats.stop();
            stopClients(tasks, stats, failures);
            if (!callback && stats.mismatches() == 0 && stats.errors() == 0) { // else a client stopped mid-message
                checkServer(stats, failures);
            }
            long elapsedNs = System.nanoTime() - startNs;
            out.println(stats.line(elapsedNs, 0, elapsedNs) + " (whole run)");
        }
        awaitFds(fdsBefore, failures);
        return verdict(out, stats, failures);
    }

    /** Prints a status line every --report-seconds until the run's end or a mismatch. */
    private void report(PrintWriter out, SoakStats stats, long durationNs) throws IOException, InterruptedException {
        long startNs = System.nanoTime();
        long intervalNs = TimeUnit.SECONDS.toNanos(reportSeconds);
        long nextNs = startNs + intervalNs;
        long messagesBefore = 0;
        long endNs = startNs + durationNs;
        while (!stats.stopping() && System.nanoTime() - endNs < 0) {
            long wakeNs = Math.min(nextNs, endNs);
            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wakeNs - System.nanoTime())));
            if (System.nanoTime() - nextNs >= 0) {
                out.println(stats.line(System.nanoTime() - startNs, messagesBefore, intervalNs));
                out.flush();
                messagesBefore = stats.messages();
                nextNs += intervalNs;
            }
        }
    }

    /** Joins every client task; each finishes its message in flight, closes and returns. */
    private static void stopClients(List<JoinHandle<Void>> tasks, SoakStats stats, List<String> failures)
            throws InterruptedException {
        long deadlineNs = System.nanoTime() + STOP_TIMEOUT.toNanos();
        int stuck = 0;
        for (JoinHandle<Void> task : tasks) {
            try {
                task.join(Duration.ofNanos(Math.max(1, deadlineNs - System.nanoTime())));
            } catch (TimeoutException e) {
                stuck++;
            } catch (ExecutionException e) {
                stats.error("client task failed: " + e.getCause());
            }
        }
        if (stuck > 0) {
            failures.add(stuck + " client connections did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
        }
    }

    /** After the clients closed: every server connection closes and the server echoed what the clients checked. */
    private void checkServer(SoakStats stats, List<String> failures) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        while (serverOpen.get() > 0 && System.nanoTime() - deadlineNs < 0) {
            Thread.sleep(10);
        }
        if (serverOpen.get() > 0) {
            failures.add(serverOpen.get() + " server connections still open " + CLOSE_WAIT_MS + " ms after the "
                    + "clients closed theirs");
        } else if (serverEchoed.get() != stats.bytes()) {
            failures.add("the server echoed " + serverEchoed.get() + " bytes, the clients checked " + stats.bytes());
        }
    }

    /** The runtimes are closed: the descriptor count must come back (NIO may free a closed fd a moment later). */
    private static void awaitFds(int before, List<String> failures) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        while (SoakStats.openFds() != before && System.nanoTime() - deadlineNs < 0) {
            Thread.sleep(10);
        }
        int after = SoakStats.openFds();
        if (after != before) {
            failures.add(after + " file descriptors open after the run, " + before + " before");
        }
    }

    private static int verdict(PrintWriter out, SoakStats stats, List<String> failures) {
        if (stats.mismatches() > 0) {
            failures.addFirst(stats.mismatches() + " mismatched echo(es): the run stopped at the first");
        }
        if (stats.errors() > 0) {
            failures.add(stats.errors() + " I/O error(s)");
        }
        out.println(failures.isEmpty()
                ? String.format(Locale.ROOT, "ringloop soak: ok, %d connections opened, %d messages and %.1f MiB "
                        + "checked", stats.opened(), stats.messages(), stats.bytes() / 1048576.0)
                : "ringloop soak: FAILED: " + String.join("; ", failures));
        out.flush();
        return failures.isEmpty() ? 0 : 1;
    }

    // ---- the server ----

    /** Task style: echoes until the peer's end of stream, counting what it echoed. */
    private void echo(TcpStream s) throws IOException {
        serverOpen.incrementAndGet();
        try (Arena arena = Arena.ofShared()) {
            s.setNoDelay(true);
            MemorySegment buf = arena.allocate(SERVER_BUFFER_BYTES);
            int n;
            while ((n = s.read(buf, 0, SERVER_BUFFER_BYTES)) > 0) {
                long total = serverEchoed.addAndGet(n);
                if (corruptAfterBytes >= 0 && total > corruptAfterBytes && corrupted.compareAndSet(false, true)) {
                    buf.set(ValueLayout.JAVA_BYTE, n - 1, (byte) ~buf.get(ValueLayout.JAVA_BYTE, n - 1));
                }
                s.writeAll(buf, 0, n);
            }
        } finally {
            serverOpen.decrementAndGet();
        }
    }

    /** Callback style: one listener per loop (SO_REUSEPORT when several), {@link CallbackEcho} per connection. */
    private InetSocketAddress serveCallbacks(Ringloop server, SoakStats stats) throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        for (int i = 0; i < threads; i++) {
            TcpListener listener = TcpListener.builder().loop(server.loop(i)).reusePort(threads > 1).bind(address);
            address = listener.localAddress(); // port 0: the other loops join the port the first one got
            server.loop(i).execute(() -> listener.accept(new AcceptCallback() {
                @Override
                public void accepted(TcpStream stream) {
                    CallbackEcho.serve(stream, SERVER_BUFFER_BYTES);
                    listener.accept(this);
                }

                @Override
                public void failed(Throwable error) {
                    if (listener.isOpen() && !listener.loop().isShutdown()) {
                        stats.error("accept: " + error);
                        listener.accept(this);
                    }
                }
            }));
        }
        return address;
    }
}
