package io.ringloop.cli.kv;

import io.ringloop.io.ByteView;
import java.util.Arrays;

/**
 * One parsed command, reused for every command of a connection: the arguments' bytes packed in one arena,
 * with offsets and lengths, so parsing allocates nothing once the arrays have grown to the connection's needs.
 */
final class RespCommand {
    static final int ARENA_BYTES = 4096;
    private static final int ARGS = 16;

    byte[] arena;
    int[] offsets = new int[ARGS];
    int[] lengths = new int[ARGS];
    int argc;
    /** Bytes of the arena in use. */
    int used;

    /** A command with its own arena of {@link #ARENA_BYTES}. */
    RespCommand() {
        this(new byte[ARENA_BYTES]);
    }

    /** A command whose arena starts as {@code arena} (empty: grown, or lent, when bytes come). */
    RespCommand(byte[] arena) {
        this.arena = arena;
    }

    void reset() {
        argc = 0;
        used = 0;
        if (arena.length > 1 << 20) {
            arena = new byte[ARENA_BYTES]; // a large value passed: do not keep its memory
        }
    }

    /** Makes room for {@code n} more bytes in the arena, and one more argument. */
    void reserve(long n) {
        if (used + n > arena.length) {
            long want = Math.max(used + n, Math.min(Integer.MAX_VALUE - 8, 2L * arena.length));
            arena = Arrays.copyOf(arena, (int) Math.min(Integer.MAX_VALUE - 8, want));
        }
        if (argc == offsets.length) {
            offsets = Arrays.copyOf(offsets, argc * 2);
            lengths = Arrays.copyOf(lengths, argc * 2);
        }
    }

    /** Starts argument {@code argc} at the arena's end; its bytes are appended, then {@link #endArg}. */
    void beginArg() {
        reserve(0);
        offsets[argc] = used;
        lengths[argc] = 0;
    }

    void endArg() {
        lengths[argc] = used - offsets[argc];
        argc++;
    }

    int length(int i) {
        return lengths[i];
    }

    /** A copy of argument {@code i}. */
    byte[] copy(int i) {
        return Arrays.copyOfRange(arena, offsets[i], offsets[i] + lengths[i]);
    }

    /** True when argument {@code i} is {@code upper} up to ASCII case. */
    boolean is(int i, byte[] upper) {
        if (lengths[i] != upper.length) {
            return false;
        }
        int off = offsets[i];
        for (int k = 0; k < upper.length; k++) {
            byte b = arena[off + k];
            if (b >= 'a' && b <= 'z') {
                b -= 'a' - 'A';
            }
            if (b != upper[k]) {
                return false;
            }
        }
        return true;
    }

    /** Argument {@code i} as a decimal long, or {@link KvStore.KvError} "not an integer". */
    long integer(int i) {
        try {
            if (lengths[i] > 20) {
                throw new NumberFormatException();
            }
            return ByteView.of(arena, offsets[i], lengths[i]).parseLong();
        } catch (NumberFormatException e) {
            throw new KvStore.KvError(KvStore.NOT_INTEGER);
        }
    }

    /** Argument {@code i} as text for an error message: printable ASCII, at most 64 chars. */
    String text(int i) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < Math.min(64, lengths[i]); k++) {
            byte b = arena[offsets[i] + k];
            sb.append(b >= 0x20 && b < 0x7F ? (char) b : '?');
        }
        return sb.toString();
    }
}
