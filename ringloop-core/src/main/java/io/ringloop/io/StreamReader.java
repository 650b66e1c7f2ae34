package io.ringloop.io;

import io.ringloop.net.ByteStream;
import java.io.EOFException;
import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;

/**
 * A buffered reader over a {@link ByteStream}, for straight-line protocol code in a task: lines, delimited
 * frames, exact counts, peeking, skipping; and {@link InputStream}/{@link ReadableByteChannel} views for
 * existing Java code. Not thread-safe: one task reads at a time.
 *
 * <p><b>Bounded.</b> The buffer starts at {@code bufferBytes} (allocated at the first read) and grows only as
 * far as a call's own limit needs, never past {@code maxWindowBytes}; once emptied it returns to its first size.
 * Every call that must hold a whole frame takes its limit as a parameter, so an endless line is an error, not a
 * memory attack. Frames larger than the window are read with {@link #readExactly(byte[], int, int)} or
 * {@link #skip}, which stream through.
 *
 * <p><b>Views.</b> Calls that return a {@link ByteView} show the bytes in place; the view is valid until this
 * reader's next call. A failed call ({@link FrameTooLongException}, {@link EOFException}, a cancelled read)
 * consumes nothing, so a cancelled {@code readLine} leaves its half line for the next call.
 *
 * <p><b>Flush before waiting.</b> With {@link #flushBeforeRead}, the reader flushes the given writer before it
 * asks the stream for more bytes: responses to every request already buffered (pipelined) leave in one write,
 * as Netty flushes at read-complete.
 */
public final class StreamReader {
    public static final int DEFAULT_BUFFER_BYTES = 8 * 1024;
    public static final int DEFAULT_MAX_WINDOW_BYTES = 1 << 20;
    /** The largest array the JVM makes (the JDK's own soft limit): a buffer or window beyond it could never be. */
    public static final int MAX_BYTES = Integer.MAX_VALUE - 8;
    private static final byte[] EMPTY = new byte[0];
    private static final byte LF = '\n';
    private static final byte CR = '\r';

    private final ByteStream stream;
    private final int bufferBytes;
    private final int maxWindowBytes;
    /** Buffered bytes are {@code buf[start, end)}. */
    private byte[] buf = EMPTY;
    private int start;
    private int end;
    /** Bumped by every call that may move or overwrite buffered bytes; a ByteView of another epoch is stale. */
    long epoch;
    /** The stream returned end of stream; it is not asked again. */
    private boolean eof;
    private Flushable flushBeforeRead;

    /** A reader with an 8 KiB buffer and a 1 MiB window. */
    public StreamReader(ByteStream stream) {
        this(stream, DEFAULT_BUFFER_BYTES, DEFAULT_MAX_WINDOW_BYTES);
    }

    /**
     * A reader whose buffer starts at {@code bufferBytes} and never grows past {@code maxWindowBytes}: the
     * largest line, frame or peek it can hold. Needs {@code 1 <= bufferBytes <= maxWindowBytes <=} {@link #MAX_BYTES}
     * ({@link IllegalArgumentException} otherwise: past it the first large call would fail with an
     * {@code OutOfMemoryError} the JVM throws for any such array).
     */
    public StreamReader(ByteStream stream, int bufferBytes, int maxWindowBytes) {
        this.stream = Objects.requireNonNull(stream, "stream");
        if (bufferBytes < 1 || maxWindowBytes < bufferBytes || maxWindowBytes > MAX_BYTES) {
            throw new IllegalArgumentException("StreamReader: need 1 <= bufferBytes (" + bufferBytes
                    + ") <= maxWindowBytes (" + maxWindowBytes + ") <= " + MAX_BYTES);
        }
        this.bufferBytes = bufferBytes;
        this.maxWindowBytes = maxWindowBytes;
    }

    public ByteStream stream() {
        return stream;
    }

    /** The largest line, frame or peek this reader can hold. */
    public int maxWindowBytes() {
        return maxWindowBytes;
    }

    /** Flushes {@code writer} (null: nothing) each time before the reader asks its stream for more bytes. */
    public void flushBeforeRead(Flushable writer) {
        this.flushBeforeRead = writer;
    }

    /** Bytes buffered now: what can be taken without a system call. */
    public int available() {
        return end - start;
    }

    // ---- in-place framing: show the parser what is buffered, consume what it used ----

    /** A view of every byte buffered now, without reading. */
    public ByteView buffered() {
        epoch++;
        return view(start, end - start);
    }

    /** Drops the first {@code n} buffered bytes (a parser used them). */
    public void consume(int n) {
        Objects.checkIndex(n, end - start + 1);
        epoch++;
        advance(n);
    }

