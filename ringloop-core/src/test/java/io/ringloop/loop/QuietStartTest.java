package io.ringloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A program that starts a runtime and runs a task prints nothing of the runtime's own: the backend choice and the
 * task mode are logged at DEBUG, below the JDK logger's default INFO. Its own JVM, so that the once-per-process
 * log lines are not already spent by other tests.
 */
class QuietStartTest {
    @Test
    void shouldStartAndRunATaskWithoutPrintingALine() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("-cp");
        String modulePath = System.getProperty("jdk.module.path");
        cmd.add(System.getProperty("java.class.path") + (modulePath == null ? "" : File.pathSeparator + modulePath));
        cmd.add(Program.class.getName());
        Process p = new ProcessBuilder(cmd).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), err);
        assertEquals("", err, "nothing on stderr");
        assertTrue(out.startsWith("backend "), "only what the program itself printed: " + out);
    }

    /** The child: starts a runtime, runs a task, says which backend (the choice stays visible in metrics()). */
    public static final class Program {
        public static void main(String[] args) throws Exception {
            try (Ringloop rt = Ringloop.builder().threads(1).start()) {
                rt.blockOn(() -> null);
                LoopMetrics m = rt.metrics().total();
                System.out.println("backend " + m.backend() + " (" + m.backendReason() + "), "
                        + m.tasks().finished() + " task");
            }
        }
    }
}
