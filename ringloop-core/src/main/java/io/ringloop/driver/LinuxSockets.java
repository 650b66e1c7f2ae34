package io.ringloop.driver;

import io.ringloop.sys.Errno;
import io.ringloop.sys.Libc;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.Socket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

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
        return Socket.setsockopt(callState, fd, level(option), name(option), value);
    }

    public int getOption(int fd, SocketOpt option) {
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

    private static boolean isSize(SocketOpt option) {
        return option == SocketOpt.SO_RCVBUF || option == SocketOpt.SO_SNDBUF;
    }

    private static int level(SocketOpt option) {
        return option == SocketOpt.TCP_NODELAY ? Socket.IPPROTO_TCP : Socket.SOL_SOCKET;
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
        };
    }
}
