package io.ringloop.cli.wire;

import java.io.IOException;

/**
 * Where a protocol server writes its answers, whichever style serves the connection: a {@link WriterSink} over the
 * task's {@link io.ringloop.io.StreamWriter}, or a loop's {@link FrameSink} queued on a framing connection.
 */
public interface Sink {
    /** Appends {@code b}. */
    void write(byte[] b) throws IOException;

    /** Appends {@code b[off, off+len)}. */
    void write(byte[] b, int off, int len) throws IOException;

    /** Appends one byte. */
    void writeByte(int b) throws IOException;

    /** Appends {@code value} in decimal ASCII. */
    void writeDecimal(long value) throws IOException;

    /** Appends {@code text}, one byte per char (ASCII). */
    void writeAscii(CharSequence text) throws IOException;

    /** Sends what is written so far (an interim answer such as HTTP's 100 Continue). */
    void flush() throws IOException;
}
