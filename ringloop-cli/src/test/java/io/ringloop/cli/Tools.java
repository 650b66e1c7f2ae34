package io.ringloop.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * External clients the protocol tests drive (wrk, curl, redis-cli, redis-benchmark): found on the PATH, or the
 * test is skipped with one line saying what to install (.ci/run installs them for CI).
 */
public final class Tools {
    /** What a finished tool printed (stdout and stderr together) and its exit code. */
    public record Run(int exitCode, String output) {
    }

    private Tools() {
    }

    /** Skips the calling test unless {@code tool} is on the PATH. */
    public static void require(String tool, String debianPackage) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= new File(dir, tool).canExecute();
        }
        Assumptions.assumeTrue(found, tool + " is not installed: apt-get install " + debianPackage);
    }

    /** Runs {@code command}, feeding it {@code stdin} (null: none), for at most {@code timeoutS} seconds. */
    public static Run run(List<String> command, String stdin, long timeoutS) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(); // until the tool exits (or is killed below)
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutS + " s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
