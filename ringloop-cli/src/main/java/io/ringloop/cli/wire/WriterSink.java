package io.ringloop.cli.wire;

import io.ringloop.io.StreamWriter;
import java.io.IOException;

/** The task style's {@link Sink}: the connection's {@link StreamWriter}. */
public final class WriterSink implements Sink {
    private final StreamWriter writer;

    /** Writes into {@code writer}. */
    public WriterSink(StreamWriter writer) {
        this.writer = writer;
    }

    @Override
    public void write(byte[] b) throws IOException {
        writer.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        writer.write(b, off, len);
    }

    @Override
    public void writeByte(int b) throws IOException {
        writer.writeByte(b);
    }

    @Override
    public void writeDecimal(long value) throws IOException {
        writer.writeDecimal(value);
    }

    @Override
    public void writeAscii(CharSequence text) throws IOException {
        writer.writeAscii(text);
    }

    @Override
    public void flush() throws IOException {
        writer.flush();
    }
}
