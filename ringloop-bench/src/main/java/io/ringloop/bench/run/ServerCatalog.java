package io.ringloop.bench.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Every server the benchmark knows, and which of them the quick run uses. */
public final class ServerCatalog {
    /** The class behind {@code ./ringloop echo}; absent until the CLI has the command. */
    public static final String RINGLOOP_MAIN = "io.ringloop.cli.Main";

    /** The zero-copy sweep's two servers (see {@link #ioUringCallbackEcho}); not in {@link #all()}. */
    public static final String SWEEP_COPY_ID = "ringloop-io_uring-callback-copy";
    public static final String SWEEP_ZERO_COPY_ID = "ringloop-io_uring-callback-zc";

    private static final List<String> RINGLOOP_BACKENDS = List.of("auto", "io_uring", "epoll", "nio");
    private static final List<String> STYLES = List.of("task", "callback", "stealing", "framing");

    private ServerCatalog() {
    }

    public static List<ServerSpec> all() {
        List<ServerSpec> all = new ArrayList<>();
        for (String backend : RINGLOOP_BACKENDS) {
            for (String style : STYLES) {
                all.add(ringloop(backend, style));
            }
        }
        List<String> nettyFlags = List.of(
                // Netty's usual production settings: Unsafe allowed (JDK 24+ warns otherwise), no leak sampling.
                "--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled");
        for (String transport : List.of("epoll", "io_uring", "nio")) {
            all.add(new ServerSpec("netty-" + transport, "netty", "io.ringloop.bench.server.NettyEchoServer",
                    List.of("--transport", transport), nettyFlags,
                    "Netty 4.2 " + transport + " transport, 1 event loop, pooled direct buffers"));
        }
        all.add(new ServerSpec("jdk-nio", "jdk", "io.ringloop.bench.server.NioEchoServer", List.of(), List.of(),
                "JDK selector, one thread, direct buffer per connection"));
        all.add(new ServerSpec("jdk-vthreads", "jdk", "io.ringloop.bench.server.VirtualThreadEchoServer",
                List.of(), List.of("-Djdk.virtualThreadScheduler.parallelism=1"),
                "JDK virtual thread per connection, java.net sockets, scheduler parallelism 1"));
        return all;
    }

    /**
     * The quick run: ringloop's default (best available) backend in both styles, Netty's best transport on
     * Linux (epoll, the transport most Netty deployments use) and the JDK's virtual threads.
     */
    public static List<String> quickIds() {
        return List.of("ringloop-auto-task", "ringloop-auto-callback", "netty-epoll", "jdk-vthreads");
    }

    /** The "full" run: the auto backend is one of the explicit ones, so it is left out. */
    public static List<String> fullIds() {
        return all().stream().map(ServerSpec::id).filter(id -> !id.startsWith("ringloop-auto-")).toList();
    }

    public static Optional<ServerSpec> byId(String id) {
        return all().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** Null when ringloop servers can run, else why not. */
    public static String ringloopUnavailableReason() {
        try {
            Class.forName(RINGLOOP_MAIN, false, ServerCatalog.class.getClassLoader());
            return null;
        } catch (ClassNotFoundException e) {
            return RINGLOOP_MAIN + " is not on the class path yet (the ringloop echo command is not built)";
        }
    }

    /**
     * The ringloop io_uring echo in callback style: one native buffer per connection (CallbackEcho), so its
     * writes are eligible for SEND_ZC. {@code zeroCopyKib} > 0 sends every write of at least that many KiB
     * zero-copy ({@code --zero-copy-kib}), 0 copies them all. Kept out of {@link #all()}: without a threshold
     * that matches the load the zero-copy variant means nothing, and the matrix runs would pick it up.
     */
    public static ServerSpec ioUringCallbackEcho(int bufferKib, int zeroCopyKib) {
        List<String> args = new ArrayList<>(List.of("echo", "--backend", "IO_URING", "--style", "callback",
                "--threads", "1", "--buffer-kib", Integer.toString(bufferKib)));
        if (zeroCopyKib > 0) {
            args.addAll(List.of("--zero-copy-kib", Integer.toString(zeroCopyKib)));
        }
        return new ServerSpec(zeroCopyKib > 0 ? SWEEP_ZERO_COPY_ID : SWEEP_COPY_ID, "ringloop", RINGLOOP_MAIN,
                List.copyOf(args), List.of(), "ringloop io_uring backend, callback style, 1 loop thread, "
                + bufferKib + " KiB buffer, " + (zeroCopyKib > 0 ? "SEND_ZC for writes >= " + zeroCopyKib + " KiB"
                : "copying sends"));
    }

    private static ServerSpec ringloop(String backend, String style) {
        return new ServerSpec("ringloop-" + backend + "-" + style, "ringloop", RINGLOOP_MAIN,
                List.of("echo", "--backend", backend.toUpperCase(Locale.ROOT), "--style", style, "--threads", "1"),
                List.of(), "ringloop " + backend + " backend, " + style + " style, 1 loop thread");
    }
}
