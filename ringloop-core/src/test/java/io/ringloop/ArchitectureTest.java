package io.ringloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the floor plan of DESIGN.md: dependencies point one way (sys ← driver ← loop ← task ← the user
 * packages ← the root), and only {@code sys} touches the linker or raw addresses. A plain scan of the sources.
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java/io/ringloop");
    /** A package may use packages of a lower rank only; equal ranks do not use each other. */
    private static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("sys", 0), Map.entry("driver", 1), Map.entry("loop", 2), Map.entry("task", 3),
            Map.entry("time", 4), Map.entry("net", 4), Map.entry("fs", 4), Map.entry("sync", 4),
            Map.entry("signal", 4), Map.entry("", 5));
    private static final Pattern USE = Pattern.compile("io\\.ringloop\\.([a-z]+)\\.[A-Z]");

    @Test
    void shouldPointDependenciesOneWay() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles()) {
            String pkg = packageOf(file);
            Integer rank = RANK.get(pkg);
            assertTrue(rank != null, "package io.ringloop." + pkg + " is not on the floor plan (" + file + ")");
            Matcher m = USE.matcher(Files.readString(file));
            while (m.find()) {
                String used = m.group(1);
                Integer usedRank = RANK.get(used);
                if (used.equals(pkg) || usedRank == null) {
                    continue;
                }
                if (usedRank >= rank) {
                    violations.add(file + " (" + pkg + ") uses io.ringloop." + used);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void shouldKeepLinkerAndRawAddressesInSys() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles()) {
            if (packageOf(file).equals("sys")) {
                continue;
            }
            String text = Files.readString(file);
            if (text.contains("Linker.") || text.contains(".reinterpret(")
                    || text.contains("MemorySegment.ofAddress")) {
                violations.add(file.toString());
            }
        }
        assertEquals(List.of(), violations);
    }

    private static List<Path> javaFiles() throws IOException {
        try (Stream<Path> s = Files.walk(SOURCES)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    private static String packageOf(Path file) {
        Path rel = SOURCES.relativize(file.getParent());
        return rel.toString().replace('/', '.');
    }
}
