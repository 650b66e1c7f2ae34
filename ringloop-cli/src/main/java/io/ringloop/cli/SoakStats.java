package io.ringloop.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code ringloop soak} counts, from the client tasks of any loop, and the process's own numbers (RSS, heap,
 * descriptors) for the periodic line. Every counter may be written by several loop threads and read by the
 * reporting thread, so all are atomic; only the first {@link #FAILURES_SHOWN} failures are printed in full.
 */
final class SoakStats {
    static final int FAILURES_SHOWN = 20;

    private final PrintWriter err;
    private final LongAdder messages = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong mismatches = new AtomicLong();
    private final AtomicLong nextConnectionId = new AtomicLong();
    private volatile boolean stopping;

    SoakStats(PrintWriter err) {
        this.err = err;
    }

    /** A fresh id for a new connection: its stream's bytes derive from it, so no two connections send the same. */
    long nextConnectionId() {
        return nextConnectionId.getAndIncrement();
    }

    void connectionOpened() {
        opened.incrementAndGet();
        open.incrementAndGet();
    }

    void connectionClosed() {
        open.decrementAndGet();
    }

    void message(int size) {
        messages.increment();
        bytes.add(size);
    }

    /** An I/O failure: counted, shown, and the run goes on (it still exits non-zero). */
    void error(String what) {
        show("error", errors.incrementAndGet(), what);
    }

    /** A byte that came back different: counted, shown, and the run stops. */
    void mismatch(String what) {
        show("MISMATCH", mismatches.incrementAndGet(), what);
        stopping = true;
    }

    private void show(String kind, long count, String what) {
        if (errors.get() + mismatches.get() <= FAILURES_SHOWN) {
            synchronized (err) {
                err.println("ringloop soak: " + kind + " " + count + ": " + what);
                err.flush();
            }
        }
    }

    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    long messages() {
        return messages.sum();
    }

    long bytes() {
        return bytes.sum();
    }

    long opened() {
        return opened.get();
    }

    int open() {
        return open.get();
    }

    long errors() {
        return errors.get();
    }

    long mismatches() {
        return mismatches.get();
    }

    /**
     * The periodic line: {@code [  10 s] rss .. MiB, heap .. MiB (.. after GC), fds .., conns .. open / ..
     * opened, msgs .. (../s), .. MiB checked, errors ..}. "after GC" is the heap right after the last collection, the
     * number a leak moves; {@code messagesBefore} and {@code intervalNs} give the rate since the last line.
     */
    String line(long elapsedNs, long messagesBefore, long intervalNs) throws IOException {
        long now = messages();
        return String.format(Locale.ROOT, "[%5d s] rss %.1f MiB, heap %.1f MiB (%.1f after GC), fds %d, conns %d open"
                        + " / %d opened, msgs %d (%.0f/s), %.1f MiB checked, errors %d",
                elapsedNs / 1_000_000_000L, mib(rssBytes()), mib(heapUsedBytes()), mib(heapAfterLastGcBytes()),
                openFds(), open(), opened(), now, (now - messagesBefore) * 1e9 / Math.max(1, intervalNs),
                mib(bytes()), errors() + mismatches());
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    /** VmRSS of /proc/self/status. */
    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    static long heapUsedBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Heap used right after the most recent collection of any collector (0 before the first). */
    static long heapAfterLastGcBytes() {
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        GcInfo last = null;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            GcInfo info = gc instanceof com.sun.management.GarbageCollectorMXBean sun ? sun.getLastGcInfo() : null;
            if (info != null && (last == null || info.getEndTime() > last.getEndTime())) {
                last = info;
            }
        }
        long sum = 0;
        if (last != null) {
            for (Map.Entry<String, MemoryUsage> pool : last.getMemoryUsageAfterGc().entrySet()) {
                sum += heapPools.contains(pool.getKey()) ? pool.getValue().getUsed() : 0;
            }
        }
        return sum;
    }

    /** Entries of /proc/self/fd. */
    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
