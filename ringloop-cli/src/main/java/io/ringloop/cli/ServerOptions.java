package io.ringloop.cli;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.ServerLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options the protocol server commands ({@code http}, {@code kv}) share, as a picocli mixin, checked while
 * parsing like {@code echo}'s; each command declares its own {@code --port} (its default differs) through
 * {@link #port(CommandSpec, int)}. The connection limit and the timeouts become the server's
 * {@link ServerLimits} ({@link #limits}); what is not given keeps the command's default.
 */
public final class ServerOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;
    private InetAddress host;
    private Backend backend;
    private int threads;
    private long drainSeconds;
    private Integer maxConnections;
    private Duration idleTimeout;
    private Duration readTimeout;
    private Duration writeTimeout;

    @Option(names = "--style", paramLabel = "STYLE", defaultValue = "task",
            converter = StyleConverter.class,
            description = "task (a virtual thread per connection) or framing (the parser on the loop's receive "
                    + "memory, in place; no task) (default: ${DEFAULT-VALUE})")
    ServerStyle style = ServerStyle.TASK;

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

    @Option(names = "--max-connections", paramLabel = "N",
            description = "connections served at once over all loops, >= 1; more wait in the backlog "
                    + "(default: the command's)")
    void maxConnections(int value) {
        maxConnections = OptionRange.atLeast(spec, "--max-connections", value, 1);
    }

    @Option(names = "--idle-timeout", paramLabel = "TIME", converter = TimeoutConverter.class,
            description = "close a connection that waits this long for a request: 500ms, 30s, 2m; 0 = never "
                    + "(default: the command's)")
    void idleTimeout(Duration value) {
        idleTimeout = value;
    }

    @Option(names = "--read-timeout", paramLabel = "TIME", converter = TimeoutConverter.class,
            description = "a request must arrive whole within this long of its first byte; 0 = no limit "
                    + "(default: the command's)")
    void readTimeout(Duration value) {
        readTimeout = value;
    }

    @Option(names = "--write-timeout", paramLabel = "TIME", converter = TimeoutConverter.class,
            description = "close a connection whose peer takes no byte of output for this long; 0 = no limit "
                    + "(default: the command's)")
    void writeTimeout(Duration value) {
        writeTimeout = value;
    }

    /** {@code defaults} with what was given on the command line, and the drain time of {@code --drain-s}. */
    public ServerLimits limits(ServerLimits defaults) {
        ServerLimits l = defaults.withDrainTimeout(Duration.ofSeconds(drainSeconds));
        if (maxConnections != null) {
            l = l.withMaxConnections(maxConnections);
        }
        if (idleTimeout != null) {
            l = l.withIdleTimeout(idleTimeout);
        }
        if (readTimeout != null) {
            l = l.withReadTimeout(readTimeout);
        }
        if (writeTimeout != null) {
            l = l.withWriteTimeout(writeTimeout);
        }
        return l;
    }

    /** A timeout: 0 for none, else at least 1 ms, written as for {@code echo --stats} (500ms, 10s, 2m, PT1S). */
    static final class TimeoutConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            if (value.trim().equals("0")) {
                return Duration.ZERO;
            }
            try {
                return new StatsPrinter.IntervalConverter().convert(value);
            } catch (CommandLine.TypeConversionException e) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not a timeout: use 0 (none) or a time such as 500ms, 30s, 2m or PT1S");
            }
        }
    }

    /** {@code task} or {@code framing}, in any case. */
    static final class StyleConverter implements CommandLine.ITypeConverter<ServerStyle> {
        @Override
        public ServerStyle convert(String value) {
            for (ServerStyle s : ServerStyle.values()) {
                if (s.name().equalsIgnoreCase(value.trim())) {
                    return s;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a style: use task or framing");
        }
    }

    /** The style of {@code --style}. */
    public ServerStyle style() {
        return style;
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
