package io.ringloop.cli;

import io.ringloop.loop.Backend;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --backend NAME}: whatever {@link Backend#parse} accepts. Its refusal becomes picocli's usage error
 * (one line, exit code 2) rather than an execution failure.
 */
final class BackendConverter implements ITypeConverter<Backend> {
    @Override
    public Backend convert(String name) {
        try {
            return Backend.parse(name);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
