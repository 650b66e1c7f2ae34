package io.ringloop.io;

import io.ringloop.net.ByteStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A buffered writer over a {@link ByteStream}: writes collect in a bounded buffer and leave on {@link #flush()}
 * (or when the buffer is full), so a protocol can answer many requests and send the answers in one system call.
 * Not thread-safe: one task writes at a time.
 *
 * <p><b>Gathering.</b> A write too large for the free space, while bytes are buffered, goes out together with
 * them in one gathering write when that saves a call: always for native memory, and for heap memory when both
 * fit one call ({@value #GATHER_MAX_BYTES} bytes, the drivers' staging size). Otherwise the buffer is flushed
 * and the large write goes straight to the stream, never through the buffer.
 *
 * <p>A failed write discards what was buffered (the connection is broken) and throws; nothing fails silently.
 */
public final class StreamWriter implements Flushable {
    public static final int DEFAULT_BUFFER_BYTES = 8 * 1024;
    /** A heap gather larger than this would be cut into several calls by the drivers' native staging. */
    static final int GATHER_MAX_BYTES = 64 * 1024;
    private static final byte[] EMPTY = new byte[0];
    /** Long.MIN_VALUE has 20 characters; 19 digits and a sign at most for the rest. */
    private static final int MAX_DECIMAL_CHARS = 20;

    private final ByteStream stream;
    private final int bufferBytes;
    private byte[] buf = EMPTY;
    private int count;

    /** A writer with an 8 KiB buffer. */
    public StreamWriter(ByteStream stream) {
        this(stream, DEFAULT_BUFFER_BYTES);
    }

    /**
     * A writer whose buffer holds {@code bufferBytes} (allocated at the first write): at least 20 (a decimal
     * {@code long} fits) and at most {@link StreamReader#MAX_BYTES}, else {@link IllegalArgumentException}.
     */
    public StreamWriter(ByteStream stream, int bufferBytes) {
        this.stream = Objects.requireNonNull(stream, "stream");
        if (bufferBytes < MAX_DECIMAL_CHARS || bufferBytes > StreamReader.MAX_BYTES) {
            throw new IllegalArgumentException("StreamWriter: bufferBytes " + bufferBytes + " not within "
                    + MAX_DECIMAL_CHARS + ".." + StreamReader.MAX_BYTES);
        }
        this.bufferBytes = bufferBytes;
    }

    public ByteStream stream() {
        return stream;
    }

    /** Bytes written but not yet flushed. */
    public int buffered() {
        return count;
    }

    /** Makes room for {@code n} bytes (n <= bufferBytes), flushing if they do not fit. */
    private void reserve(int n) throws IOException {
        if (buf.length == 0) {
            buf = new byte[bufferBytes];
        }
        if (count + n > buf.length) {
            flush();
        }
    }

    public void writeByte(int b) throws IOException {
        reserve(1);
        buf[count++] = (byte) b;
    }

    public void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > bufferBytes - count) {
            if (len >= bufferBytes) {
                if (count > 0 && count + len <= GATHER_MAX_BYTES) {
                    gather(MemorySegment.ofArray(b).asSlice(off, len));
                } else {
                    flush();
                    stream.writeAll(b, off, len);
                }
                return;
            }
            flush();
        }
        reserve(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    /** Copies the bytes of {@code view} (valid at the call). */
    public void write(ByteView view) throws IOException {
        write(view.array(), view.offset(), view.length());
    }

    /** Writes {@code src}'s remaining bytes; its position advances past them. */
    public void write(ByteBuffer src) throws IOException {
        int len = src.remaining();
        if (src.hasArray()) {
            write(src.array(), src.arrayOffset() + src.position(), len);
        } else {
            write(MemorySegment.ofBuffer(src));
        }
        src.position(src.position() + len);
    }

    /** Writes all of {@code src}; native memory too large for the buffer is gathered, never copied. */
    public void write(MemorySegment src) throws IOException {
        long len = src.byteSize();
        if (len > bufferBytes - count) {
            if (len >= bufferBytes) {
                if (count > 0 && (src.isNative() || count + len <= GATHER_MAX_BYTES)) {
                    gather(src);
                } else {
                    flush();
                    stream.writeAll(src);
                }
                return;
            }
            flush();
        }
        reserve((int) len);
        MemorySegment.copy(src, 0, MemorySegment.ofArray(buf), count, len);
        count += (int) len;
    }

    /** One gathering write of the buffer and {@code src}. */
    private void gather(MemorySegment src) throws IOException {
        int n = count;
        count = 0; // a failure discards the buffer: the stream is broken
        stream.writeAll(MemorySegment.ofArray(buf).asSlice(0, n), src);
    }

    /**
     * Writes {@code text}, one byte per char.
     *
     * @throws IllegalArgumentException for a char above 0x7F (encode other text with {@link #writeUtf8})
     */
    public void writeAscii(CharSequence text) throws IOException {
        int len = text.length();
        int i = 0;
        while (i < len) {
            reserve(1);
            int n = Math.min(len - i, buf.length - count);
            for (int j = 0; j < n; j++) {
                char c = text.charAt(i + j);
                if (c > 0x7F) {
                    throw new IllegalArgumentException("writeAscii: char " + (int) c + " at " + (i + j)
                            + " is not ASCII");
                }
                buf[count + j] = (byte) c;
            }
            count += n;
            i += n;
        }
    }

    /** Writes {@code text} encoded as UTF-8. */
    public void writeUtf8(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code value} in decimal ASCII, allocating nothing. */
    public void writeDecimal(long value) throws IOException {
        reserve(MAX_DECIMAL_CHARS);
        if (value == Long.MIN_VALUE) {
            writeAscii("-9223372036854775808");
            return;
        }
        if (value < 0) {
            buf[count++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        for (int i = count + digits - 1; i >= count; i--) {
            buf[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        count += digits;
    }

    /** Sends everything buffered. */
    @Override
    public void flush() throws IOException {
        int n = count;
        if (n == 0) {
            return;
        }
        count = 0; // a failure discards the buffer: the stream is broken
        stream.writeAll(buf, 0, n);
    }

    /**
     * An {@link OutputStream} over this writer (same buffer: mix calls freely). Its {@code flush} flushes this
     * writer; its {@code close} flushes and closes only the view, not the connection.
     */
    public OutputStream asOutputStream() {
        return new WriterViews.Output(this);
    }

    /** A {@link WritableByteChannel} over this writer; writes are buffered, close flushes, the connection stays. */
    public WritableByteChannel asChannel() {
        return new WriterViews.Channel(this);
    }

    @Override
    public String toString() {
        return "StreamWriter[" + count + " buffered of " + bufferBytes + ", " + stream + "]";
    }
}
