package io.ringloop.bench.proto;

import io.ringloop.bench.run.ServerCatalog;
import io.ringloop.bench.run.ServerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The servers of the protocol scenarios: ringloop's commands ({@code http}, {@code kv}, {@code echo --tls}) on
 * io_uring and epoll with one loop, and Netty's servers of the same function on its epoll and io_uring
 * transports with one event loop. Ids are the same in every scenario ({@code ringloop-io_uring},
 * {@code netty-epoll}, ...). ringloop's servers run in both styles: a task per connection
 * ({@code ringloop-io_uring}, ...) and on the framing API ({@code ringloop-framing-io_uring}, ...:
 * {@code --style framing}), with TLS too.
 */
final class ProtoServers {
    static final List<String> TRANSPORTS = List.of("io_uring", "epoll");
    /** Netty's usual production settings: Unsafe allowed (JDK 24+ warns otherwise), no leak sampling. */
    private static final List<String> NETTY_FLAGS =
            List.of("--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled");

    private ProtoServers() {
    }

    static List<ServerSpec> http() {
        return both("http", List.of(), "io.ringloop.bench.server.NettyHttpServer", List.of(),
                "HttpServerCodec + plaintext handler, flush at read-complete");
    }

    static List<ServerSpec> kv() {
        return both("kv", List.of(), "io.ringloop.bench.server.NettyRedisServer", List.of(),
                "codec-redis + GET/SET handler, flush at read-complete");
    }

    /** TLS echo with the certificate and key in {@code cert}/{@code key} (PEM) for both. */
    static List<ServerSpec> tls(Path cert, Path key) {
        List<String> pem = List.of("--cert", cert.toString(), "--key", key.toString());
        List<String> ringloopArgs = new ArrayList<>(List.of("--heap", "--buffer-kib", "64", "--tls"));
        ringloopArgs.addAll(pem);
        return both("echo", ringloopArgs, "io.ringloop.bench.server.NettyEchoServer", pem,
                "echo behind SslHandler (SslProvider.JDK), flush at read-complete");
    }

    /** HTTPS: the {@link #http} servers (both styles) behind TLS, with the certificate and key of these PEM files. */
    static List<ServerSpec> https(Path cert, Path key) {
        List<String> pem = List.of("--cert", cert.toString(), "--key", key.toString());
        List<String> ringloopArgs = new ArrayList<>(List.of("--tls"));
        ringloopArgs.addAll(pem);
        return both("http", ringloopArgs, "io.ringloop.bench.server.NettyHttpServer", pem,
                "SslHandler (SslProvider.JDK) + HttpServerCodec + plaintext handler, flush at read-complete");
    }

    private static List<ServerSpec> both(String command, List<String> ringloopArgs,
                                         String nettyMain, List<String> nettyArgs, String nettyWhat) {
        List<ServerSpec> all = new ArrayList<>();
        for (String style : List.of("task", "framing")) {
            for (String t : TRANSPORTS) {
                List<String> args = new ArrayList<>(List.of(command, "--backend", t.toUpperCase(Locale.ROOT),
                        "--threads", "1", "--host", "127.0.0.1"));
                if (style.equals("framing")) {
                    args.addAll(List.of("--style", "framing"));
                }
                args.addAll(ringloopArgs);
                String id = style.equals("framing") ? "ringloop-framing-" + t : "ringloop-" + t;
                all.add(new ServerSpec(id, "ringloop", ServerCatalog.RINGLOOP_MAIN, List.copyOf(args), List.of(),
                        "ringloop " + command + " " + String.join(" ", args.subList(1, args.size()))));
            }
        }
        for (String t : TRANSPORTS) {
            List<String> args = new ArrayList<>(List.of("--transport", t));
            args.addAll(nettyArgs);
            all.add(new ServerSpec("netty-" + t, "netty", nettyMain, List.copyOf(args), NETTY_FLAGS,
                    "Netty 4.2 " + t + ", 1 event loop, " + nettyWhat));
        }
        return all;
    }

    /** The servers whose id {@code patterns} name (exactly, or by prefix with a trailing *); all when null. */
    static List<ServerSpec> select(List<ServerSpec> all, List<String> patterns) {
        if (patterns == null) {
            return all;
        }
        return all.stream().filter(s -> patterns.stream().map(String::trim).anyMatch(p -> p.endsWith("*")
                ? s.id().startsWith(p.substring(0, p.length() - 1)) : s.id().equals(p))).toList();
    }
}
