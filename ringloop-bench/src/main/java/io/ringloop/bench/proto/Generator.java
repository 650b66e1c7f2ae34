package io.ringloop.bench.proto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a load generator to its end, pinned with {@code taskset} when asked, and returns what it printed. */
final class Generator {
    /** Beyond the run's own length: process start, connects, the report. */
    private static final long GRACE_MS = 30_000;

    private Generator() {
    }

    /** {@code command} prefixed with {@code taskset -c cpus} (no prefix when {@code cpus} is null). */
    static List<String> pinned(String cpus, List<String> command) {
        List<String> all = new ArrayList<>();
        if (cpus != null) {
            all.addAll(List.of("taskset", "-c", cpus));
        }
        all.addAll(command);
        return all;
    }

    /**
     * Runs {@code command}, appending the command line and its output (stdout and stderr) to {@code log};
     * returns the output, or throws with its tail when it fails or outlives {@code expectedMs} by far.
     */
    static String run(List<String> command, long expectedMs, Path log) throws IOException, InterruptedException {
        // Output to a file, not a pipe: a generator that hangs is then ended by the timeout, never waited on.
        Path out = Files.createTempFile(log.getParent(), "generator", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        String text;
        try {
            p.getOutputStream().close();
            if (!p.waitFor(expectedMs + GRACE_MS, TimeUnit.MILLISECONDS)) {
                throw new IOException(String.join(" ", command) + " did not end within " + (expectedMs + GRACE_MS)
                        + " ms");
            }
            text = Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
        }
        Files.writeString(log, "# " + String.join(" ", command) + "\n" + text, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (p.exitValue() != 0) {
            throw new IOException(command.get(command.indexOf("taskset") == 0 ? 3 : 0) + " exited with status "
                    + p.exitValue() + ": " + tail(text));
        }
        return text;
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
    }
}
