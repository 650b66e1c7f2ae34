package io.ringloop.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command line that could not be understood (unknown option, a value that is no number, out of range or no
 * backend name) is reported on one line of stderr, {@code ringloop echo: --port must be 0..65535, got 70000},
 * and the exit code is picocli's usage code, 2. No stack trace and no usage page: {@code --help} has that.
 * {@code ringloop bench} (module ringloop-bench) uses it too.
 */
public final class OneLineUsageErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException failure, String[] args) {
        CommandLine commandLine = failure.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + describe(failure));
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The failure's message on one line, with picocli's suggestions for a mistyped option or command. */
    static String describe(ParameterException failure) {
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        if (failure instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += " (did you mean " + String.join(" or ", suggestions) + "?)";
            }
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
