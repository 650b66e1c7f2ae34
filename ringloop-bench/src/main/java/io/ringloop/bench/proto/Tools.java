package io.ringloop.bench.proto;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the external generators on {@code PATH}, and says which Debian package brings a missing one. */
final class Tools {
    private Tools() {
    }

    /** The executable {@code name} on {@code PATH}, or null. */
    static Path find(String name) {
        return find(name, System.getenv("PATH"));
    }

    /** The executable {@code name} in the directories of {@code path} (a PATH value), or null. */
    static Path find(String name, String path) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The one line printed for a scenario skipped for want of {@code tool}. */
    static String skipLine(String scenario, String tool, String debianPackage) {
        return scenario + ": skipped: " + tool + " not found on PATH (install the Debian package " + debianPackage
                + ": apt-get install " + debianPackage + ")";
    }
}
