package io.ringloop.cli.kv;

import io.ringloop.io.ByteView;
import io.ringloop.io.FrameTooLongException;
import io.ringloop.io.StreamReader;
import java.io.EOFException;
import java.io.IOException;

/**
 * Reads RESP2 commands (multibulk {@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n} and inline {@code GET k\r\n}) from a
 * {@link StreamReader} into a {@link RespCommand}. Separate from the connection: it only frames.
 *
 * <p>A protocol error is returned, not thrown, after the parser has resynchronised on the stream, so the
 * connection answers it and carries on: a malformed line is dropped whole; a bulk over the limit has its
 * declared payload skipped (streamed, never held) and the rest of its command too. Limits as Redis: inline
 * commands 64 KiB, 1M arguments, bulks {@code maxBulkBytes} (512 MiB by default).
 */
final class RespParser {
    static final int COMMAND = 1;
    static final int END = 0;
    static final int PROTOCOL_ERROR = -1;
    static final int MAX_INLINE = 64 * 1024;
    static final int MAX_ARGS = 1024 * 1024;
    /** Longest {@code *N} or {@code $N} line: a sign and 19 digits, with room to spare. */
    private static final int MAX_HEADER_LINE = 32;

    private final StreamReader reader;
    private final long maxBulkBytes;
    /** The last protocol error's message (a RESP error line without '-'). */
    String error;

    RespParser(StreamReader reader, long maxBulkBytes) {
        this.reader = reader;
        this.maxBulkBytes = maxBulkBytes;
    }

    /** The reader's window must hold an inline command and its CRLF. */
    static int window() {
        return MAX_INLINE + 2;
    }

    /**
     * Reads the next command into {@code c}: {@link #COMMAND} (argc may be 0 for an empty line), {@link #END}
     * at end of stream, or {@link #PROTOCOL_ERROR} with {@link #error} set.
     *
     * @throws EOFException when the stream ends inside a command
     */
    int read(RespCommand c) throws IOException {
        c.reset();
        ByteView line;
        try {
            line = reader.readLine(MAX_INLINE);
        } catch (FrameTooLongException e) {
            skipLine();
            return protocolError("too big inline request");
        }
        if (line == null) {
            return END;
        }
        if (line.isEmpty() || line.get(0) != '*') {
            return inline(line, c);
        }
        long count = number(line);
        if (count > MAX_ARGS || count == Long.MIN_VALUE) {
            return protocolError("invalid multibulk length");
        }
        String failure = null;
        for (long i = 0; i < count; i++) {
            String f = bulk(c, failure != null);
            failure = failure == null ? f : failure;
            if (f != null && f.startsWith("expected")) {
                return protocolError(failure); // not a bulk at all: the rest of the command is lost in the stream
            }
        }
        return failure == null ? COMMAND : protocolError(failure);
    }

    /** One {@code $N\r\n<N bytes>\r\n} element: null, or the protocol error (its bytes skipped). */
    private String bulk(RespCommand c, boolean discard) throws IOException {
        ByteView header;
        try {
            header = reader.readLine(MAX_HEADER_LINE);
        } catch (FrameTooLongException e) {
            skipLine();
            return "invalid bulk length";
        }
        if (header == null) {
            throw new EOFException("RESP: end of stream inside a command");
        }
        if (header.isEmpty() || header.get(0) != '$') {
            return "expected '$', got '" + (header.isEmpty() ? "" : (char) (header.get(0) & 0xff)) + "'";
        }
        long n = number(header);
        if (n < 0) {
            return "invalid bulk length";
        }
        if (n > maxBulkBytes || discard) {
            skipExactly(n + 2);
            return n > maxBulkBytes ? "invalid bulk length" : null;
        }
        c.beginArg();
        long left = n;
        while (left > 0) { // in steps, so memory follows the bytes that arrive, not the length announced
            int step = (int) Math.min(left, Math.max(64 * 1024, c.used));
            c.reserve(step);
            reader.readExactly(c.arena, c.used, step);
            c.used += step;
            left -= step;
        }
        c.endArg();
        ByteView end;
        try {
            end = reader.readLine(0);
        } catch (FrameTooLongException e) {
            skipLine();
            return "expected CRLF after a bulk of " + n + " bytes";
        }
        if (end == null) {
            throw new EOFException("RESP: end of stream inside a command");
        }
        return null;
    }

    /** An inline command: arguments separated by spaces or tabs. */
    private int inline(ByteView line, RespCommand c) {
        int i = 0;
        int len = line.length();
        c.reserve(len);
        while (i < len) {
            while (i < len && (line.get(i) == ' ' || line.get(i) == '\t')) {
                i++;
            }
            if (i == len) {
                break;
            }
            c.beginArg();
            while (i < len && line.get(i) != ' ' && line.get(i) != '\t') {
                c.arena[c.used++] = line.get(i++);
            }
            c.endArg();
        }
        return COMMAND;
    }

    /** The number after the type byte ({@code *N} or {@code $N}); Long.MIN_VALUE when malformed. */
    private static long number(ByteView line) {
        try {
            return line.length() > 1 ? line.slice(1, line.length()).parseLong() : Long.MIN_VALUE;
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    private void skipExactly(long n) throws IOException {
        if (reader.skip(n) < n) {
            throw new EOFException("RESP: end of stream inside a bulk");
        }
    }

    /** Discards up to and including the next LF, however far. */
    private void skipLine() throws IOException {
        while (true) {
            ByteView buffered = reader.buffered();
            int lf = buffered.indexOf((byte) '\n');
            if (lf >= 0) {
                reader.consume(lf + 1);
                return;
            }
            reader.consume(buffered.length());
            if (reader.fill() < 0) {
                throw new EOFException("RESP: end of stream inside a line");
            }
        }
    }

    private int protocolError(String message) {
        error = "ERR Protocol error: " + message;
        return PROTOCOL_ERROR;
    }
}
