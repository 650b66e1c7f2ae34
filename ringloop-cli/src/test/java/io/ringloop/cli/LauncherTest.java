package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the fast checks of {@code src/test/sh/launcher_test.sh} (JDK discovery, the no-JDK message, bench
 * routing) one by one, so {@code ./ringloop test} covers the launcher. They use fake JDKs and never build.
 * The slow checks on a fresh clone are {@code launcher_test.sh --full}, run by hand.
 */
@EnabledOnOs(OS.LINUX)
final class LauncherTest {

    private static final Path SCRIPT = Path.of("src", "test", "sh", "launcher_test.sh").toAbsolutePath();
    /** Each check takes well under a second; this bound only stops a hung script from hanging the build. */
    private static final long CHECK_TIMEOUT_SECONDS = 60;

    static List<String> checks() throws IOException, InterruptedException {
        Result listed = runScript("--list");
        assertEquals(0, listed.exitCode(), listed.output());
        List<String> names = listed.output().lines().filter(line -> !line.isBlank()).toList();
        assertFalse(names.isEmpty(), "launcher_test.sh --list named no checks");
        return names;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checks")
    void shouldPassLauncherCheck(String check) throws IOException, InterruptedException {
        Result result = runScript(check);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("ok   " + check), result.output());
    }

    private static Result runScript(String argument) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(SCRIPT), "missing " + SCRIPT);
        Process process = new ProcessBuilder("bash", SCRIPT.toString(), argument)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        // The script's output is small; reading it all before waiting cannot deadlock on a full pipe.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(CHECK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("launcher_test.sh " + argument + " did not finish: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {}
}
