package io.ringloop.bench.run;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server JVM started for one benchmark point: start, wait until it accepts, read its CPU time, stop. */
public final class ServerProcess implements AutoCloseable {
    private static final long ACCEPT_TIMEOUT_MS = 30_000;
    private static final long ACCEPT_POLL_MS = 50;

    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code spec} on {@code port}, stdout and stderr to {@code log}. */
    public static ServerProcess start(JvmLauncher launcher, String cpuList, ServerSpec spec, int port, Path log)
            throws IOException {
        List<String> args = new ArrayList<>(spec.args());
        args.add("--port");
        args.add(Integer.toString(port));
        List<String> command = launcher.command(cpuList, spec.jvmFlags(), spec.mainClass(), args);
        Files.createDirectories(log.getParent());
        Files.writeString(log, "# " + String.join(" ", command) + "\n");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ServerProcess(process, port, log);
    }

    /** A port that was free a moment ago (a tiny race with other programs is accepted). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Polls with connect until the server accepts; throws with the log's tail if it died or never did. */
    public void awaitAccepting() throws IOException, InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACCEPT_TIMEOUT_MS);
        while (System.nanoTime() - deadlineNs < 0) {
            if (!process.isAlive()) {
                throw new IOException("server exited with status " + process.exitValue() + ": " + logTail(6));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(ACCEPT_POLL_MS);
            }
        }
        throw new IOException("server did not accept on port " + port + " within " + ACCEPT_TIMEOUT_MS + " ms: "
                + logTail(6));
    }

    /** The server's user + system CPU time so far, all threads. */
    public long cpuNs() throws IOException {
        return ProcStat.cpuNs(process.pid());
    }

    /** The kernel's SQE/CQE counts of the server's io_uring rings (none for the other backends). */
    public RingCounters ringCounters() {
        return RingCounters.read(process.pid());
    }

    /** The last {@code lines} lines of the server's log, joined by " | ". */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join(" | ", all.subList(Math.max(1, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The first output lines after the command line (the server's banner: transport, backend, mode). */
    public String banner(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join(" | ", all.subList(Math.min(1, all.size()), Math.min(all.size(), 1 + lines)));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
