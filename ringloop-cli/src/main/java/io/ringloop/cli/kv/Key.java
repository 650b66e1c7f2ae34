package io.ringloop.cli.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A key of the store: bytes compared by content. Stored keys own their bytes and never change; a connection
 * keeps one probe whose fields it points at the bytes of a parsed command to look a key up without copying
 * ({@code ConcurrentHashMap.get} calls the probe's {@code equals}, and never stores it).
 */
final class Key {
    private byte[] bytes;
    private int offset;
    private int length;
    private int hash;

    private Key(byte[] bytes, int offset, int length) {
        set(bytes, offset, length);
    }

    /** A key to store: a copy of {@code bytes[offset, offset+length)}. */
    static Key copyOf(byte[] bytes, int offset, int length) {
        return new Key(Arrays.copyOfRange(bytes, offset, offset + length), 0, length);
    }

    /** A probe for lookups only; re-pointed by {@link #set}, never stored. */
    static Key probe() {
        return new Key(new byte[0], 0, 0);
    }

    /** Points this probe at {@code bytes[offset, offset+length)}. */
    Key set(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + bytes[i];
        }
        this.hash = h;
        return this;
    }

    /** A stored key with the probe's bytes (copied). */
    Key copy() {
        return copyOf(bytes, offset, length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k && k.hash == hash
                && Arrays.equals(bytes, offset, offset + length, k.bytes, k.offset, k.offset + k.length);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
}
