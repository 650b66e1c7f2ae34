package io.ringloop.sys;

import static io.ringloop.sys.Libc.blocking;
import static io.ringloop.sys.Libc.critical;
import static io.ringloop.sys.Libc.result;
import static io.ringloop.sys.Libc.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;

/**
 * BSD sockets (sys/socket.h, netinet/tcp.h): raw results, {@code -errno} on failure (see {@link Libc}).
 * Calls that copy an address or an option value take a scratch segment from the caller or, where the call
 * is not on a hot path, a short-lived confined arena.
 */
public final class Socket {
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_BROADCAST = 6;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_REUSEPORT = 15;
    /** {@code struct ucred { pid_t pid; uid_t uid; gid_t gid; }} (12 bytes) of a Unix socket's peer. */
    public static final int SO_PEERCRED = 17;
    public static final int UCRED_SIZE = 12;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int IPPROTO_IP = 0;
    public static final int IP_TTL = 2;
    public static final int IP_MULTICAST_IF = 32;
    public static final int IP_MULTICAST_TTL = 33;
    public static final int IP_MULTICAST_LOOP = 34;
    public static final int IP_ADD_MEMBERSHIP = 35;
    public static final int IP_DROP_MEMBERSHIP = 36;
    public static final int IPV6_UNICAST_HOPS = 16;
    public static final int IPV6_MULTICAST_IF = 17;
    public static final int IPV6_MULTICAST_HOPS = 18;
    public static final int IPV6_MULTICAST_LOOP = 19;
    public static final int IPV6_ADD_MEMBERSHIP = 20;
    public static final int IPV6_DROP_MEMBERSHIP = 21;
    /** On receive: return the datagram's real length even when it was longer than the buffer. */
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    private static final MethodHandle SOCKET = critical("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle BIND = critical("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LISTEN = critical("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACCEPT4 =
            critical("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle CONNECT = critical("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SEND = critical("send", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle RECV = critical("recv", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle SENDTO =
            critical("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle RECVFROM =
            critical("recvfrom", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SENDMSG = critical("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle RECVMSG = critical("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SENDMMSG =
            critical("sendmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle RECVMMSG =
            critical("recvmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle SHUTDOWN = critical("shutdown", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle SETSOCKOPT =
            blocking("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT =
            blocking("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GETSOCKNAME = blocking("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GETPEERNAME = blocking("getpeername", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

    private Socket() {
    }

    /** {@code socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)}. */
    public static int socket(MemorySegment cs, int domain, int type) {
        try {
            return result((int) SOCKET.invokeExact(cs, domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code bind(fd, addr, len)}; {@code addr} from {@link SockAddr#encode}. */
    public static int bind(MemorySegment cs, int fd, MemorySegment addr, int len) {
        try {
            return result((int) BIND.invokeExact(cs, fd, addr, len), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int listen(MemorySegment cs, int fd, int backlog) {
        try {
            return result((int) LISTEN.invokeExact(cs, fd, backlog), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)}: the peer's address is read later with
     * {@link #getpeername} by whoever wants it, so the accept itself copies nothing.
     */
    public static int accept4(MemorySegment cs, int fd) {
        try {
            return result((int) ACCEPT4.invokeExact(cs, fd, MemorySegment.NULL, MemorySegment.NULL,
                    SOCK_NONBLOCK | SOCK_CLOEXEC), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code connect(fd, addr, len)}: on a non-blocking socket, {@code -EINPROGRESS} until writable. */
    public static int connect(MemorySegment cs, int fd, MemorySegment addr, int len) {
        try {
            return result((int) CONNECT.invokeExact(cs, fd, addr, len), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code send(fd, buf, len, flags)}; heap or native {@code buf}. Pass MSG_NOSIGNAL to avoid SIGPIPE. */
    public static int send(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try {
            return result((long) SEND.invokeExact(cs, fd, buf, len, flags), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int recv(MemorySegment cs, int fd, MemorySegment buf, long len, int flags) {
        try {
            return result((long) RECV.invokeExact(cs, fd, buf, len, flags), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sendto}; {@code addr} may be {@link MemorySegment#NULL} with len 0 on a connected socket. */
    public static int sendto(MemorySegment cs, int fd, MemorySegment buf, long len, int flags,
                             MemorySegment addr, int addrLen) {
        try {
            return result((long) SENDTO.invokeExact(cs, fd, buf, len, flags, addr, addrLen), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code recvfrom}; {@code addr} (native, {@link SockAddr#MAX_SIZE} bytes) receives the sender and
     * {@code addrLen} (native int) must hold its capacity on entry.
     */
    public static int recvfrom(MemorySegment cs, int fd, MemorySegment buf, long len, int flags,
                               MemorySegment addr, MemorySegment addrLen) {
        try {
            return result((long) RECVFROM.invokeExact(cs, fd, buf, len, flags, addr, addrLen), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sendmsg(fd, msghdr, flags)}; {@code msg} native (see {@link MsgHdr}). */
    public static int sendmsg(MemorySegment cs, int fd, MemorySegment msg, int flags) {
        try {
            return result((long) SENDMSG.invokeExact(cs, fd, msg, flags), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int recvmsg(MemorySegment cs, int fd, MemorySegment msg, int flags) {
        try {
            return result((long) RECVMSG.invokeExact(cs, fd, msg, flags), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code sendmmsg(fd, vec, vlen, flags)}: how many of the {@code vlen} messages of {@code vec} (native, see
     * {@link MMsgHdr}) were sent, each entry's {@code msg_len} set; {@code -errno} only when the first failed.
     */
    public static int sendmmsg(MemorySegment cs, int fd, MemorySegment vec, int vlen, int flags) {
        try {
            return result((int) SENDMMSG.invokeExact(cs, fd, vec, vlen, flags), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code recvmmsg(fd, vec, vlen, flags, NULL)}: how many datagrams were received into {@code vec} (native, see
     * {@link MMsgHdr}), each entry's {@code msg_len}, {@code msg_namelen} and {@code msg_flags} set. With
     * MSG_DONTWAIT, what is queued now (up to {@code vlen}) or {@code -EAGAIN}.
     */
    public static int recvmmsg(MemorySegment cs, int fd, MemorySegment vec, int vlen, int flags) {
        try {
            return result((int) RECVMMSG.invokeExact(cs, fd, vec, vlen, flags, MemorySegment.NULL), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code setsockopt} with a struct value: the first {@code len} bytes of {@code value} (any memory; copied to
     * a native scratch here). Not a hot path.
     */
    public static int setsockopt(MemorySegment cs, int fd, int level, int option, MemorySegment value, int len) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(Math.max(len, 1), 8);
            MemorySegment.copy(value, 0, v, 0, len);
            return result((int) SETSOCKOPT.invokeExact(cs, fd, level, option, v, len), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int shutdown(MemorySegment cs, int fd, int how) {
        try {
            return result((int) SHUTDOWN.invokeExact(cs, fd, how), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code setsockopt} with an {@code int} value. Not a hot path: uses a confined arena. */
    public static int setsockopt(MemorySegment cs, int fd, int level, int option, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            return result((int) SETSOCKOPT.invokeExact(cs, fd, level, option, v, 4), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getsockopt} of an {@code int} option: its value, or {@code -errno}. */
    public static int getsockopt(MemorySegment cs, int fd, int level, int option) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment len = arena.allocateFrom(JAVA_INT, 4);
            int r = result((int) GETSOCKOPT.invokeExact(cs, fd, level, option, v, len), cs);
            return r < 0 ? r : v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code getsockopt} into {@code value} (native): the length written, or {@code -errno}. For options that
     * are structs ({@link #SO_PEERCRED}). Not a hot path: uses a confined arena for the length.
     */
    public static int getsockopt(MemorySegment cs, int fd, int level, int option, MemorySegment value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) value.byteSize());
            int r = result((int) GETSOCKOPT.invokeExact(cs, fd, level, option, value, len), cs);
            return r < 0 ? r : len.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The socket's local address, or null with the errno in {@code cs} on failure. */
    public static InetSocketAddress getsockname(MemorySegment cs, int fd) {
        return name(GETSOCKNAME, cs, fd);
    }

    public static InetSocketAddress getpeername(MemorySegment cs, int fd) {
        return name(GETPEERNAME, cs, fd);
    }

    /** The errno of the last failed {@link #getsockname}/{@link #getpeername} on {@code cs}, negative. */
    public static int lastErrno(MemorySegment cs) {
        return Libc.errno(cs);
    }

    private static InetSocketAddress name(MethodHandle call, MemorySegment cs, int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SockAddr.MAX_SIZE);
            MemorySegment len = arena.allocateFrom(JAVA_INT, SockAddr.MAX_SIZE);
            int r = (int) call.invokeExact(cs, fd, addr, len);
            return r < 0 ? null : SockAddr.decode(addr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
