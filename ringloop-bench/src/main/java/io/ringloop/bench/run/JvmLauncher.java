package io.ringloop.bench.run;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the command line of a child JVM: this JVM's own java binary and class path, the flags every
 * ringloop JVM runs with, and an optional {@code taskset -c} prefix that pins it.
 */
public final class JvmLauncher {
    /** Same as the root pom's ringloop.jvm.flags: FFM for our classes, loop-scheduled virtual threads. */
    public static final List<String> RINGLOOP_JVM_FLAGS =
            List.of("--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED");
    /** Every server and generator gets the same heap so GC settings never differ between competitors. */
    static final List<String> HEAP_FLAGS = List.of("-Xms256m", "-Xmx1g");

    private final String java;
    private final String classPath;
    private final boolean pin;

    public JvmLauncher(boolean pin) {
        this.java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.classPath = absolute(System.getProperty("java.class.path"));
        this.pin = pin;
    }

    /** Child JVMs get absolute entries so they do not depend on the working directory. */
    static String absolute(String classPath) {
        StringBuilder b = new StringBuilder();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (!b.isEmpty()) {
                b.append(File.pathSeparatorChar);
            }
            b.append(Path.of(entry).toAbsolutePath().normalize());
        }
        return b.toString();
    }

    public String java() {
        return java;
    }

    public List<String> command(String cpuList, List<String> jvmFlags, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        if (pin && cpuList != null && !cpuList.isEmpty()) {
            cmd.add("taskset");
            cmd.add("-c");
            cmd.add(cpuList);
        }
        cmd.add(java);
        cmd.addAll(RINGLOOP_JVM_FLAGS);
        cmd.addAll(HEAP_FLAGS);
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
