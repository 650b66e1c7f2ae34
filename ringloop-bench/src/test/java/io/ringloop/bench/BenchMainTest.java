package io.ringloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.bench.run.Scenario;
import io.ringloop.bench.run.ZeroCopySweep;
import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.sys.uring.IoUring;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * The whole pipeline once, as small as it gets: one server JVM, one generator JVM, one short window, then
 * results.json, report.html and the charts. Asserts what was produced, not how fast.
 */
final class BenchMainTest {

    @Test
    void shouldRunOnePointEndToEndAndWriteTheReport(@TempDir Path out) throws Exception {
        int status = BenchMain.commandLine().execute("--servers", "jdk-nio", "--scenarios", "latency",
                "--warmup", "0.2", "--duration", "0.5", "--out", out.toString());
        assertEquals(0, status);
        Path dir;
        try (Stream<Path> runs = Files.list(out)) {
            List<Path> all = runs.toList();
            assertEquals(1, all.size());
            dir = all.getFirst();
        }
        String json = Files.readString(dir.resolve("results.json"));
        assertTrue(json.contains("\"status\": \"ok\""), json);
        assertTrue(json.contains("\"errors\": 0"), json);
        assertTrue(json.contains("\"serverCpuUsPerMsg\""), json);
        assertTrue(Files.readString(dir.resolve("report.html")).contains("latency-latency.png"));
        assertTrue(Files.size(dir.resolve("throughput-latency.svg")) > 0);
    }

    @Test
    void shouldRejectUnknownServers(@TempDir Path out) {
        int status = BenchMain.commandLine().execute("--servers", "nope", "--out", out.toString());
        assertEquals(2, status);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --micro-forks -1   | ringloop bench: --micro-forks must be >= 0, got -1
            --fixed-rate 0     | ringloop bench: --fixed-rate must be >= 1, got 0
            --duration soon    | ringloop bench: Invalid value for option '--duration': 'soon' is not a double
            --repeat x         | ringloop bench: Invalid value for option '--repeat': 'x' is not an int
            --nope             | ringloop bench: Unknown option: '--nope' (did you mean --no-pin?)
            """)
    void shouldRefuseUnusableCommandLineOnOneLine(String args, String expected, @TempDir Path out) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = BenchMain.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args.split(" ")));
        all.addAll(List.of("--out", out.toString()));

        int status = commandLine.execute(all.toArray(String[]::new));

        assertEquals(List.of(expected), err.toString().lines().toList());
        assertEquals(BenchMain.EXIT_USAGE, status);
    }

    @Test
    void shouldKeepTheZeroCopySweepOutOfTheQuickRunButInTheFullOne() {
        List<Scenario> all = Scenario.all(1000);
        BenchMain quick = new BenchMain();
        new CommandLine(quick).parseArgs();
        assertEquals(Scenario.quickNames(), quick.scenarioNames(all));
        BenchMain full = new BenchMain();
        new CommandLine(full).parseArgs("--full");
        assertTrue(full.scenarioNames(all).contains(ZeroCopySweep.NAME), full.scenarioNames(all).toString());
        BenchMain asked = new BenchMain();
        new CommandLine(asked).parseArgs("--scenarios", "rate, zerocopy", "--zero-copy-sizes", "8,32");
        assertEquals(List.of("rate", ZeroCopySweep.NAME), asked.scenarioNames(all));
        assertEquals(List.of(8, 32), asked.zeroCopySizesKib);
    }

    @Test
    void shouldRejectZeroCopySizesThatAreNotAscendingKib(@TempDir Path out) {
        assertEquals(2, BenchMain.commandLine().execute("--scenarios", "zerocopy",
                "--zero-copy-sizes", "64,16", "--out", out.toString()));
        assertEquals(2, BenchMain.commandLine().execute("--scenarios", "zerocopy",
                "--zero-copy-sizes", "64k", "--out", out.toString()));
    }

    /** The sweep through the real echo: the kernel must have counted zero-copy sends in the SEND_ZC run only. */
    @Test
    void shouldRunTheZeroCopySweepAndSeeTheKernelSendZeroCopy(@TempDir Path out) throws Exception {
        assumeTrue(IoUringDriver.unusableReason() == null, "io_uring unusable here");
        try (IoUringDriver probe = new IoUringDriver(8)) {
            assumeTrue(probe.supports(IoUring.OP_SEND_ZC), "kernel lacks IORING_OP_SEND_ZC");
        }
        int status = BenchMain.commandLine().execute("--scenarios", "zerocopy", "--zero-copy-sizes", "64",
                "--warmup", "0.2", "--duration", "0.5", "--out", out.toString());
        assertEquals(0, status);
        Path dir;
        try (Stream<Path> runs = Files.list(out)) {
            dir = runs.toList().getFirst();
        }
        String json = Files.readString(dir.resolve("results.json"));
        assertTrue(json.contains("\"verdict\": "), json);
        assertTrue(json.contains("--zero-copy-kib"), json);
        // About one zero-copy send per 64 KiB message; the copying echo's one CQE per SQE is the control.
        assertTrue(number(json, "zeroCopySendsPerMsg") > 0.5, json);
        assertTrue(Math.abs(number(json, "copyExtraCqesPerMsg")) < 0.01, json);
        assertTrue(Files.readString(dir.resolve("report.html")).contains("throughput-zerocopy.png"));
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.Ee]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }
}
