package io.ringloop.cli.kv;

import io.ringloop.cli.wire.Bytes;

/**
 * Parses RESP2 commands (multibulk {@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n} and inline {@code GET k\r\n}) into a
 * {@link RespCommand}, shown the bytes received so far: a push parser, the same for both styles (the task style
 * shows it its reader's buffer and fills on {@link #NEED_MORE}; the framing style the loop's receive memory in
 * place). Each call answers {@link #COMMAND}, {@link #PROTOCOL_ERROR} or {@link #NEED_MORE}, and sets
 * {@link #consumed} (bytes to drop from the front) and, when it needs more, {@link #need}.
 *
 * <p><b>Whole commands, in place.</b> A command's bytes are consumed only once it is whole, so a partial command
 * stays with the connection (the server's read timeout sees it); the scan resumes where it stopped ({@link #pos},
 * valid because nothing before it was dropped). A command longer than {@link #COMMIT_BYTES} is committed at an
 * argument's end, and a bulk longer than {@link #STREAM_BYTES} is streamed into the command's arena as it arrives,
 * so what is held unconsumed stays under {@link #window()}.
 *
 * <p><b>Errors resynchronise</b>, as the task parser did, so the connection answers and carries on: a malformed
 * line is dropped whole; a bulk over {@code maxBulkBytes} has its declared payload skipped as it arrives (never
 * held) and the rest of its command too. Limits as Redis: inline commands 64 KiB, 1M arguments, bulks
 * {@code maxBulkBytes} (512 MiB by default).
 */
final class RespParser {
    static final int COMMAND = 1;
    static final int NEED_MORE = 0;
    static final int PROTOCOL_ERROR = -1;
    static final int MAX_INLINE = 64 * 1024;
    static final int MAX_ARGS = 1024 * 1024;
    /** Longest {@code *N} or {@code $N} line: a sign and 19 digits, with room to spare. */
    private static final int MAX_HEADER_LINE = 32;
    /** A command held unconsumed past this is committed at its next argument boundary. */
    static final int COMMIT_BYTES = 16 * 1024;
    /** A bulk longer than this is streamed into the arena as it arrives instead of waited for whole. */
    static final int STREAM_BYTES = 64 * 1024;
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    /** A helper's answer: go on with the state now in {@link #mode} (distinct from the three results). */
    private static final int CONTINUE = 2;

    /** Between commands. */
    private static final int START = 0;
    /** Inside a multibulk: {@link #argsLeft} arguments to go. */
    private static final int ARGS = 1;
    /** Copying a long bulk's payload: {@link #left} bytes to go, then its CRLF. */
    private static final int STREAM = 2;
    /** The CRLF after a streamed bulk of {@link #bulkLength} bytes. */
    private static final int BULK_END = 3;
    /** Skipping {@link #left} bytes (an oversized bulk and its CRLF), then the next argument. */
    private static final int SKIP = 4;
    /** Dropping everything up to the next LF, then {@link #afterSkipLine}. */
    private static final int SKIP_LINE = 5;

    private final long maxBulkBytes;
    /** The last protocol error's message (a RESP error line without '-'). */
    String error;
    /** Bytes the caller drops from the front after this call. */
    int consumed;
    /** After {@link #NEED_MORE} with nothing consumed: bytes (from the front) needed before calling again; 0: any. */
    int need;
    private int mode = START;
    /** Where the scan resumes in the unconsumed bytes. */
    private int pos;
    private long argsLeft;
    private long left;
    private long bulkLength;
    /** The command's first failure; its remaining arguments are skipped. */
    private String failure;
    /** After SKIP_LINE: true to go on with the arguments, false to end the command with {@link #failure}. */
    private boolean afterSkipLine;

    RespParser(long maxBulkBytes) {
        this.maxBulkBytes = maxBulkBytes;
    }

