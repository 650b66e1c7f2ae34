package io.ringloop;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One measuring point of this JVM, for tests that hold many connections: the live heap without the frozen
 * stacks of parked virtual threads, those stacks apart, the direct-buffer pool, resident anonymous memory and the
 * open descriptors.
 *
 * <p>Why the stacks apart: a parked virtual thread keeps its frames in heap objects
 * ({@code jdk.internal.vm.StackChunk}), and the JDK may give it a second chunk when its frames change shape (the
 * JIT replaced interpreted frames; the JDK thaws lazily and keeps the frames below in the old chunk). With 10,000
 * parked tasks that moves the live heap by megabytes at no particular time, which would hide a small leak.
 *
 * <p>Not visible here: FFM arena memory. The JDK 25 direct pool counts {@code ByteBuffer.allocateDirect} only,
 * not {@code Arena.allocate}, so native memory shows only in {@link #rssAnonBytes}.
 *
 * @param liveHeapBytes heap bytes live after a full collection, minus stack chunks and filler arrays
 * @param stackChunkBytes bytes of parked virtual threads' frozen stacks
 * @param directBytes the JDK's "direct" buffer pool
 * @param rssAnonBytes RssAnon of /proc/self/status: resident anonymous memory (heap, malloc, arenas, stacks)
 * @param fds open file descriptors
 */
public record ProcessUsage(long liveHeapBytes, long stackChunkBytes, long directBytes, long rssAnonBytes,
                           int fds) {
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)");

    /** Measures now; the histogram runs a full collection first. */
    public static ProcessUsage measure() throws IOException {
        String histogram = classHistogram();
        long total = -1;
        long stackChunks = 0;
        long fillers = 0;
        for (String line : histogram.lines().toList()) {
            Matcher row = HISTOGRAM_ROW.matcher(line);
            if (row.find()) {
                long bytes = Long.parseLong(row.group(1));
                if (row.group(2).equals("jdk.internal.vm.StackChunk")) {
                    stackChunks += bytes;
                } else if (row.group(2).contains("jdk.internal.vm.FillerElement")) {
                    fillers += bytes; // dead space the collector formats as arrays, not objects anyone holds
                }
                continue;
            }
            Matcher totalRow = HISTOGRAM_TOTAL.matcher(line);
            if (totalRow.find()) {
                total = Long.parseLong(totalRow.group(1));
            }
        }
        if (total < 0) {
            throw new IOException("no Total row in the class histogram: " + histogram.lines().limit(5).toList());
        }
        return new ProcessUsage(total - stackChunks - fillers, stackChunks, Leaks.nativeBytes(), readRssAnon(),
                Leaks.openFds());
    }

    /**
     * {@code jcmd <pid> GC.class_histogram} run in-process through the DiagnosticCommand MBean (no attach socket),
     * reflectively: tests compile inside the io.ringloop module, which does not read java.management.
     */
    private static String classHistogram() throws IOException {
        try {
            Object server = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getPlatformMBeanServer").invoke(null);
            Class<?> objectName = Class.forName("javax.management.ObjectName");
            Object diagnostics = objectName.getConstructor(String.class)
                    .newInstance("com.sun.management:type=DiagnosticCommand");
            Method invoke = Class.forName("javax.management.MBeanServerConnection")
                    .getMethod("invoke", objectName, String.class, Object[].class, String[].class);
            return (String) invoke.invoke(server, diagnostics, "gcClassHistogram", new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
        } catch (ReflectiveOperationException e) {
            throw new IOException("GC.class_histogram through the DiagnosticCommand MBean failed", e);
        }
    }

    /** RssAnon of /proc/self/status, in bytes. */
    public static long readRssAnon() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("RssAnon:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no RssAnon in /proc/self/status");
    }

    /** What every open descriptor points at ({@code socket:[inode]}, {@code anon_inode:[io_uring]}, a path), sorted. */
    public static List<String> fdTargets() throws IOException {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    // A file deleted meanwhile (surefire removes its booter jar) reads "path (deleted)".
                    targets.add(Files.readSymbolicLink(fd).toString().replace(" (deleted)", ""));
                } catch (IOException ignore) {
                    // the listing's own descriptor, closed once listed: not one of the process's
                }
            }
        }
        Collections.sort(targets);
        return targets;
    }

    /**
     * Waits up to {@code timeoutMs} until no descriptor is open beyond {@code expected} (closes may finish on a
     * loop after the peer's; NIO frees a closed channel's fd at the next select); fails naming the extra ones, a
     * socket with its /proc/net row. One of {@code expected} closed meanwhile is not a leak (something else in
     * this JVM let it go) and is only named in the message.
     */
    public static void awaitFds(List<String> expected, String when, long timeoutMs)
            throws IOException, InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<String> extra = minus(fdTargets(), expected);
        while (!extra.isEmpty()) {
            if (System.nanoTime() - deadlineNs > 0) {
                List<String> now = fdTargets();
                List<String> missing = minus(expected, now);
                throw new AssertionError("descriptors " + when + ": " + now.size() + " open, " + expected.size()
                        + " expected; extra " + describe(extra.subList(0, Math.min(10, extra.size())))
                        + ", missing " + missing.subList(0, Math.min(10, missing.size())));
            }
            Thread.sleep(10);
            extra = minus(fdTargets(), expected);
        }
    }

    /** {@code all} without one occurrence of each of {@code some}. */
    private static List<String> minus(List<String> all, List<String> some) {
        Map<String, Integer> left = new HashMap<>();
        some.forEach(s -> left.merge(s, 1, Integer::sum));
        List<String> rest = new ArrayList<>();
        for (String s : all) {
            if (left.merge(s, -1, Integer::sum) < 0) {
                rest.add(s);
            }
        }
        return rest;
    }

    /** Adds the /proc/net/tcp* row (hex addresses, state) to each TCP socket in {@code targets}. */
    private static List<String> describe(List<String> targets) throws IOException {
        List<String> rows = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6", "unix")) {
            rows.addAll(Files.readAllLines(Path.of("/proc/self/net", table)));
        }
        List<String> described = new ArrayList<>();
        for (String target : targets) {
            if (!target.startsWith("socket:[")) {
                described.add(target);
                continue;
            }
            String inode = target.substring("socket:[".length(), target.length() - 1);
            String row = rows.stream().filter(r -> List.of(r.trim().split("\\s+")).contains(inode))
                    .findFirst().orElse("not in /proc/net/{tcp,tcp6,unix}");
            described.add(target + " {" + row.trim() + "}");
        }
        return described;
    }

    @Override
    public String toString() {
        return String.format("[live heap %.1f MiB + parked stacks %.1f MiB, direct %.1f MiB, RssAnon %.1f MiB, %d fds]",
                liveHeapBytes / 1048576.0, stackChunkBytes / 1048576.0, directBytes / 1048576.0,
                rssAnonBytes / 1048576.0, fds);
    }
}
