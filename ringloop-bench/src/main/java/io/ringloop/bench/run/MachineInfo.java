package io.ringloop.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the figures were measured on: CPU, cores, kernel, JDK, and how busy the machine was at the start. */
public final class MachineInfo {
    private MachineInfo() {
    }

    public static Map<String, Object> collect(Cpus cpus, boolean pinned) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpuModel", cpuModel());
        m.put("onlineCores", Runtime.getRuntime().availableProcessors());
        m.put("allowedCpus", cpus.allowed());
        m.put("pinned", pinned);
        m.put("serverCpus", pinned ? cpus.serverList() : "any");
        m.put("generatorCpus", pinned ? cpus.generatorList() : "any");
        m.put("kernel", firstLine("/proc/sys/kernel/osrelease", System.getProperty("os.version")));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("memTotal", grep("/proc/meminfo", "MemTotal:"));
        m.put("loadAverageAtStart", firstLine("/proc/loadavg", "?"));
        m.put("ioUringDisabledSysctl", firstLine("/proc/sys/kernel/io_uring_disabled", "?"));
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("javaHome", System.getProperty("java.home"));
        return m;
    }

    static String cpuModel() {
        String model = grep("/proc/cpuinfo", "model name");
        return model.isEmpty() ? System.getProperty("os.arch") : model;
    }

    /** The value after ':' of the first line starting with {@code prefix}, or "". */
    static String grep(String file, String prefix) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            for (String line : lines) {
                if (line.startsWith(prefix)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException ignore) {
            // not Linux: leave the field empty
        }
        return "";
    }

    static String firstLine(String file, String fallback) {
        try {
            return Files.readAllLines(Path.of(file)).getFirst().trim();
        } catch (IOException | RuntimeException ignore) {
            return fallback;
        }
    }
}
