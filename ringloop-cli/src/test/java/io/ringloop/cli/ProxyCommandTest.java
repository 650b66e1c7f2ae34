package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.cli.proxy.ProxyCommand;
import io.ringloop.net.CopyMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code ringloop proxy}'s command line: what it parses to, and one usage line (exit code 2, nothing started)
 * for what it cannot take.
 */
final class ProxyCommandTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --listen 0 --to localhost:7000                      | localhost | 7000  | AUTO
            --listen 8080 --to 127.0.0.1:1 --copy splice        | 127.0.0.1 | 1     | SPLICE
            --listen 8080 --to [::1]:65535 --copy MEMORY        | ::1       | 65535 | MEMORY
            --to example.org:80 --listen 1 --threads 2          | example.org | 80  | AUTO
            """)
    void shouldParseTargetAndMode(String args, String host, int port, CopyMode mode) {
        ProxyCommand command = new ProxyCommand();
        new CommandLine(command).parseArgs(args.trim().split(" +"));
        assertEquals(List.of(host, port, mode), command.target());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            proxy --listen 70000 --to a:1       | ringloop proxy: --listen must be 0..65535, got 70000
            proxy --listen 1 --to a             | ringloop proxy: --to: expected HOST:PORT, got 'a'
            proxy --listen 1 --to :80           | ringloop proxy: --to: expected HOST:PORT, got ':80'
            proxy --listen 1 --to ::1:80        | ringloop proxy: --to: expected HOST:PORT, got '::1:80'
            proxy --listen 1 --to a:0           | ringloop proxy: --to port must be 1..65535, got 0
            proxy --listen 1 --to a:65536       | ringloop proxy: --to port must be 1..65535, got 65536
            proxy --listen 1 --to a:http        | ringloop proxy: --to: 'http' is not a port
            proxy --listen 1 --to a:1 --copy x  | ringloop proxy: --copy: expected auto, memory or splice, got 'x'
            proxy --listen 1 --to a:1 --buffer-kib 0 | ringloop proxy: --buffer-kib must be 1..16384, got 0
            proxy --listen 1 --to a:1 --threads 0 | ringloop proxy: --threads must be >= 1, got 0
            proxy --listen 1                    | ringloop proxy: Missing required option: '--to=HOST:PORT'
            proxy --to a:1                      | ringloop proxy: Missing required option: '--listen=PORT'
            """)
    void shouldRejectBadInputOnOneLine(String args, String expected) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args.trim().split(" +"));
        assertEquals(List.of(expected), err.toString().lines().toList(), args);
        assertEquals("", out.toString());
        assertEquals(CommandLine.ExitCode.USAGE, exitCode);
    }
}