    /** The most bytes the parser leaves unconsumed: what a reader's window or a frame must hold. */
    static int window() {
        return Math.max(MAX_INLINE + 2, COMMIT_BYTES + MAX_HEADER_LINE + 2 + STREAM_BYTES + 2) + 1024;
    }

    /** True while a command is partly parsed (the stream may not end here). */
    boolean inCommand() {
        return mode != START || pos > 0;
    }

    /** Parses from the front of {@code in}: see the class comment. */
    int parse(Bytes in, RespCommand c) {
        need = 0;
        int r = step(in, c);
        boolean done = r != NEED_MORE;
        if (done || mode == STREAM || mode == SKIP || mode == SKIP_LINE || mode == BULK_END || pos > COMMIT_BYTES) {
            consumed = pos;
            need = need > 0 ? need - pos : 0;
            pos = 0;
            if (done) {
                mode = START;
            }
        } else {
            consumed = 0;
        }
        return r;
    }

    private int step(Bytes in, RespCommand c) {
        int len = in.length();
        while (true) {
            switch (mode) {
                case START -> {
                    int r = first(in, len, c);
                    if (r != CONTINUE) {
                        return r;
                    }
                }
                case ARGS -> {
                    if (argsLeft == 0) {
                        return failure == null ? COMMAND : protocolError(failure);
                    }
                    int r = bulk(in, len, c);
                    if (r != CONTINUE) {
                        return r;
                    }
                }
                case STREAM -> {
                    int n = (int) Math.min(left, len - pos);
                    if (n == 0) {
                        return NEED_MORE;
                    }
                    c.reserve(n);
                    in.copyTo(pos, c.arena, c.used, n);
                    c.used += n;
                    pos += n;
                    left -= n;
                    if (left == 0) {
                        c.endArg();
                        mode = BULK_END;
                    }
                }
                case BULK_END -> {
                    int r = crlf(in, len, bulkLength);
                    if (r != CONTINUE) {
                        return r;
                    }
                }
                case SKIP -> {
                    int n = (int) Math.min(left, len - pos);
                    pos += n;
                    left -= n;
                    if (left > 0) {
                        return NEED_MORE;
                    }
                    mode = ARGS;
                }
                default -> { // SKIP_LINE
                    int lf = in.indexOf(LF, pos, len);
                    if (lf < 0) {
                        pos = len;
                        return NEED_MORE;
                    }
                    pos = lf + 1;
                    if (!afterSkipLine) {
                        return protocolError(failure);
                    }
                    mode = ARGS;
                }
            }
        }
    }

    /** A command's first line: an inline command, or a multibulk header (then ARGS). */
    private int first(Bytes in, int len, RespCommand c) {
        c.reset();
        failure = null;
        int lf = in.indexOf(LF, pos, Math.min(len, pos + MAX_INLINE + 2));
        if (lf < 0) {
            if (len - pos > MAX_INLINE + 1) {
                return skipLine("too big inline request", false);
            }
            return NEED_MORE;
        }
        int end = lf > pos && in.get(lf - 1) == CR ? lf - 1 : lf;
        if (end == pos || in.get(pos) != '*') {
            inline(in, pos, end, c);
            pos = lf + 1;
            return COMMAND;
        }
        long count = number(in, pos + 1, end);
        pos = lf + 1;
        if (count > MAX_ARGS || count == Long.MIN_VALUE) {
            return protocolError("invalid multibulk length");
        }
        argsLeft = Math.max(0, count);
        mode = ARGS;
        return CONTINUE;
    }

