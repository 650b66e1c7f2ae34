package io.ringloop.cli;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options the protocol server commands ({@code http}, {@code kv}) share, as a picocli mixin, checked while
 * parsing like {@code echo}'s; each command declares its own {@code --port} (its default differs) through
 * {@link #port(CommandSpec, int)}.
 */
public final class ServerOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;
    private InetAddress host;
    private Backend backend;
    private int threads;
    private long drainSeconds;

    @Option(names = "--pin", description = "pin loop i to CPU i (modulo the CPU count) (default: ${DEFAULT-VALUE})")
    boolean pin;

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
            description = "auto, io_uring, epoll or nio, in any case (default: ${DEFAULT-VALUE})")
    void backend(Backend value) {
        backend = value;
    }

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "event loops, >= 1, one SO_REUSEPORT listener each (default: ${DEFAULT-VALUE})")
    void threads(int value) {
        threads = OptionRange.atLeast(spec, "--threads", value, 1);
    }

    @Option(names = "--drain-s", paramLabel = "S", defaultValue = "5",
            description = "on SIGINT/SIGTERM, wait this long for busy connections, >= 0 (default: ${DEFAULT-VALUE})")
    void drainSeconds(int value) {
        drainSeconds = OptionRange.atLeast(spec, "--drain-s", value, 0);
    }

    /** A port option's value checked: 0..65535, else a usage error of {@code spec}'s command. */
    public static int port(CommandSpec spec, int value) {
        return OptionRange.between(spec, "--port", value, 0, 65535);
    }

    /** An option's value checked against {@code min..max}, else a usage error of {@code spec}'s command. */
    public static int between(CommandSpec spec, String option, int value, int min, int max) {
        return OptionRange.between(spec, option, value, min, max);
    }

    public int threads() {
        return threads;
    }

    public long drainSeconds() {
        return drainSeconds;
    }

    public InetSocketAddress address(int port) {
        return new InetSocketAddress(host, port);
    }

    /** Starts the runtime these options describe. */
    public Ringloop start(String name) throws IOException {
        return Ringloop.builder().backend(backend).threads(threads).pinCpus(pin).name(name).start();
    }
}
