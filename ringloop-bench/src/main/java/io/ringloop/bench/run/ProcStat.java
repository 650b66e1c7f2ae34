package io.ringloop.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process from {@code /proc/<pid>/stat}: utime + stime (fields 14 and 15, all threads,
 * in clock ticks; proc(5)). The command name (field 2) may hold spaces and parentheses, so fields are
 * counted from the last ')'.
 */
public final class ProcStat {
    /** USER_HZ: 100 on every Linux architecture the JDK runs on (sysconf(_SC_CLK_TCK)). */
    static final long CLOCK_TICKS_PER_SEC = 100;

    private ProcStat() {
    }

    /** utime + stime of {@code pid} in nanoseconds (resolution: one clock tick, 10 ms). */
    public static long cpuNs(long pid) throws IOException {
        return parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))
                * (1_000_000_000L / CLOCK_TICKS_PER_SEC);
    }

    static long parseCpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        // After ") " come field 3 (state), 4, ...; utime is field 14 -> index 11, stime 15 -> index 12.
        String[] fields = stat.substring(close + 2).trim().split(" +");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
