package io.ringloop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The distinct bad inputs the bad-input tests try (issue 11's count): each refusal, closed-use or concurrent-use
 * failure, and each out-of-range value that was taken (saturated), as one line: the exception type and its
 * message, or what was taken. What differs only by run (fds, ports, loop numbers, temporary paths) is
 * normalised, so the same input on three backends counts once; each distinct value counts (two negative
 * durations are two inputs). Appended to {@code target/bad-inputs.txt} when the test JVM exits; counted by
 * {@code sort -u ringloop-core/target/bad-inputs.txt | wc -l} (see docs/DESIGN.md).
 */
public final class BadInputs {
    private static final Set<String> TRIED = ConcurrentHashMap.newKeySet();
    private static final Pattern FD = Pattern.compile("fd=\\d+");
    private static final Pattern PORT = Pattern.compile("(127\\.0\\.0\\.1|localhost|0\\.0\\.0\\.0):\\d+");
    private static final Pattern LOOP = Pattern.compile("ringloop-\\d+");
    private static final Pattern TEMP = Pattern.compile("/junit-?\\d+/");

    static {
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(BadInputs::write, "bad-inputs"));
    }

    private BadInputs() {
    }

    /** One input tried: {@code what} names the call and the input (an exception's text names both). */
    public static void tried(String what) {
        String s = FD.matcher(what).replaceAll("fd=#");
        s = PORT.matcher(s).replaceAll("$1:#");
        s = LOOP.matcher(s).replaceAll("ringloop-#");
        TRIED.add(TEMP.matcher(s).replaceAll("/junit-#/").replace('\n', ' '));
    }

    /** A failure the test expected: its type and message. */
    public static void failed(Throwable e) {
        tried(e.getClass().getName() + ": " + e.getMessage());
    }

    private static void write() {
        if (TRIED.isEmpty()) {
            return;
        }
        try {
            Path dir = Path.of("target");
            Files.createDirectories(dir);
            Files.write(dir.resolve("bad-inputs.txt"), new TreeSet<>(TRIED), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
