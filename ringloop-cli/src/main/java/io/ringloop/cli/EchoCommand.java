package io.ringloop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * PLACEHOLDER written by the launcher helper so that {@link Main} compiles. The lead's real
 * {@code EchoCommand} replaces this file as a whole; nothing else depends on its contents.
 */
@Command(
        name = "echo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "TCP echo server (not implemented yet).")
public final class EchoCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "7000", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--backend", defaultValue = "auto", description = "epoll|io_uring|nio|auto.")
    private String backend;

    @Option(names = "--threads", defaultValue = "1", description = "Number of event loops.")
    private int threads;

    @Option(names = "--style", defaultValue = "task", description = "task|callback.")
    private String style;

    @Override
    public Integer call() {
        System.err.println("ringloop echo: not implemented yet (placeholder)");
        return 1;
    }
}
