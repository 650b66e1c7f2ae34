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
 * Keeps the floor plan of DESIGN.md: dependencies point one way (error ← sys ← driver ← loop ← task ← the user
 * packages ← the root), and only {@code sys} touches the linker or raw addresses. A plain scan of the sources.
 *
 * <p>A subpackage ({@code driver.uring}, {@code sys.uring}, {@code loop.internal}) has its top package's rank and
 * may use its parents, never its siblings (one backend does not reach into another) and is not used by them
 * (the shared {@code driver} contract knows no backend). The one exception: a package may use its own
 * {@code internal} subpackage, where the plumbing behind its public face lives (not exported).
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java/io/ringloop");
    /**
     * A package may use packages of a lower rank only; equal ranks do not use each other. {@code error} (what
     * users catch) is the bottom: everyone may use it, it uses nothing.
     */
    private static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("error", -1), Map.entry("sys", 0), Map.entry("driver", 1), Map.entry("loop", 2),
            Map.entry("task", 3), Map.entry("time", 4), Map.entry("net", 4), Map.entry("fs", 5), Map.entry("process", 5),
            Map.entry("sync", 4), Map.entry("signal", 4), Map.entry("io", 5),
            Map.entry("tls", 5), Map.entry("unix", 5), Map.entry("frame", 6), Map.entry("", 7));
    private static final Pattern USE = Pattern.compile("io\\.ringloop\\.((?:[a-z]+\\.)*[a-z]+)\\.[A-Z]");

    @Test
    void shouldPointDependenciesOneWay() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles()) {
            String pkg = packageOf(file);
            Integer rank = RANK.get(top(pkg));
            assertTrue(rank != null, "package io.ringloop." + pkg + " is not on the floor plan (" + file + ")");
            Matcher m = USE.matcher(withoutComments(Files.readString(file)));
            while (m.find()) {
                String used = m.group(1);
                Integer usedRank = RANK.get(top(used));
                if (used.equals(pkg) || usedRank == null) {
                    continue;
                }
                if (top(used).equals(top(pkg))) {
                    if (!isAncestor(used, pkg) && !used.equals(pkg + ".internal")) {
                        violations.add(file + " (" + pkg + ") uses io.ringloop." + used + ", not one of its parents");
                    }
                } else if (usedRank >= rank) {
                    violations.add(file + " (" + pkg + ") uses io.ringloop." + used);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void shouldSeeSubpackages() {
        assertEquals("driver", top("driver.uring"));
        assertTrue(isAncestor("driver", "driver.uring"));
        assertTrue(!isAncestor("driver.epoll", "driver.uring"));
        assertTrue(!isAncestor("driver.uring", "driver"));
        assertTrue(USE.matcher("import io.ringloop.driver.uring.IoUringDriver;").find());
    }

    @Test
    void shouldKeepLinkerAndRawAddressesInSys() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles()) {
            if (top(packageOf(file)).equals("sys")) {
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

    /** The code of a source file: a {@code {@link}} in a comment is documentation, not a dependency. */
    private static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }

    /** The top package of {@code pkg}: {@code driver} for {@code driver.uring}, {@code ""} for the root. */
    private static String top(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    /** True when {@code parent} is {@code pkg}'s parent, grandparent, ... */
    private static boolean isAncestor(String parent, String pkg) {
        return pkg.startsWith(parent + ".");
    }

    private static String packageOf(Path file) {
        Path rel = SOURCES.relativize(file.getParent());
        return rel.toString().replace('/', '.');
    }
}