    /** One {@code $N\r\n<N bytes>\r\n} argument: CONTINUE, or what to return. */
    private int bulk(Bytes in, int len, RespCommand c) {
        int lf = in.indexOf(LF, pos, Math.min(len, pos + MAX_HEADER_LINE + 2));
        if (lf < 0) {
            if (len - pos > MAX_HEADER_LINE + 1) {
                argsLeft--;
                return skipLine("invalid bulk length", true);
            }
            return NEED_MORE;
        }
        int end = lf > pos && in.get(lf - 1) == CR ? lf - 1 : lf;
        if (end == pos || in.get(pos) != '$') {
            String got = end == pos ? "" : String.valueOf((char) (in.get(pos) & 0xff));
            pos = lf + 1;
            fail("expected '$', got '" + got + "'");
            return protocolError(failure); // not a bulk at all: the rest of the command is lost in the stream
        }
        long n = number(in, pos + 1, end);
        int data = lf + 1;
        if (n < 0) {
            argsLeft--;
            pos = data;
            fail("invalid bulk length");
            return CONTINUE;
        }
        if (n > maxBulkBytes || failure != null) {
            if (n > maxBulkBytes) {
                fail("invalid bulk length");
            }
            argsLeft--;
            pos = data;
            left = n + 2;
            mode = SKIP;
            return CONTINUE;
        }
        boolean whole = (long) data + n + 1 <= len; // a bare LF may end it (as the task parser's readLine took)
        if (!whole && n <= STREAM_BYTES) {
            need = (int) (data + n + 1);
            return NEED_MORE;
        }
        argsLeft--;
        c.beginArg();
        bulkLength = n;
        if (!whole) {
            pos = data;
            left = n;
            mode = STREAM;
            return CONTINUE;
        }
        c.reserve(n);
        in.copyTo(data, c.arena, c.used, (int) n);
        c.used += (int) n;
        c.endArg();
        pos = data + (int) n;
        mode = BULK_END;
        return CONTINUE;
    }

    /** The CRLF after a bulk: CONTINUE, NEED_MORE, or the command ends with an error after the line is dropped. */
    private int crlf(Bytes in, int len, long n) {
        if (len - pos >= 1 && in.get(pos) == LF) {
            pos += 1;
            mode = ARGS;
            return CONTINUE;
        }
        if (len - pos >= 2 && in.get(pos) == CR && in.get(pos + 1) == LF) {
            pos += 2;
            mode = ARGS;
            return CONTINUE;
        }
        if (len - pos < 2 && (len == pos || in.get(pos) == CR)) {
            need = pos + 2;
            return NEED_MORE;
        }
        return skipLine("expected CRLF after a bulk of " + n + " bytes", false);
    }

    /** Drops the rest of the line, then goes on with the arguments or ends the command with its failure. */
    private int skipLine(String why, boolean thenArgs) {
        fail(why);
        afterSkipLine = thenArgs;
        mode = SKIP_LINE;
        return CONTINUE;
    }

    private void fail(String message) {
        if (failure == null) {
            failure = message;
        }
    }

    /** An inline command: arguments separated by spaces or tabs. */
    private static void inline(Bytes in, int from, int to, RespCommand c) {
        c.reserve(to - from);
        int i = from;
        while (i < to) {
            while (i < to && (in.get(i) == ' ' || in.get(i) == '\t')) {
                i++;
            }
            if (i == to) {
                break;
            }
            c.beginArg();
            while (i < to && in.get(i) != ' ' && in.get(i) != '\t') {
                c.arena[c.used++] = in.get(i++);
            }
            c.endArg();
        }
    }

    /** The decimal in {@code [from, to)}, with an optional '-'; Long.MIN_VALUE when malformed or too long. */
    private static long number(Bytes in, int from, int to) {
        boolean negative = from < to && in.get(from) == '-';
        int i = negative ? from + 1 : from;
        if (i == to || to - i > 18) {
            return Long.MIN_VALUE;
        }
        long n = 0;
        for (; i < to; i++) {
            byte b = in.get(i);
            if (b < '0' || b > '9') {
                return Long.MIN_VALUE;
            }
            n = n * 10 + (b - '0');
        }
        return negative ? -n : n;
    }

    private int protocolError(String message) {
        error = "ERR Protocol error: " + message;
        failure = null;
        return PROTOCOL_ERROR;
    }
}
