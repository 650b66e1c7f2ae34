package io.ringloop.io;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A read-only window over bytes a {@link StreamReader} holds, shown in place (no copy). A view that came from a
 * reader is valid until that reader's next call: after it, every access throws {@link IllegalStateException}
 * (the reader may have compacted, refilled or dropped the memory). Copy what must outlive the call
 * ({@link #toByteArray()}, {@link #toString(Charset)}). A view made by {@link #of} is always valid.
 *
 * <p>Bulk operations ({@link #indexOf}, {@link #contentEquals}, {@link #parseLong} ...) check validity once;
 * {@link #get} checks on every call.
 */
public final class ByteView {
    private final byte[] array;
    private final int offset;
    private final int length;
    /** The reader this view came from, or null for a view over caller-owned bytes. */
    private final StreamReader owner;
    /** The owner's epoch when the view was made; a different current epoch means the view is stale. */
    private final long epoch;

    ByteView(byte[] array, int offset, int length, StreamReader owner, long epoch) {
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.owner = owner;
        this.epoch = epoch;
    }

    /** A view over all of {@code bytes} (not copied: later changes to the array show through). */
    public static ByteView of(byte[] bytes) {
        return new ByteView(bytes, 0, bytes.length, null, 0);
    }

    /** A view over {@code bytes[offset, offset+length)}. */
    public static ByteView of(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return new ByteView(bytes, offset, length, null, 0);
    }

    private void check() {
        if (owner != null && owner.epoch != epoch) {
            throw new IllegalStateException("stale ByteView: its StreamReader has been called since the view "
                    + "was made (copy the bytes with toByteArray() to keep them)");
        }
    }

    public int length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** The byte at {@code index}. */
    public byte get(int index) {
        check();
        Objects.checkIndex(index, length);
        return array[offset + index];
    }

    /** The first index at or after {@code from} holding {@code b}, or -1. */
    public int indexOf(byte b, int from) {
        check();
        int end = offset + length;
        for (int i = offset + Math.max(0, from); i < end; i++) {
            if (array[i] == b) {
                return i - offset;
            }
        }
        return -1;
    }

    public int indexOf(byte b) {
        return indexOf(b, 0);
    }

    /** The bytes {@code [from, to)} as a view of the same validity. */
    public ByteView slice(int from, int to) {
        check();
        Objects.checkFromToIndex(from, to, length);
        return new ByteView(array, offset + from, to - from, owner, epoch);
    }

    /** Without leading and trailing spaces and horizontal tabs (HTTP's optional whitespace). */
    public ByteView trim() {
        check();
        int from = 0;
        int to = length;
        while (from < to && isBlank(array[offset + from])) {
            from++;
        }
        while (to > from && isBlank(array[offset + to - 1])) {
            to--;
        }
        return from == 0 && to == length ? this : new ByteView(array, offset + from, to - from, owner, epoch);
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    /** True when this view holds exactly {@code bytes}. */
    public boolean contentEquals(byte[] bytes) {
        check();
        return Arrays.equals(array, offset, offset + length, bytes, 0, bytes.length);
    }

    /** True when this view holds {@code lowerCase} up to ASCII case (pass the expected bytes in lower case). */
    public boolean equalsIgnoreCase(byte[] lowerCase) {
        check();
        if (lowerCase.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = array[offset + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerCase[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when this view begins with {@code prefix}. */
    public boolean startsWith(byte[] prefix) {
        check();
        return prefix.length <= length
                && Arrays.equals(array, offset, offset + prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The view as a decimal {@code long}: an optional '-' then 1 to 19 digits, nothing else.
     *
     * @throws NumberFormatException for anything else, or a value out of range
     */
    public long parseLong() {
        check();
        int i = offset;
        int end = offset + length;
        boolean negative = i < end && array[i] == '-';
        if (negative) {
            i++;
        }
        if (i == end || end - i > 19) {
            throw new NumberFormatException("not a decimal integer: \"" + text() + "\"");
        }
        long value = 0;
        for (; i < end; i++) {
            int d = array[i] - '0';
            if (d < 0 || d > 9) {
                throw new NumberFormatException("not a decimal integer: \"" + text() + "\"");
            }
            // Accumulate negatively: Long.MIN_VALUE has no positive counterpart.
            if (value < (Long.MIN_VALUE + d) / 10) {
                throw new NumberFormatException("out of range for a long: \"" + text() + "\"");
            }
            value = value * 10 - d;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                throw new NumberFormatException("out of range for a long: \"" + text() + "\"");
            }
            value = -value;
        }
        return value;
    }

    /** Copies {@code [from, from+len)} into {@code dst[dstOffset...]}. */
    public void copyTo(int from, byte[] dst, int dstOffset, int len) {
        check();
        Objects.checkFromIndexSize(from, len, length);
        System.arraycopy(array, offset + from, dst, dstOffset, len);
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        check();
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /** The bytes decoded with {@code charset}. */
    public String toString(Charset charset) {
        check();
        return new String(array, offset, length, charset);
    }

    /** The bytes as ISO-8859-1 text (one char per byte): for logs, tests and ASCII protocols. */
    @Override
    public String toString() {
        return toString(StandardCharsets.ISO_8859_1);
    }

    private String text() {
        return new String(array, offset, Math.min(length, 40), StandardCharsets.ISO_8859_1);
    }

    /** Package access for {@link StreamWriter#write(ByteView)}: the backing bytes, validity checked. */
    byte[] array() {
        check();
        return array;
    }

    int offset() {
        return offset;
    }
}
