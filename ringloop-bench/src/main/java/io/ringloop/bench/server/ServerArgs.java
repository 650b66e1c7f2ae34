package io.ringloop.bench.server;

import java.nio.file.Path;

/**
 * The tiny command line every competitor server takes: {@code --port P [--transport T] [--cert F --key F]}
 * (the certificate and key only where the server serves TLS; null otherwise).
 */
record ServerArgs(int port, String transport, Path cert, Path key) {

    static ServerArgs parse(String[] args, String defaultTransport) {
        int port = -1;
        String transport = defaultTransport;
        Path cert = null;
        Path key = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--transport" -> transport = value(args, ++i, "--transport");
                case "--cert" -> cert = Path.of(value(args, ++i, "--cert"));
                case "--key" -> key = Path.of(value(args, ++i, "--key"));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: --port P [--transport T] [--cert F --key F])");
            }
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port P is required (0..65535)");
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--cert and --key go together");
        }
        return new ServerArgs(port, transport, cert, key);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    /** Blocks the main thread until the JVM is told to exit (SIGTERM from the orchestrator runs the hooks). */
    static void awaitShutdown(AutoCloseable server) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignore) {
                // exiting anyway: the OS reclaims sockets and threads
            }
        }));
        Thread.currentThread().join();
    }
}
