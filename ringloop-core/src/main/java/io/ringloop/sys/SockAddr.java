package io.ringloop.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code struct sockaddr_in} and {@code sockaddr_in6} encoding (linux/in.h, linux/in6.h); Unix-domain
 * addresses are {@link UnixSockAddr}'s:
 *
 * <pre>
 * struct sockaddr_in  { sa_family_t sin_family; __be16 sin_port; struct in_addr sin_addr; u8 pad[8]; }  // 16
 * struct sockaddr_in6 { sa_family_t sin6_family; __be16 sin6_port; __be32 sin6_flowinfo;
 *                       struct in6_addr sin6_addr; __u32 sin6_scope_id; }                               // 28
 * </pre>
 */
public final class SockAddr {
    /** Room for any address we encode ({@code sizeof(struct sockaddr_storage)}). */
    public static final int MAX_SIZE = 128;
    public static final short AF_INET = 2;
    public static final short AF_INET6 = 10;
    public static final int SIZE_IN = 16;
    public static final int SIZE_IN6 = 28;

    private SockAddr() {
    }

    /** The family an address needs: {@link #AF_INET} or {@link #AF_INET6}. */
    public static int family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /**
     * Encodes {@code address} into {@code dst} for a socket of {@code family}; an IPv4 address given to an
     * AF_INET6 socket is written in its IPv4-mapped form. Returns the length to pass as {@code socklen_t}.
     */
    public static int encode(InetSocketAddress address, int family, MemorySegment dst) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        InetAddress ip = address.getAddress();
        byte[] raw = ip.getAddress();
        int port = address.getPort();
        if (family == AF_INET) {
            if (raw.length != 4) {
                throw new IllegalArgumentException("IPv6 address on an IPv4 socket: " + address);
            }
            dst.asSlice(0, SIZE_IN).fill((byte) 0);
            dst.set(JAVA_SHORT, 0, AF_INET);
            dst.set(JAVA_SHORT, 2, Short.reverseBytes((short) port));
            MemorySegment.copy(raw, 0, dst, JAVA_BYTE, 4, 4);
            return SIZE_IN;
        }
        dst.asSlice(0, SIZE_IN6).fill((byte) 0);
        dst.set(JAVA_SHORT, 0, AF_INET6);
        dst.set(JAVA_SHORT, 2, Short.reverseBytes((short) port));
        if (raw.length == 4) {
            dst.set(JAVA_BYTE, 8 + 10, (byte) 0xff);
            dst.set(JAVA_BYTE, 8 + 11, (byte) 0xff);
            MemorySegment.copy(raw, 0, dst, JAVA_BYTE, 8 + 12, 4);
        } else {
            MemorySegment.copy(raw, 0, dst, JAVA_BYTE, 8, 16);
            dst.set(JAVA_INT, 24, ((Inet6Address) ip).getScopeId());
        }
        return SIZE_IN6;
    }

    /**
     * Encodes any address a driver takes: an {@link InetSocketAddress} as {@link #encode(InetSocketAddress, int,
     * MemorySegment)}, a {@link UnixSockAddr} (no allocation) or the JDK's {@link UnixDomainSocketAddress} (its
     * path converted on each call) as {@code sockaddr_un}. Returns the length to pass as {@code socklen_t}.
     */
    public static int encode(SocketAddress address, int family, MemorySegment dst) {
        return switch (address) {
            case InetSocketAddress inet -> encode(inet, family, dst);
            case UnixSockAddr unix -> unix.encode(dst);
            case UnixDomainSocketAddress jdk -> UnixSockAddr.path(jdk.getPath().toString()).encode(dst);
            default -> throw new IllegalArgumentException("unsupported address type: " + address.getClass());
        };
    }

    /** Decodes a {@code sockaddr_in}/{@code sockaddr_in6}; null for another family. */
    public static InetSocketAddress decode(MemorySegment src) {
        short family = src.get(JAVA_SHORT, 0);
        int port = Short.toUnsignedInt(Short.reverseBytes(src.get(JAVA_SHORT, 2)));
        try {
            if (family == AF_INET) {
                byte[] raw = new byte[4];
                MemorySegment.copy(src, JAVA_BYTE, 4, raw, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(raw), port);
            }
            if (family == AF_INET6) {
                byte[] raw = new byte[16];
                MemorySegment.copy(src, JAVA_BYTE, 8, raw, 0, 16);
                int scope = src.get(JAVA_INT, 24);
                InetAddress ip = scope != 0 ? Inet6Address.getByAddress(null, raw, scope)
                        : InetAddress.getByAddress(raw);
                return new InetSocketAddress(ip, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("kernel returned a malformed address", e);
        }
        return null;
    }

    /** The address for messages: {@code 127.0.0.1:1}, {@code [::1]:80}. */
    public static String text(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            return address.getHostString() + ":" + address.getPort();
        }
        String host = ip.getHostAddress();
        return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** True for IPv4 addresses, including {@code 0.0.0.0}. */
    public static boolean isV4(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address;
    }
}
