package io.ringloop.driver.nio;

import io.ringloop.driver.Driver;
import io.ringloop.driver.SocketOpt;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import io.ringloop.sys.UnixSockAddr;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The synchronous socket calls of the {@link NioDriver} on one {@link NioChannel}: making the JDK channel (a
 * stream socket becomes one only at {@code listen} or {@code connect}), bind, options, addresses, shutdown. The
 * NIO counterpart of {@link LinuxSockets}. Results are {@code 0}/values or {@code -errno}, as the driver returns
 * them. Loop thread only.
 */
final class NioSockets {
    private final Selector selector;

    NioSockets(Selector selector) {
        this.selector = selector;
    }

    /** {@code AF_INET}/{@code AF_INET6} as a JDK family; null for any other. */
    static ProtocolFamily family(int family) {
        return switch (family) {
            case Driver.AF_INET -> StandardProtocolFamily.INET;
            case Driver.AF_INET6 -> StandardProtocolFamily.INET6;
            case Driver.AF_UNIX -> StandardProtocolFamily.UNIX;
            default -> null;
        };
    }

    /**
     * {@code address} as the JDK's channels take it: a {@link UnixSockAddr} path becomes a
     * {@link UnixDomainSocketAddress}; null for what they cannot take (an abstract or unnamed Unix address: the
     * JDK has no abstract namespace).
     */
    static SocketAddress jdkAddress(SocketAddress address) {
        if (address instanceof UnixSockAddr u) {
            return u.isAbstract() || u.isUnnamed() ? null : UnixDomainSocketAddress.of(u.name());
        }
        return address;
    }

    /** Makes {@code channel} non-blocking and registers it, with no interest yet, under {@code ch}. */
    void attach(NioChannel ch, SelectableChannel channel) throws IOException {
        channel.configureBlocking(false);
        ch.key = channel.register(selector, 0, ch);
        ch.channel = channel;
    }

    /** A datagram channel for a new {@link NioChannel#DATAGRAM} {@code ch}. */
    void openDatagram(NioChannel ch) throws IOException {
        DatagramChannel dc = DatagramChannel.open(ch.family);
        try {
            attach(ch, dc);
        } catch (IOException | RuntimeException e) {
            closeQuietly(dc);
            throw e;
        }
    }

    /** Turns an {@link NioChannel#UNBOUND_STREAM} into a connection-to-be, with its recorded options and bind. */
    void openStream(NioChannel ch) throws IOException {
        SocketChannel sc = SocketChannel.open(ch.family);
        try {
            ch.options.applyTo(sc, false);
            if (ch.bindAddress != null) {
                sc.bind(ch.bindAddress);
            }
            ch.kind = NioChannel.STREAM;
            attach(ch, sc);
        } catch (IOException | RuntimeException e) {
            ch.kind = NioChannel.UNBOUND_STREAM;
            closeQuietly(sc);
            throw e;
        }
    }

