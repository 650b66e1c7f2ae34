package io.ringloop.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which CPUs this process may use ({@code Cpus_allowed_list} in /proc/self/status) and how they are split:
 * the first for the server, the rest for the load generator. With one CPU nothing is pinned.
 */
public record Cpus(List<Integer> allowed) {

    public static Cpus current() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return new Cpus(parseList(line.substring(line.indexOf(':') + 1).trim()));
                }
            }
        } catch (IOException | RuntimeException ignore) {
            // not Linux or an unusual /proc: fall back to the count the JVM sees, unpinned
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            all.add(i);
        }
        return new Cpus(all);
    }

    /** Parses a cpulist such as {@code 0-3,8,10-11}. */
    static List<Integer> parseList(String list) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            if (dash < 0) {
                cpus.add(Integer.parseInt(p));
            } else {
                for (int c = Integer.parseInt(p.substring(0, dash)); c <= Integer.parseInt(p.substring(dash + 1));
                     c++) {
                    cpus.add(c);
                }
            }
        }
        return cpus;
    }

    public boolean canPin() {
        return allowed.size() > 1
                && (Files.isExecutable(Path.of("/usr/bin/taskset")) || Files.isExecutable(Path.of("/bin/taskset")));
    }

    /** The server's CPU list for taskset. */
    public String serverList() {
        return Integer.toString(allowed.getFirst());
    }

    /** The generator's CPU list for taskset. */
    public String generatorList() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < allowed.size(); i++) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(allowed.get(i));
        }
        return b.toString();
    }

    public int generatorCores() {
        return Math.max(1, allowed.size() - 1);
    }
}