    /**
     * Reads once from the stream, appending to what is buffered: the count read, or -1 at end of stream. Grows
     * the buffer when it is full, up to the window.
     *
     * @throws FrameTooLongException when the window is full (consume bytes first)
     */
    public int fill() throws IOException {
        epoch++;
        if (end - start >= maxWindowBytes) {
            throw new FrameTooLongException("fill: the reader's window of " + maxWindowBytes + " bytes is full",
                    maxWindowBytes);
        }
        return readMore(end - start + 1);
    }

    // ---- frames ----

    /**
     * The next line without its terminator (LF or CRLF), or null at end of stream. A last line without a
     * terminator is returned as it is, as {@link java.io.BufferedReader} does.
     *
     * @param maxLength the longest line accepted, terminator excluded
     * @throws FrameTooLongException when the line is longer (nothing is consumed)
     */
    public ByteView readLine(int maxLength) throws IOException {
        int window = window("readLine", maxLength, 2);
        epoch++;
        int scanned = 0;
        while (true) {
            int avail = end - start;
            int limit = Math.min(avail, window);
            int lf = indexOf(LF, start + scanned, start + limit);
            if (lf >= 0) {
                int len = lf - start;
                int content = len > 0 && buf[lf - 1] == CR ? len - 1 : len;
                if (content > maxLength) {
                    throw tooLong("readLine", maxLength);
                }
                return take(content, len + 1);
            }
            if (avail >= window) {
                throw tooLong("readLine", maxLength);
            }
            scanned = limit;
            if (readMore(window) < 0) {
                if (avail == 0) {
                    return null;
                }
                if (avail > maxLength) {
                    throw tooLong("readLine", maxLength);
                }
                return take(avail, avail);
            }
        }
    }

    /**
     * The bytes before the next {@code delimiter}, which is consumed but not included; null at end of stream
     * with nothing buffered.
     *
     * @param maxLength the longest frame accepted, delimiter excluded
     * @throws FrameTooLongException when no delimiter is within {@code maxLength} bytes (nothing is consumed)
     * @throws EOFException when the stream ends before the delimiter (nothing is consumed)
     */
    public ByteView readUntil(byte delimiter, int maxLength) throws IOException {
        int window = window("readUntil", maxLength, 1);
        epoch++;
        int scanned = 0;
        while (true) {
            int avail = end - start;
            int limit = Math.min(avail, window);
            int at = indexOf(delimiter, start + scanned, start + limit);
            if (at >= 0) {
                return take(at - start, at - start + 1);
            }
            if (avail >= window) {
                throw tooLong("readUntil", maxLength);
            }
            scanned = limit;
            if (readMore(window) < 0) {
                if (avail == 0) {
                    return null;
                }
                throw new EOFException("readUntil: end of stream after " + avail + " bytes without the delimiter");
            }
        }
    }

    /**
     * The next {@code n} bytes without consuming them: fewer only when the stream ends first (none at its end).
     * Reads until that many are buffered.
     */
    public ByteView peek(int n) throws IOException {
        window("peek", n, 0);
        epoch++;
        fillTo(n);
        return view(start, Math.min(n, end - start));
    }

    /**
     * The next {@code n} bytes, consumed.
     *
     * @throws EOFException when the stream ends first (nothing is consumed)
     */
    public ByteView readExactly(int n) throws IOException {
        window("readExactly", n, 0);
        epoch++;
        if (!fillTo(n)) {
            throw new EOFException("readExactly: end of stream with " + (end - start) + " of " + n + " bytes");
        }
        return take(n, n);
    }

    /**
     * Fills {@code dst[off, off+len)}, of any length: buffered bytes first, then large reads straight from the
     * stream into {@code dst}.
     *
     * @throws EOFException when the stream ends first (the bytes copied so far are consumed)
     */
    public void readExactly(byte[] dst, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        int done = 0;
        while (done < len) {
            int n = read(dst, off + done, len - done);
            if (n < 0) {
                throw new EOFException("readExactly: end of stream with " + done + " of " + len + " bytes");
            }
            done += n;
        }
    }

    /**
     * Reads up to {@code len} bytes into {@code dst}: buffered bytes if there are any, else one read (straight
     * into {@code dst} when it is at least as large as the buffer). The count, or -1 at end of stream.
     */
    public int read(byte[] dst, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        epoch++;
        if (len == 0) {
            return 0;
        }
        if (end == start) {
            if (eof) {
                return -1;
            }
            if (len >= Math.max(buf.length, bufferBytes)) {
                flushFirst();
                int n = stream.read(dst, off, len);
                eof = n < 0;
                return n;
            }
            if (readMore(1) < 0) {
                return -1;
            }
        }
        int n = Math.min(len, end - start);
        System.arraycopy(buf, start, dst, off, n);
        advance(n);
        return n;
    }

