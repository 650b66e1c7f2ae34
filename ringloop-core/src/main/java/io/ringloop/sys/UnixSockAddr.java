package io.ringloop.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Unix-domain socket address, {@code struct sockaddr_un} (linux/un.h, man 7 unix), its bytes made once so that
 * encoding it for a bind, connect or send copies them and allocates nothing:
 *
 * <pre>
 * struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; };   // 110
 * </pre>
 *
 * Three kinds (man 7 unix, "Address format"): a <em>path</em> (NUL-terminated in {@code sun_path}, length
 * {@code 2 + strlen + 1}), a Linux <em>abstract</em> name ({@code sun_path[0] == 0}, then the name's bytes; length
 * {@code 2 + 1 + name}: the kernel takes the length, not a NUL, as its end) and <em>unnamed</em> (an unbound
 * socket: length 2).
 */
public final class UnixSockAddr extends SocketAddress {
    @Serial
    private static final long serialVersionUID = 1L;
    public static final short AF_UNIX = 1;
    /** {@code sizeof(sun_path)}. */
    public static final int SUN_PATH = 108;
    /** {@code sizeof(struct sockaddr_un)}. */
    public static final int SIZE = 2 + SUN_PATH;

    /** {@code sun_path}'s bytes without a terminating NUL; an abstract name's start with its 0. Empty: unnamed. */
    private final byte[] sunPath;

    private UnixSockAddr(byte[] sunPath) {
        this.sunPath = sunPath;
    }

    /** A path address; the path (UTF-8) must be 1 to 107 bytes without NUL (room for the terminating NUL). */
    public static UnixSockAddr path(String path) {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > SUN_PATH - 1) {
            throw new IllegalArgumentException("Unix socket path of " + b.length + " bytes (1 to " + (SUN_PATH - 1)
                    + " fit in sun_path): " + path);
        }
        requireNoNul(b, path);
        return new UnixSockAddr(b);
    }

    /** A Linux abstract-namespace name: 1 to 107 bytes (UTF-8) without NUL. */
    public static UnixSockAddr abstractName(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > SUN_PATH - 1) {
            throw new IllegalArgumentException("abstract Unix socket name of " + b.length + " bytes (1 to "
                    + (SUN_PATH - 1) + " fit in sun_path): " + name);
        }
        requireNoNul(b, name);
        byte[] withZero = new byte[b.length + 1];
        System.arraycopy(b, 0, withZero, 1, b.length);
        return new UnixSockAddr(withZero);
    }

    private static void requireNoNul(byte[] b, String text) {
        for (byte x : b) {
            if (x == 0) {
                throw new IllegalArgumentException("Unix socket name contains NUL: " + text.replace('\0', '?'));
            }
        }
    }

    /** The address of an unbound socket. */
    public static UnixSockAddr unnamed() {
        return new UnixSockAddr(new byte[0]);
    }

    public boolean isAbstract() {
        return sunPath.length > 0 && sunPath[0] == 0;
    }

    public boolean isUnnamed() {
        return sunPath.length == 0;
    }

    /** The path, or the abstract name without its leading 0; empty when unnamed. */
    public String name() {
        int from = isAbstract() ? 1 : 0;
        return new String(sunPath, from, sunPath.length - from, StandardCharsets.UTF_8);
    }

    /** Writes the {@code sockaddr_un} into {@code dst} (at least {@link #SIZE} bytes): its length. */
    public int encode(MemorySegment dst) {
        dst.set(JAVA_SHORT, 0, AF_UNIX);
        MemorySegment.copy(sunPath, 0, dst, JAVA_BYTE, 2, sunPath.length);
        if (isAbstract() || isUnnamed()) {
            return 2 + sunPath.length;
        }
        dst.set(JAVA_BYTE, 2 + sunPath.length, (byte) 0);
        return 2 + sunPath.length + 1;
    }

    /**
     * Decodes a {@code sockaddr_un} the kernel wrote into {@code src}, which the caller zero-filled before (a
     * receive does not report the length through our drivers): a path ends at its NUL; an abstract name at its
     * last non-zero byte, so a name that ends in NUL bytes cannot be told (ours never contain NUL); all zero is
     * unnamed. Null when the family is not AF_UNIX.
     */
    public static UnixSockAddr decodeZeroFilled(MemorySegment src) {
        short family = src.get(JAVA_SHORT, 0);
        if (family != AF_UNIX && family != 0) {
            return null;
        }
        byte first = src.get(JAVA_BYTE, 2);
        int end = 0;
        if (first != 0) {
            while (end < SUN_PATH && src.get(JAVA_BYTE, 2 + end) != 0) {
                end++;
            }
        } else {
            for (int i = SUN_PATH - 1; i > 0; i--) {
                if (src.get(JAVA_BYTE, 2 + i) != 0) {
                    end = i + 1;
                    break;
                }
            }
        }
        byte[] b = new byte[end];
        MemorySegment.copy(src, JAVA_BYTE, 2, b, 0, end);
        return new UnixSockAddr(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixSockAddr u && Arrays.equals(sunPath, u.sunPath);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sunPath);
    }

    /** The path, {@code @name} for an abstract name, {@code (unnamed)}. */
    @Override
    public String toString() {
        return isUnnamed() ? "(unnamed)" : (isAbstract() ? "@" : "") + name();
    }
}
