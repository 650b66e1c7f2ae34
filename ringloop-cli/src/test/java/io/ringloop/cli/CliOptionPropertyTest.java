package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.loop.Backend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import picocli.CommandLine;

/**
 * {@code ringloop echo --port P --threads T} through {@link Main}'s command line: every value out of range is
 * one line on stderr and exit code 2; every value in range is taken exactly. Valid command lines are parsed
 * and checked without running the server (the execution strategy returns 0 without calling it). Each try
 * builds the whole command line afresh, as a run of the program does: 200 tries keep the suite quick.
 */
final class CliOptionPropertyTest {

    @Property(tries = 200)
    void shouldRejectEveryPortOutsideItsRange(@ForAll("portsOutOfRange") int port) {
        CliBadInputTest.Run run = CliBadInputTest.Run.of("echo", "--port", Integer.toString(port));

        assertEquals(List.of("ringloop echo: --port must be 0..65535, got " + port), run.errLines());
        assertEquals(CommandLine.ExitCode.USAGE, run.exitCode());
    }

    @Property(tries = 200)
    void shouldRejectEveryThreadCountBelowOne(@ForAll @IntRange(min = Integer.MIN_VALUE, max = 0) int threads) {
        CliBadInputTest.Run run = CliBadInputTest.Run.of("echo", "--threads", Integer.toString(threads));

        assertEquals(List.of("ringloop echo: --threads must be >= 1, got " + threads), run.errLines());
        assertEquals(CommandLine.ExitCode.USAGE, run.exitCode());
    }

    @Property(tries = 200)
    void shouldTakeEveryValidPortAndThreadCountExactly(@ForAll @IntRange(min = 0, max = 65535) int port,
            @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int threads,
            @ForAll("backendSpellings") String backend) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionStrategy(parsed -> 0); // parse and check only: no server starts

        int exitCode = commandLine.execute("echo", "--port", Integer.toString(port), "--threads",
                Integer.toString(threads), "--backend", backend);

        EchoCommand echo = commandLine.getSubcommands().get("echo").getCommand();
        assertEquals("", err.toString());
        assertEquals(0, exitCode);
        assertEquals(port, echo.port);
        assertEquals(threads, echo.threads);
        assertEquals(BackendParsePropertyTest.expected(backend), echo.backend);
    }

    @Provide
    Arbitrary<Integer> portsOutOfRange() {
        return Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(-1), Arbitraries.integers().greaterOrEqual(65536));
    }

    @Provide
    Arbitrary<String> backendSpellings() {
        return BackendParsePropertyTest.caseVariantsOfValidNames();
    }

    @Property(tries = 20)
    void shouldDefaultToAutoWhenNoBackendIsNamed(@ForAll @IntRange(min = 0, max = 65535) int port) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setExecutionStrategy(parsed -> 0);

        assertEquals(0, commandLine.execute("echo", "--port", Integer.toString(port)));

        EchoCommand echo = commandLine.getSubcommands().get("echo").getCommand();
        assertEquals(Backend.AUTO, echo.backend);
        assertEquals(1, echo.threads);
    }
}
