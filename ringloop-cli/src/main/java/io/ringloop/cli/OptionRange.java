package io.ringloop.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Range checks for numeric options, called from their setters while picocli parses: a value out of range is a
 * usage error ({@code --port must be 0..65535, got 70000}, exit code 2), found before anything starts.
 */
final class OptionRange {
    private OptionRange() {
    }

    /** {@code value} if {@code min <= value <= max}, else a usage error of {@code spec}'s command. */
    static int between(CommandSpec spec, String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(),
                    option + " must be " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    /** {@code value} if {@code value >= min}, else a usage error of {@code spec}'s command. */
    static int atLeast(CommandSpec spec, String option, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be >= " + min + ", got " + value);
        }
        return value;
    }
}