    int bind(NioChannel ch, SocketAddress requested) {
        SocketAddress address = jdkAddress(requested);
        if (address == null) {
            return -Errno.EOPNOTSUPP;
        }
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            return -Errno.EINVAL;
        }
        if ((ch.family == StandardProtocolFamily.UNIX) != (address instanceof UnixDomainSocketAddress)) {
            return -Errno.EAFNOSUPPORT;
        }
        if (ch.kind == NioChannel.DATAGRAM) {
            try {
                ((DatagramChannel) ch.channel).bind(address);
                return 0;
            } catch (IOException | RuntimeException e) {
                return NioErrors.result(e);
            }
        }
        if (ch.kind != NioChannel.UNBOUND_STREAM || ch.bindAddress != null) {
            return -Errno.EINVAL; // bound already, as Linux answers a second bind
        }
        if (ch.family == StandardProtocolFamily.INET && !SockAddr.isV4((InetSocketAddress) address)) {
            return -Errno.EAFNOSUPPORT;
        }
        ch.bindAddress = address; // bound for real at listen or connect
        return 0;
    }

    int listen(NioChannel ch, int backlog) {
        switch (ch.kind) {
            case NioChannel.LISTENER -> {
                return 0; // listening already; the JDK cannot change the backlog afterwards
            }
            case NioChannel.UNBOUND_STREAM -> {
            }
            case NioChannel.DATAGRAM -> {
                return -Errno.EOPNOTSUPP;
            }
            default -> {
                return -Errno.EINVAL;
            }
        }
        ServerSocketChannel ssc = null;
        try {
            ssc = ServerSocketChannel.open(ch.family);
            ch.options.applyTo(ssc, true);
            ssc.bind(ch.bindAddress, backlog);
            ch.kind = NioChannel.LISTENER;
            attach(ch, ssc);
            return 0;
        } catch (IOException | RuntimeException e) {
            ch.kind = NioChannel.UNBOUND_STREAM;
            closeQuietly(ssc);
            return NioErrors.result(e);
        }
    }

    int setOption(NioChannel ch, SocketOpt option, int value) {
        if (ch.channel == null) {
            ch.options.record(option, value);
            return 0;
        }
        NetworkChannel nc = (NetworkChannel) ch.channel;
        if (ch.kind == NioChannel.LISTENER && !NioOptions.supports(nc, option)) {
            ch.options.record(option, value); // for the accepted connections
            return 0;
        }
        try {
            NioOptions.set(nc, option, value);
            return 0;
        } catch (IOException | RuntimeException e) {
            return NioErrors.result(e);
        }
    }

    int getOption(NioChannel ch, SocketOpt option) {
        if (ch.options.isRecorded(option)) {
            int v = ch.options.recorded(option);
            SocketOption<?> o = NioOptions.standard(option);
            return o != null && o.type() == Boolean.class ? (v != 0 ? 1 : 0) : v;
        }
        try {
            if (ch.channel != null) {
                return NioOptions.get((NetworkChannel) ch.channel, option);
            }
            try (SocketChannel probe = SocketChannel.open(ch.family)) {
                return NioOptions.get(probe, option); // not made yet: a fresh socket's default
            }
        } catch (IOException | RuntimeException e) {
            return NioErrors.result(e);
        }
    }

    InetSocketAddress localAddress(NioChannel ch) throws IOException {
        if (ch.channel == null) {
            return ch.bindAddress instanceof InetSocketAddress a ? a : wildcard(ch);
        }
        try {
            SocketAddress a = ((NetworkChannel) ch.channel).getLocalAddress();
            if (a != null && !(a instanceof InetSocketAddress)) {
                throw Errno.exception("getsockname(handle=" + ch.handle + "): a Unix socket", Errno.EAFNOSUPPORT);
            }
            return a != null ? (InetSocketAddress) a : wildcard(ch);
        } catch (IOException | RuntimeException e) {
            throw Errno.exception("getsockname(handle=" + ch.handle + ")", NioErrors.errno(e));
        }
    }

    /** What {@code getsockname} says of an unbound socket: the wildcard address, port 0. */
    private static InetSocketAddress wildcard(NioChannel ch) throws IOException {
        byte[] any = new byte[ch.family == StandardProtocolFamily.INET ? 4 : 16];
        return new InetSocketAddress(InetAddress.getByAddress(any), 0);
    }

    InetSocketAddress peerAddress(NioChannel ch) throws IOException {
        int errno = Errno.ENOTCONN;
        try {
            SocketAddress a = switch (ch.channel) {
                case SocketChannel sc when sc.isConnected() -> sc.getRemoteAddress();
                case DatagramChannel dc -> dc.getRemoteAddress();
                case null, default -> null;
            };
            if (a instanceof InetSocketAddress inet) {
                return inet;
            }
            errno = a != null ? Errno.EAFNOSUPPORT : errno;
        } catch (IOException | RuntimeException e) {
            errno = NioErrors.errno(e);
        }
        throw Errno.exception("getpeername(handle=" + ch.handle + ")", errno);
    }

    int shutdown(NioChannel ch, int how) {
        if (!(ch.channel instanceof SocketChannel sc)) {
            return -Errno.ENOTCONN;
        }
        if (how < Driver.SHUT_RD || how > Driver.SHUT_RDWR) {
            return -Errno.EINVAL;
        }
        try {
            if (how != Driver.SHUT_WR) {
                sc.shutdownInput();
            }
            if (how != Driver.SHUT_RD) {
                sc.shutdownOutput();
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return NioErrors.result(e);
        }
    }

    static void closeQuietly(SelectableChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignore) {
            // Already failing: the caller reports the first error.
        }
    }
}
