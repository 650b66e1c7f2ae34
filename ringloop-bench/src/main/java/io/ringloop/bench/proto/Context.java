package io.ringloop.bench.proto;

import io.ringloop.bench.run.JvmLauncher;
import java.nio.file.Path;

/**
 * What every protocol scenario runs with: how to start JVMs, where the server and the generator run
 * ({@code generatorCpus} null when nothing is pinned), the warm-up and measured lengths, and the run's folder.
 */
record Context(JvmLauncher launcher, String serverCpus, String generatorCpus, int generatorThreads, long warmupMs,
               long durationMs, Path dir) {

    Path logDir() {
        return dir.resolve("logs");
    }

    /** Whole seconds, at least one: wrk takes its duration in seconds. */
    static long wholeSeconds(long ms) {
        return Math.max(1, (ms + 999) / 1000);
    }
}
