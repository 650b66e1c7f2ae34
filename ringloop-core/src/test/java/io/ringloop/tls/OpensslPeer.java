package io.ringloop.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code openssl s_server} or {@code s_client} process in the test certificates' directory: its output
 * (stdout and stderr together) read line by line on a thread, its stdin written by the test. Waits are for a
 * line, with a generous limit that fails the test with everything the process said; never a sleep.
 */
final class OpensslPeer implements AutoCloseable {
    private static final long WAIT_SECONDS = 20;
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final List<String> args;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer transcript = new StringBuffer();
    private final OutputStream stdin;
    private final CountDownLatch ended = new CountDownLatch(1);

    private OpensslPeer(Path dir, List<String> args) throws IOException {
        this.args = args;
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(args);
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        stdin = process.getOutputStream();
        Thread.ofPlatform().daemon().name("openssl-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.ISO_8859_1))) {
                String line;
                while ((line = r.readLine()) != null) {
                    transcript.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException ignore) {
                // the process was destroyed: the test has what it needed or fails on its own
            } finally {
                lines.add(EOF);
                ended.countDown();
            }
        });
    }

    static OpensslPeer start(TestCerts certs, String... args) throws IOException {
        return new OpensslPeer(certs.dir(), List.of(args));
    }

    /** {@code s_server} on an ephemeral loopback port: the port it printed. */
    static OpensslPeer server(TestCerts certs, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("s_server", "-accept", "127.0.0.1:0", "-naccept", "1"));
        all.addAll(List.of(args));
        return new OpensslPeer(certs.dir(), all);
    }

    int acceptedPort() {
        Matcher m = awaitLine("ACCEPT 127\\.0\\.0\\.1:(\\d+)");
        return Integer.parseInt(m.group(1));
    }

    /** Waits for a whole line matching {@code regex}; the lines before it are skipped. */
    Matcher awaitLine(String regex) {
        Pattern p = Pattern.compile(regex);
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        try {
            for (;;) {
                String line = lines.poll(deadlineNs - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null || line.equals(EOF)) {
                    throw new AssertionError("openssl " + String.join(" ", args) + ": no line matching '" + regex
                            + "' " + (line == null ? "within " + WAIT_SECONDS + " s" : "before its end")
                            + "; it said:\n" + transcript);
                }
                Matcher m = p.matcher(line);
                if (m.matches()) {
                    return m;
                }
            }
        } catch (InterruptedException e) {
            throw new AssertionError("interrupted", e);
        }
    }

    void send(String text) throws IOException {
        stdin.write(text.getBytes(StandardCharsets.ISO_8859_1));
        stdin.flush();
    }

    void closeInput() throws IOException {
        stdin.close();
    }

    /** Waits for the exit: its code. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("openssl " + String.join(" ", args) + " did not exit; it said:\n" + transcript);
        }
        return process.exitValue();
    }

    /** Everything the process said, once it has exited and its output is read to the end. */
    String transcript() throws InterruptedException {
        exitCode();
        if (!ended.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("openssl's output did not end");
        }
        return transcript.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
