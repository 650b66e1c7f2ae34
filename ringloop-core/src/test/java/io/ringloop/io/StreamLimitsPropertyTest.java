package io.ringloop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.BadInputs;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad sizes and limits through the buffered reader and writer, by property: any int for a buffer size, a window,
 * a call's limit, an offset or a length is either taken (and the call then behaves as the model says) or refused
 * with an exception naming the call, before a byte is read, written or consumed. Never an
 * {@code ArrayIndexOutOfBoundsException} from inside, a {@code NegativeArraySizeException} or a huge allocation.
 * (The reader's behaviour within its limits is {@link StreamReaderModelTest}'s; this is about its edges.)
 */
class StreamLimitsPropertyTest {
    private static final byte[] INPUT = "abc;def\nghi".getBytes(StandardCharsets.US_ASCII);

    @Provide
    Arbitrary<Integer> anyInt() {
        // Edges weighted: the interesting values are around 0, the window and the int range's ends.
        return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.integers().between(-3, 70),
                Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE - 1));
    }

    @Property(tries = 300)
    void shouldTakeAnyReaderSizesOrNameTheConstructor(@ForAll("anyInt") int bufferBytes,
                                                      @ForAll("anyInt") int windowBytes) throws IOException {
        boolean valid = bufferBytes >= 1 && windowBytes >= bufferBytes && windowBytes <= StreamReader.MAX_BYTES;
        if (!valid) {
            assertNames(IllegalArgumentException.class, "StreamReader",
                    () -> new StreamReader(new MemoryStream(INPUT), bufferBytes, windowBytes));
            return;
        }
        if (bufferBytes > 1 << 20) {
            return; // taken: the user asked for that much memory at the first read; not allocated here
        }
        StreamReader r = new StreamReader(new MemoryStream(INPUT), bufferBytes, windowBytes);
        assertEquals(windowBytes, r.maxWindowBytes());
        byte[] all = new byte[INPUT.length];
        r.readExactly(all, 0, all.length);
        assertArrayEquals(INPUT, all, "a taken size reads the stream as it is");
    }

    @Property(tries = 500)
    void shouldTakeAnyLimitWithinTheWindowOrNameTheCall(@ForAll("calls") String call, @ForAll("anyInt") int limit)
            throws IOException {
        int window = 16;
        StreamReader r = new StreamReader(new MemoryStream(INPUT), 4, window);
        int extra = call.equals("readLine") ? 2 : call.equals("readUntil") ? 1 : 0;
        boolean valid = limit >= 0 && (long) limit + extra <= window;
        if (!valid) {
            assertNames(IllegalArgumentException.class, call + ": limit " + limit, () -> invoke(r, call, limit));
            assertEquals(0, r.available(), "a refused call reads nothing");
            assertEquals('a', r.readByte(), "a refused call consumes nothing");
            return;
        }
        ByteView v = invoke(r, call, limit);
        // The input's first line is "abc;def" (7 bytes), its first frame before ';' "abc" (3), its length 11.
        switch (call) {
            case "readLine" -> assertEquals(limit < 7 ? null : "abc;def", text(v));
            case "readUntil" -> assertEquals(limit < 3 ? null : "abc", text(v));
            case "peek" -> assertArrayEquals(Arrays.copyOf(INPUT, Math.min(limit, INPUT.length)), bytes(v));
            case "readExactly" -> assertEquals(limit > INPUT.length ? null : new String(INPUT, 0, limit,
                    StandardCharsets.US_ASCII), text(v));
            default -> throw new AssertionError(call);
        }
    }

    @Provide
    Arbitrary<String> calls() {
        return Arbitraries.of("readLine", "readUntil", "peek", "readExactly");
    }

    /**
     * The call with {@code limit}; a line or delimiter too far (FrameTooLongException) or an input too short
     * (EOFException) is null here.
     */
    private static ByteView invoke(StreamReader r, String call, int limit) throws IOException {
        try {
            return switch (call) {
                case "readLine" -> r.readLine(limit);
                case "readUntil" -> r.readUntil((byte) ';', limit);
                case "peek" -> r.peek(limit);
                case "readExactly" -> r.readExactly(limit);
                default -> throw new AssertionError(call);
            };
        } catch (FrameTooLongException e) {
            assertTrue(e.getMessage().startsWith(call + ": no "), e.getMessage());
            return null;
        } catch (EOFException e) {
            assertTrue(e.getMessage().startsWith(call + ": end of stream"), e.getMessage());
            return null;
        }
    }

    @Property(tries = 300)
    void shouldCheckOffsetsLengthsAndCountsBeforeMovingBytes(@ForAll("anyInt") int off, @ForAll("anyInt") int len,
                                                             @ForAll("anyInt") int size) throws IOException {
        int arrayLength = Math.floorMod(size, 12);
        boolean inBounds = off >= 0 && len >= 0 && (long) off + len <= arrayLength;
        StreamReader r = new StreamReader(new MemoryStream(INPUT), 4, 16);
        MemoryStream out = new MemoryStream(new byte[0]);
        StreamWriter w = new StreamWriter(out, 32);
        byte[] dst = new byte[arrayLength];
        if (!inBounds) {
            BadInputs.tried("IndexOutOfBoundsException: read, readExactly, write of byte[" + arrayLength + "], off "
                    + off + ", len " + len);
            assertThrows(IndexOutOfBoundsException.class, () -> r.read(dst, off, len));
            assertThrows(IndexOutOfBoundsException.class, () -> r.readExactly(dst, off, len));
            assertThrows(IndexOutOfBoundsException.class, () -> w.write(dst, off, len));
            assertEquals(0, r.available(), "nothing read");
            assertEquals(0, w.buffered(), "nothing written");
        } else {
            int n = r.read(dst, off, len);
            assertEquals(Math.min(len, INPUT.length), n, "one read: all it asks for that the stream has at once");
            w.write(dst, off, len);
            w.flush();
            assertEquals(len, out.written.size());
        }
        if (size < 0) {
            assertNames(IllegalArgumentException.class, "skip: negative count " + size, () -> r.skip(size));
        }
        int buffered = r.available();
        if (size < 0 || size > buffered) {
            BadInputs.tried("IndexOutOfBoundsException: consume(" + size + ") with " + buffered + " buffered");
            assertThrows(IndexOutOfBoundsException.class, () -> r.consume(size));
            assertEquals(buffered, r.available(), "a refused consume drops nothing");
        }
    }

    @Property(tries = 200)
    void shouldTakeAnyWriterSizeOrNameTheConstructor(@ForAll("anyInt") int bufferBytes) throws IOException {
        if (bufferBytes < 20 || bufferBytes > StreamReader.MAX_BYTES) {
            assertNames(IllegalArgumentException.class, "StreamWriter: bufferBytes " + bufferBytes,
                    () -> new StreamWriter(new MemoryStream(new byte[0]), bufferBytes));
            return;
        }
        if (bufferBytes > 1 << 20) {
            return; // taken: the user asked for that much memory at the first write; not allocated here
        }
        MemoryStream out = new MemoryStream(new byte[0]);
        StreamWriter w = new StreamWriter(out, bufferBytes); // allocated at the first write, at most what it needs
        w.writeDecimal(Long.MIN_VALUE);
        w.writeAscii(";");
        w.flush();
        assertEquals(Long.MIN_VALUE + ";", out.written.toString(StandardCharsets.US_ASCII));
    }

    @Property(tries = 200)
    void shouldRefuseAnyNonAsciiCharNamingItsPlace(@ForAll("texts") String text) throws IOException {
        MemoryStream out = new MemoryStream(new byte[0]);
        StreamWriter w = new StreamWriter(out, 32);
        int bad = -1;
        for (int i = 0; i < text.length() && bad < 0; i++) {
            bad = text.charAt(i) > 0x7f ? i : -1;
        }
        if (bad < 0) {
            w.writeAscii(text);
            w.flush();
            assertEquals(text, out.written.toString(StandardCharsets.US_ASCII));
        } else {
            assertNames(IllegalArgumentException.class, "writeAscii: char " + (int) text.charAt(bad) + " at " + bad,
                    () -> w.writeAscii(text));
        }
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withCharRange((char) 0, (char) 0x7f).withChars('é', '€', '\u0080')
                .ofMaxLength(80);
    }

    private static String text(ByteView v) {
        return v == null ? null : new String(bytes(v), StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(ByteView v) {
        return Arrays.copyOfRange(v.array(), v.offset(), v.offset() + v.length());
    }

    private static void assertNames(Class<? extends Throwable> type, String names, Executable call) {
        Throwable e = assertThrows(type, call);
        BadInputs.failed(e);
        assertTrue(e.getMessage() != null && e.getMessage().contains(names), () -> names + " in " + e);
    }
}
