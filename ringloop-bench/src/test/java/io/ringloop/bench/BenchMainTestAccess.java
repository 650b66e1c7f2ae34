package io.ringloop.bench;

/** Lets tests in other packages run the command line as {@code ./ringloop bench} does. */
public final class BenchMainTestAccess {
    private BenchMainTestAccess() {
    }

    /** {@code ./ringloop bench args}: its exit code. */
    public static int execute(String... args) {
        return BenchMain.commandLine().execute(args);
    }
}
