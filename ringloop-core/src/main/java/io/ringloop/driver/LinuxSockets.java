package io.ringloop.driver;

import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.Socket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The synchronous socket calls that the fd-based drivers (epoll, io_uring) share: socket creation, bind,
 * listen, options, addresses, shutdown. Confined to the owning loop thread: it reuses that loop's call-state
 * and address scratch segments.
 */
public final class LinuxSockets {
    private final MemorySegment callState;
    private final MemorySegment addressScratch;

    /** {@code callState} from {@link Libc#allocateCallState}; {@code addressScratch} ≥ SockAddr.MAX_SIZE. */
    public LinuxSockets(MemorySegment callState, MemorySegment addressScratch) {
        this.callState = callState;
        this.addressScratch = addressScratch;
    }

    public int socket(int family, int type) {
        int fd = Socket.socket(callState, family, type);
        if (fd >= 0 && family == Driver.AF_INET6) {
            // Dual-stack, like the JDK's sockets: an IPv6 socket also serves IPv4-mapped peers.
            Socket.setsockopt(callState, fd, Socket.IPPROTO_IPV6, Socket.IPV6_V6ONLY, 0);
        }
        return fd;
    }

    public int bind(int fd, SocketAddress address) {
        int len = encode(fd, address, addressScratch);
        return Socket.bind(callState, fd, addressScratch, len);
    }

    public int listen(int fd, int backlog) {
        return Socket.listen(callState, fd, backlog);
    }

    /**
     * Encodes {@code address} for {@code fd}'s family into {@code dst}; returns its length. A Unix-domain address
     * needs no family lookup (and no system call).
     */
    public int encode(int fd, SocketAddress address, MemorySegment dst) {
        if (address instanceof InetSocketAddress inet) {
            return SockAddr.encode(inet, family(fd, inet), dst);
        }
        return SockAddr.encode(address, Driver.AF_UNIX, dst);
    }

    /** {@code SO_PEERCRED} into {@code ucred} (12 bytes): 0 or -errno. */
    public int peerCredentials(int fd, MemorySegment ucred) {
        int r = Socket.getsockopt(callState, fd, Socket.SOL_SOCKET, Socket.SO_PEERCRED,
                ucred.asSlice(0, Socket.UCRED_SIZE));
        return r < 0 ? r : 0;
    }

    public int setOption(int fd, SocketOpt option, int value) {
        if (option == SocketOpt.IP_MULTICAST_IF) {
            return Socket.setsockopt(callState, fd, Socket.IPPROTO_IP, Socket.IP_MULTICAST_IF, mreqn(null, value), 12);
        }
        return Socket.setsockopt(callState, fd, level(option), name(option), value);
    }

    public int getOption(int fd, SocketOpt option) {
        if (option == SocketOpt.IP_MULTICAST_IF) {
            return -Errno.EOPNOTSUPP; // Linux gives back an address, not the index that was set
        }
        int r = Socket.getsockopt(callState, fd, level(option), name(option));
        return r < 0 || isSize(option) ? r : (r != 0 ? 1 : 0);
    }

    public InetSocketAddress localAddress(int fd) throws IOException {
        InetSocketAddress a = Socket.getsockname(callState, fd);
        if (a == null) {
            throw Errno.exception("getsockname(fd=" + fd + ")", Socket.lastErrno(callState));
        }
        return a;
    }

    public InetSocketAddress peerAddress(int fd) throws IOException {
        InetSocketAddress a = Socket.getpeername(callState, fd);
        if (a == null) {
            throw Errno.exception("getpeername(fd=" + fd + ")", Socket.lastErrno(callState));
        }
        return a;
    }

    public int shutdown(int fd, int how) {
        return Socket.shutdown(callState, fd, how);
    }

    /** The pending error of a non-blocking connect ({@code SO_ERROR}) as {@code -errno}, or 0. */
    public int connectError(int fd) {
        int r = Socket.getsockopt(callState, fd, Socket.SOL_SOCKET, Socket.SO_ERROR);
        return r < 0 ? r : -r;
    }

