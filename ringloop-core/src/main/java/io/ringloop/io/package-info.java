/**
 * Buffered I/O over any ringloop byte stream ({@link io.ringloop.net.ByteStream}: TCP today, TLS and Unix
 * streams later), for protocol code written straight-line in a task.
 *
 * <p>{@link io.ringloop.io.StreamReader} reads lines (LF or CRLF), delimited frames, exact counts; peeks and
 * skips; and shows the buffered bytes in place ({@link io.ringloop.io.StreamReader#buffered()},
 * {@link io.ringloop.io.StreamReader#consume}, {@link io.ringloop.io.StreamReader#fill()}) for parsers that
 * frame by themselves. {@link io.ringloop.io.StreamWriter} buffers writes until an explicit flush and gathers a
 * large write with what is buffered. Both have {@code InputStream}/{@code OutputStream} and channel views, so
 * existing Java code ({@code java.util.zip}, a JSON parser) reads and writes a connection from a task.
 *
 * <p>Invariants:
 * <ul>
 *   <li><b>Bounded.</b> Every call that holds a frame takes its limit as a parameter, checked against the
 *       reader's window (default 1 MiB); buffers are allocated at first use, grow only to a call's limit, and
 *       shrink back once empty. A frame over its limit is a {@link io.ringloop.io.FrameTooLongException}.</li>
 *   <li><b>Views are valid for one call.</b> A {@link io.ringloop.io.ByteView} from a reader throws once the
 *       reader has been called again (an epoch check), so a stored view cannot silently show other bytes.</li>
 *   <li><b>A failed call consumes nothing.</b> Too long, end of stream, or a cancelled (interrupted) read leave
 *       the buffered bytes for the next call: the driver never loses a received byte, and neither does this.</li>
 *   <li><b>Flush before waiting.</b> A reader given its writer ({@code flushBeforeRead}) flushes it before
 *       each read from the stream, so pipelined requests get their responses in one write (Netty flushes at
 *       read-complete the same way).</li>
 * </ul>
 *
 * <p>References: Go's {@code bufio.Reader} ({@code ReadSlice}, {@code Peek}), tokio-util's {@code LinesCodec}
 * (a maximum line length as a required guard), Helidon's {@code DataReader} ({@code findNewLine(max)}).
 */
package io.ringloop.io;
