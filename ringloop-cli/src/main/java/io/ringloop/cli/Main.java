package io.ringloop.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Interim entry point (the launcher branch brings the real one). */
@Command(name = "ringloop", subcommands = {EchoCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
