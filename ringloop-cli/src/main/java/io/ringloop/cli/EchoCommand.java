package io.ringloop.cli;

import io.ringloop.Ringloop;
import io.ringloop.frame.FrameOptions;
import io.ringloop.frame.FrameServer;
import io.ringloop.loop.Backend;
import io.ringloop.net.ServerLimits;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpServer;
import io.ringloop.net.TcpStream;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import io.ringloop.tls.TlsConfig;
import io.ringloop.unix.UnixAddress;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ringloop echo}: a TCP echo server, in task style (a virtual thread per connection, plain blocking code,
 * on the loop or on the JDK's work-stealing pool) or callback style (no virtual threads, nothing allocated per
 * message). Serves until SIGINT or SIGTERM, then closes every connection and exits 0.
 *
 * <p>Each option is checked while the command line is parsed (setters below): a value out of range is a usage
 * error of one line before any loop starts. The settings are this object's fields, one object per run.
 */
@Command(name = "echo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run a TCP (or TLS, or Unix domain socket) echo server until SIGINT/SIGTERM.")
public final class EchoCommand implements Callable<Integer> {
    /** How connections are served. */
    enum Style {
        /** A virtual thread per connection, on the loop's own thread. */
        TASK,
        /** A virtual thread per connection on the JDK's work-stealing pool; its I/O still runs on the loop. */
        STEALING,
        /** Callbacks on the loop thread, no virtual threads. */
        CALLBACK,
        /** io.ringloop.frame: shown the received bytes in place, replies gathered per loop turn. */
        FRAMING
    }

    /** Largest --buffer-kib: 1 GiB per connection, far beyond use, and its byte count still fits an int. */
    static final int MAX_BUFFER_KIB = 1024 * 1024;

    @Spec
    private CommandSpec spec;
    int port; // port, backend and threads: read by the tests of the command line
    private InetAddress host;
    Backend backend;
    int threads;
    private int bufferKib;
    private int zeroCopyKib;
    private int fixedFilesAfter;

    @Option(names = "--style", paramLabel = "STYLE", defaultValue = "task",
            description = "task (a virtual thread per connection on the loop), stealing (virtual threads on the "
                    + "JDK's work-stealing pool, I/O on the loop), callback, or framing (callbacks on loop-owned "
                    + "buffers, no receive buffer per idle connection) (default: ${DEFAULT-VALUE})")
    Style style;

    @Option(names = "--multishot-receive", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "io_uring: heap reads that wait arm a multishot RECV (default: ${DEFAULT-VALUE})")
    boolean multishotReceive;

    @Option(names = "--heap", description = "task and stealing styles: echo through a byte[] instead of native "
            + "memory (default: ${DEFAULT-VALUE})")
    boolean heap;

    @Option(names = "--pin", description = "pin loop i to CPU i (modulo the CPU count) (default: ${DEFAULT-VALUE})")
    boolean pin;

    @Mixin
    TlsOptions tlsOptions = new TlsOptions();

    @Option(names = "--unix", paramLabel = "PATH", description = "one loop, any style: serve on the Unix domain "
            + "socket PATH (@NAME: Linux's abstract namespace) instead of TCP; a stale socket file is replaced, and "
            + "the file is removed at exit")
    String unixPath;