    /** The family of socket {@code fd}, judged from its local address; falls back to the target's. */
    private int family(int fd, InetSocketAddress target) {
        InetSocketAddress local = Socket.getsockname(callState, fd);
        if (local != null) {
            return SockAddr.isV4(local) ? SockAddr.AF_INET : SockAddr.AF_INET6;
        }
        return SockAddr.family(target);
    }

    /**
     * Joins ({@code join}) or leaves multicast {@code group} on interface {@code ifindex} (0: the kernel picks by
     * its routes). An IPv4 group takes {@code struct ip_mreqn} at IPPROTO_IP (an IPv6 socket too: Linux passes
     * that level on to IPv4 for its mapped traffic), an IPv6 group {@code struct ipv6_mreq}. Returns 0 or -errno.
     */
    public int membership(int fd, boolean join, InetAddress group, int ifindex) {
        if (group instanceof Inet4Address) {
            int name = join ? Socket.IP_ADD_MEMBERSHIP : Socket.IP_DROP_MEMBERSHIP;
            return Socket.setsockopt(callState, fd, Socket.IPPROTO_IP, name, mreqn(group, ifindex), 12);
        }
        // struct ipv6_mreq { struct in6_addr ipv6mr_multiaddr; int ipv6mr_ifindex; }   (linux/in6.h)
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        b.put(group.getAddress()).putInt(ifindex);
        int name = join ? Socket.IPV6_ADD_MEMBERSHIP : Socket.IPV6_DROP_MEMBERSHIP;
        return Socket.setsockopt(callState, fd, Socket.IPPROTO_IPV6, name, MemorySegment.ofArray(b.array()), 20);
    }

    /**
     * {@code struct ip_mreqn { struct in_addr imr_multiaddr; struct in_addr imr_address; int imr_ifindex; }}
     * (linux/in.h): the group (or 0.0.0.0), any local address, the interface index.
     */
    private static MemorySegment mreqn(InetAddress group, int ifindex) {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        b.put(group == null ? new byte[4] : group.getAddress()).putInt(0).putInt(ifindex);
        return MemorySegment.ofArray(b.array());
    }

    /** Options whose value is a number, not a boolean to report as 0/1. */
    private static boolean isSize(SocketOpt option) {
        return switch (option) {
            case SO_RCVBUF, SO_SNDBUF, IP_TTL, IP_MULTICAST_TTL, IPV6_UNICAST_HOPS, IPV6_MULTICAST_HOPS,
                 IPV6_MULTICAST_IF -> true;
            default -> false;
        };
    }

    private static int level(SocketOpt option) {
        return switch (option) {
            case TCP_NODELAY -> Socket.IPPROTO_TCP;
            case IP_TTL, IP_MULTICAST_TTL, IP_MULTICAST_LOOP, IP_MULTICAST_IF -> Socket.IPPROTO_IP;
            case IPV6_UNICAST_HOPS, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP, IPV6_MULTICAST_IF -> Socket.IPPROTO_IPV6;
            default -> Socket.SOL_SOCKET;
        };
    }

    private static int name(SocketOpt option) {
        return switch (option) {
            case SO_REUSEADDR -> Socket.SO_REUSEADDR;
            case SO_REUSEPORT -> Socket.SO_REUSEPORT;
            case SO_KEEPALIVE -> Socket.SO_KEEPALIVE;
            case SO_BROADCAST -> Socket.SO_BROADCAST;
            case SO_RCVBUF -> Socket.SO_RCVBUF;
            case SO_SNDBUF -> Socket.SO_SNDBUF;
            case TCP_NODELAY -> Socket.TCP_NODELAY;
            case IP_TTL -> Socket.IP_TTL;
            case IP_MULTICAST_TTL -> Socket.IP_MULTICAST_TTL;
            case IP_MULTICAST_LOOP -> Socket.IP_MULTICAST_LOOP;
            case IP_MULTICAST_IF -> Socket.IP_MULTICAST_IF;
            case IPV6_UNICAST_HOPS -> Socket.IPV6_UNICAST_HOPS;
            case IPV6_MULTICAST_HOPS -> Socket.IPV6_MULTICAST_HOPS;
            case IPV6_MULTICAST_LOOP -> Socket.IPV6_MULTICAST_LOOP;
            case IPV6_MULTICAST_IF -> Socket.IPV6_MULTICAST_IF;
        };
    }
}
