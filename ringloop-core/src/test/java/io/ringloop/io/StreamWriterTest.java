package io.ringloop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the writer batches: counted write calls on an in-memory stream (over a socket the kernel hides them), and
 * the reader's flush-before-read that makes pipelined answers leave together.
 */
class StreamWriterTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void shouldSendNothingUntilFlushThenOneWrite() throws Exception {
        MemoryStream m = new MemoryStream(new byte[0]);
        StreamWriter w = new StreamWriter(m, 64);
        w.writeAscii("a");
        w.writeDecimal(Long.MIN_VALUE);
        w.writeByte(' ');
        w.writeDecimal(0);
        w.writeByte(' ');
        w.writeDecimal(Long.MAX_VALUE);
        assertEquals(0, m.writeCalls);
        w.flush();
        w.flush();
        assertEquals(1, m.writeCalls);
        assertEquals("a-9223372036854775808 0 9223372036854775807", m.written.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldGatherLargeWriteWithBufferedBytesWhenItSavesACall() throws Exception {
        MemoryStream m = new MemoryStream(new byte[0]);
        StreamWriter w = new StreamWriter(m, 1024);
        w.writeAscii("head");
        w.write(new byte[4000]); // heap, fits one staging call: gathered
        assertEquals(1, m.writeCalls);
        w.writeAscii("head");
        w.write(new byte[100_000]); // heap, larger than one call could stage: flush, then straight through
        assertEquals(3, m.writeCalls);
        try (Arena arena = Arena.ofConfined()) {
            w.writeAscii("head");
            w.write(arena.allocate(100_000)); // native: gathered, never copied
            assertEquals(4, m.writeCalls);
        }
        assertEquals(3 * 4 + 4000 + 100_000 + 100_000, m.written.size());
        w.writeAscii("x".repeat(1000));
        w.write(new byte[100]); // small and does not fit: flush, then buffered
        assertEquals(5, m.writeCalls);
        assertEquals(100, w.buffered());
    }

    @Test
    void shouldRejectNonAsciiText() {
        StreamWriter w = new StreamWriter(new MemoryStream(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> w.writeAscii("caf\u00e9"));
    }

    @Test
    void shouldFlushPipelinedAnswersInOneWriteBeforeReadingMore() throws Exception {
        MemoryStream m = new MemoryStream(ascii("PING\n".repeat(16) + "PING\n"), List.of(5 * 16, 5));
        StreamReader r = new StreamReader(m, 4096, 4096);
        StreamWriter w = new StreamWriter(m);
        r.flushBeforeRead(w);
        ByteView line;
        while ((line = r.readLine(100)) != null) {
            assertEquals("PING", line.toString());
            w.writeAscii("+PONG\r\n");
        }
        assertEquals(2, m.writeCalls, "16 answers before the second read, 1 before the third");
        assertArrayEquals(ascii("+PONG\r\n".repeat(17)), m.written.toByteArray());
    }

    @Test
    void shouldParseDecimalViewsAndRejectOthers() {
        assertEquals(-9223372036854775808L, ByteView.of(ascii("-9223372036854775808")).parseLong());
        assertEquals(9223372036854775807L, ByteView.of(ascii("9223372036854775807")).parseLong());
        assertEquals(12, ByteView.of(ascii("x12"), 1, 2).parseLong());
        for (String bad : List.of("", "-", "9223372036854775808", "1a", "+1", " 1", "-9223372036854775809")) {
            assertThrows(NumberFormatException.class, () -> ByteView.of(ascii(bad)).parseLong(), bad);
        }
        assertEquals("a b", ByteView.of(ascii(" \ta b\t ")).trim().toString());
        assertEquals(true, ByteView.of(ascii("Content-Length")).equalsIgnoreCase(ascii("content-length")));
    }
}
