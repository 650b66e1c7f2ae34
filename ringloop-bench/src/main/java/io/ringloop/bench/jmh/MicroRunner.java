package io.ringloop.bench.jmh;

import io.ringloop.bench.run.JvmLauncher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code ./ringloop bench --micro [regex]}: runs the JMH benchmarks of this module whose names match, with
 * JMH's GC profiler so each prints its allocation per operation ({@code gc.alloc.rate.norm}, B/op), and
 * closes with a short summary. Forked JVMs get this JVM's class path and the ringloop JVM flags;
 * {@code forks == 0} runs in this JVM (quicker, less isolated).
 */
public final class MicroRunner {
    private MicroRunner() {
    }

    public static int run(String regex, int forks, int warmupSec, int measureSec) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(regex)
                .addProfiler(GCProfiler.class)
                .forks(forks)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(warmupSec))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(measureSec))
                .shouldFailOnError(true);
        if (forks > 0) {
            List<String> flags = new ArrayList<>(JvmLauncher.RINGLOOP_JVM_FLAGS);
            flags.add("-Xmx1g");
            options.jvmArgs(flags.toArray(String[]::new));
        }
        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } catch (NoBenchmarksException e) {
            results = List.of();
        }
        if (results.isEmpty()) {
            System.err.println("no JMH benchmark matches " + regex);
            return 1;
        }
        System.out.println();
        System.out.println("ringloop micro benchmarks (" + (forks > 0 ? forks + " fork(s)" : "in process") + "):");
        System.out.printf(Locale.ROOT, "%-70s %14s %12s%n", "benchmark", "score", "alloc B/op");
        for (RunResult r : results) {
            Result<?> primary = r.getPrimaryResult();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            StringBuilder name = new StringBuilder(r.getParams().getBenchmark().replace("io.ringloop.bench.jmh.", ""));
            for (String key : r.getParams().getParamsKeys()) {
                name.append(' ').append(key).append('=').append(r.getParams().getParam(key));
            }
            System.out.printf(Locale.ROOT, "%-70s %9.2f %-4s %12s%n", name,
                    primary.getScore(), primary.getScoreUnit(),
                    alloc == null ? "-" : String.format(Locale.ROOT, "%.2f", alloc.getScore()));
        }
        return 0;
    }
}