    @Option(names = "--stats", paramLabel = "INTERVAL", converter = StatsPrinter.IntervalConverter.class,
            description = "print a line of rates every INTERVAL (e.g. 1s, 500ms): operations, system calls, "
                    + "wakes, busy %%, live tasks (default: off)")
    Duration stats;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7000",
            description = "TCP port, 0..65535; 0 = any free port (default: ${DEFAULT-VALUE})")
    void port(int value) {
        port = OptionRange.between(spec, "--port", value, 0, 65535);
    }

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "address or host name to bind (default: ${DEFAULT-VALUE})")
    void host(String value) {
        try {
            host = InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--host: cannot resolve '" + value + "'");
        }
    }

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto", converter = BackendConverter.class,
            description = "auto, io_uring, epoll or nio, in any case; auto honours RINGLOOP_BACKEND "
                    + "(default: ${DEFAULT-VALUE})")
    void backend(Backend value) {
        backend = value;
    }

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "event loops, >= 1; more "
            + "than one binds one SO_REUSEPORT listener per loop (default: ${DEFAULT-VALUE})")
    void threads(int value) {
        threads = OptionRange.atLeast(spec, "--threads", value, 1);
    }

    @Option(names = "--buffer-kib", paramLabel = "KIB", defaultValue = "64",
            description = "per-connection buffer in KiB, 1.." + MAX_BUFFER_KIB + " (default: ${DEFAULT-VALUE})")
    void bufferKib(int value) {
        bufferKib = OptionRange.between(spec, "--buffer-kib", value, 1, MAX_BUFFER_KIB);
    }

    @Option(names = "--zero-copy-kib", paramLabel = "KIB", defaultValue = "0", description = "io_uring: "
            + "SEND_ZC for writes from native memory of at least this many KiB, >= 0 (default: ${DEFAULT-VALUE} "
            + "= never)")
    void zeroCopyKib(int value) {
        zeroCopyKib = OptionRange.atLeast(spec, "--zero-copy-kib", value, 0);
    }

    @Option(names = "--fixed-files-after", paramLabel = "N", defaultValue = "64", description = "io_uring: "
            + "register a connection as a fixed file after this many transfers, >= 0; 0 = never "
            + "(default: ${DEFAULT-VALUE})")
    void fixedFilesAfter(int value) {
        fixedFilesAfter = OptionRange.atLeast(spec, "--fixed-files-after", value, 0);
    }

    @Override
    public Integer call() throws Exception {
        int bufferBytes = bufferKib * 1024;
        String styleName = style.name().toLowerCase(Locale.ROOT);
        boolean tls = tlsOptions.enabled();
        String unixRefusal = unixPath == null ? null : EchoUnix.refusal(threads);
        if (unixRefusal != null) {
            throw new ParameterException(spec.commandLine(), unixRefusal);
        }
        TlsConfig tlsConfig = tlsOptions.serverConfig(null);
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(threads).pinCpus(pin)
                .workStealing(style == Style.STEALING).zeroCopyWritesAbove(zeroCopyKib * 1024L)
                .multishotReceive(multishotReceive).fixedFilesAfter(fixedFilesAfter).name("echo").start()) {
            if (unixPath != null) {
                return serveUnix(rt, bufferBytes, styleName, stop, tlsConfig);
            }
            InetSocketAddress address = new InetSocketAddress(host, port);
            FrameServer framing = style == Style.FRAMING
                    ? FrameServer.start(rt.loops(), address, ServerLimits.DEFAULTS,
                            FrameOptions.DEFAULTS.withTls(tlsConfig), FramingEcho::new) : null;
            InetSocketAddress bound = framing != null ? framing.localAddress()
                    : style == Style.CALLBACK ? serveCallbacks(rt, threads, address, bufferBytes, tlsConfig)
                    : rt.serve(address, TcpServer.Spread.REUSE_PORT, s -> {
                        if (tlsConfig != null) {
                            EchoTls.echo(s, tlsConfig, bufferBytes);
                        } else {
                            echo(s, bufferBytes, heap);
                        }
                    }).localAddress();
            System.out.println(StatsPrinter.startLine(bound.getPort(), rt, threads, styleName)
                    + (tls ? ", " + tlsOptions.describe() : ""));
            System.out.flush();
            Signal s;
            StatsPrinter printer = stats == null ? null : StatsPrinter.start(rt, stats, System.out);
            try {
                s = stop.await();
            } finally {
                if (printer != null) {
                    printer.close();
                }
            }
            System.out.println("ringloop echo: SIG" + s + ", closing every connection." + loopStats(rt));
        }
        return 0;
    }

    /** {@code --unix}: serves until a signal, then closes the listener (removing its file) and the runtime. */
    private int serveUnix(Ringloop rt, int bufferBytes, String styleName, Signals.Listener stop, TlsConfig tlsConfig)
            throws Exception {
        UnixAddress address;
        Closeable server;
        try {
            address = UnixAddress.parse(unixPath);
            server = EchoUnix.serve(rt, address, bufferBytes, heap, style, tlsConfig);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // A path too long, or an abstract name on NIO: the user's choice of options, one line.
            throw new ParameterException(spec.commandLine(), "--unix " + unixPath + ": " + e.getMessage());
        }
        try (server) {
            System.out.println(StatsPrinter.startLine(0, rt, threads, styleName)
                    .replaceFirst("port 0, ", Matcher.quoteReplacement("unix " + address + ", "))
                    + (tlsConfig != null ? ", " + tlsOptions.describe() : ""));
            System.out.flush();
            Signal s = stop.await();
            System.out.println("ringloop echo: SIG" + s + ", closing every connection." + loopStats(rt));
        }
        return 0;
    }

    /** One line per loop's counters, for the closing message. */
    private String loopStats(Ringloop rt) {
        String waitCall = rt.backendName().equals("io_uring") ? "io_uring_enter" : "wait";
        StringBuilder stats = new StringBuilder();
        for (int i = 0; i < threads; i++) {
            stats.append(String.format(" loop %d: %d turns, %d %s calls, %d wake-ups;", i,
                    rt.loop(i).turns(), rt.loop(i).waitCalls(), waitCall, rt.loop(i).wakeupCount()));
        }
        return stats.toString();
    }

    // ---- task style: straight-line blocking code, one virtual thread per connection ----

    /** Echoes until the peer's end of stream through a {@code bytes} buffer: a byte[] when {@code heap}. */
    static void echo(TcpStream s, int bytes, boolean heap) throws IOException {
        s.setNoDelay(true);
        EchoUnix.echo(s, bytes, heap);
    }

    // ---- callback style: on the loop thread, no virtual threads ----

    /**
     * One listener per loop (SO_REUSEPORT when several), each accepting on its own loop, echoing through TLS
     * when {@code tls} is not null; the bound address.
     */
    static InetSocketAddress serveCallbacks(Ringloop rt, int threads, InetSocketAddress address, int bufferBytes,
            TlsConfig tls) throws IOException {
        InetSocketAddress at = address;
        for (int i = 0; i < threads; i++) {
            TcpListener l = TcpListener.builder().loop(rt.loop(i)).reusePort(threads > 1).bind(at);
            rt.loop(i).execute(() -> CallbackAccepts.start(l, bufferBytes, tls));
            at = l.localAddress(); // port 0: the other loops share the port the first one got
        }
        return at;
    }
}