    /** Reads up to {@code dst.remaining()} bytes into {@code dst}: the count, or -1 at end of stream. */
    public int read(ByteBuffer dst) throws IOException {
        epoch++;
        int len = dst.remaining();
        if (len == 0) {
            return 0;
        }
        if (end == start && readMore(1) < 0) {
            return -1;
        }
        int n = Math.min(len, end - start);
        dst.put(buf, start, n);
        advance(n);
        return n;
    }

    /** The next byte (0 to 255), or -1 at end of stream. */
    public int readByte() throws IOException {
        epoch++;
        if (end == start && readMore(1) < 0) {
            return -1;
        }
        int b = buf[start] & 0xff;
        advance(1);
        return b;
    }

    /** Skips {@code n} bytes, of any count, without holding them: the count skipped, less only at end of stream. */
    public long skip(long n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("skip: negative count " + n);
        }
        epoch++;
        long done = 0;
        while (done < n) {
            if (end == start && readMore(1) < 0) {
                break;
            }
            int step = (int) Math.min(n - done, end - start);
            advance(step);
            done += step;
        }
        return done;
    }

    // ---- views for existing Java code ----

    /**
     * An {@link InputStream} over this reader (it shares the buffer: mix calls freely). Closing it does not close
     * the connection, so a parser that closes its source leaves the connection usable; later reads through it
     * throw.
     */
    public InputStream asInputStream() {
        return new ReaderViews.Input(this);
    }

    /** A {@link ReadableByteChannel} over this reader; closing it does not close the connection. */
    public ReadableByteChannel asChannel() {
        return new ReaderViews.Channel(this);
    }

    // ---- internals ----

    /** Checks a caller's limit against the window: the bytes the call may need to hold. */
    private int window(String call, int limit, int extra) {
        if (limit < 0 || (long) limit + extra > maxWindowBytes) {
            throw new IllegalArgumentException(call + ": limit " + limit + " must be between 0 and the reader's "
                    + "window of " + maxWindowBytes + " bytes" + (extra > 0 ? " less " + extra : ""));
        }
        return limit + extra;
    }

    private FrameTooLongException tooLong(String call, int maxLength) {
        return new FrameTooLongException(call + ": no " + (call.equals("readLine") ? "line end" : "delimiter")
                + " within " + maxLength + " bytes", maxLength);
    }

    /** Reads until {@code n} bytes are buffered: false when the stream ended first. */
    private boolean fillTo(int n) throws IOException {
        while (end - start < n) {
            if (readMore(n) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * One read from the stream into the free tail, after making room so the buffer can hold {@code window}
     * bytes from {@code start} (window <= maxWindowBytes): the count, or -1 at end of stream. A read that throws
     * (cancelled, failed) leaves everything as it was.
     */
    private int readMore(int window) throws IOException {
        if (eof) {
            return -1;
        }
        makeRoom(window);
        flushFirst();
        int n = stream.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
            return -1;
        }
        end += n;
        return n;
    }

    private void flushFirst() throws IOException {
        Flushable f = flushBeforeRead;
        if (f != null) {
            f.flush();
        }
    }

    private void makeRoom(int window) {
        int avail = end - start;
        if (buf.length == 0) {
            buf = new byte[Math.min(maxWindowBytes, Math.max(bufferBytes, window))];
        } else if (buf.length < window) {
            byte[] bigger = new byte[Math.min(maxWindowBytes, Math.max(window, buf.length * 2))];
            System.arraycopy(buf, start, bigger, 0, avail);
            buf = bigger;
            start = 0;
            end = avail;
        } else if (buf.length - start < window || end == buf.length) {
            System.arraycopy(buf, start, buf, 0, avail);
            start = 0;
            end = avail;
        }
    }

    /** Consumes {@code n} bytes; an emptied buffer starts over at offset 0 (and at its first size). */
    private void advance(int n) {
        start += n;
        if (start == end) {
            start = 0;
            end = 0;
            if (buf.length > bufferBytes) {
                buf = new byte[bufferBytes];
            }
        }
    }

    /** A view of the first {@code length} buffered bytes, consuming {@code consumed} of them. */
    private ByteView take(int length, int consumed) {
        ByteView v = view(start, length);
        advance(consumed);
        return v;
    }

    private ByteView view(int from, int length) {
        return new ByteView(buf, from, length, this, epoch);
    }

    private int indexOf(byte b, int from, int to) {
        byte[] a = buf;
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "StreamReader[" + (end - start) + " buffered, buffer " + buf.length + "/" + maxWindowBytes
                + (eof ? ", end of stream" : "") + ", " + stream + "]";
    }
}
