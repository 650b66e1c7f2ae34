package io.ringloop.bench.server;

/** The tiny command line every competitor server takes: {@code --port P [--transport T]}. */
record ServerArgs(int port, String transport) {

    static ServerArgs parse(String[] args, String defaultTransport) {
        int port = -1;
        String transport = defaultTransport;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--transport" -> transport = value(args, ++i, "--transport");
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: --port P [--transport T])");
            }
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port P is required (0..65535)");
        }
        return new ServerArgs(port, transport);
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
