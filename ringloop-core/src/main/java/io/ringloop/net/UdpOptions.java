package io.ringloop.net;

import io.ringloop.driver.SocketOpt;
import io.ringloop.sys.Errno;
import io.ringloop.sys.SockAddr;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;

/**
 * {@link UdpSocket}'s IP-level options and multicast membership: the IPv4 or IPv6 twin of an option by the
 * socket's family, and one message shape for a refusal, with what the backend cannot do named (NIO's
 * {@code DatagramChannel} has no unicast TTL and joins a group only on a given interface).
 */
final class UdpOptions {
    private UdpOptions() {
    }

    static void membership(UdpSocket s, boolean join, InetAddress group, NetworkInterface nif) throws IOException {
        s.ensureOpen("setsockopt");
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("not a multicast group: " + group.getHostAddress());
        }
        if (s.family() == SockAddr.AF_INET && !(group instanceof Inet4Address)) {
            throw new IllegalArgumentException("IPv6 group " + group.getHostAddress() + " on an IPv4 socket");
        }
        int ifindex = nif == null ? 0 : nif.getIndex();
        String what = "setsockopt(" + (join ? "join " : "leave ") + group.getHostAddress()
                + (nif == null ? "" : " on " + nif.getName()) + ", fd=" + s.handle + ")";
        int r = LoopCall.call(s.loop, d -> d.membership(s.handle, join, group, ifindex));
        if (r < 0) {
            throw Errno.exception(what + backendNote(s, r), r);
        }
    }

    /**
     * Sets an IP-level option: the IPv4 one on an IPv4 socket; on an IPv6 socket the IPv6 one, and with
     * {@code bothOnV6} the IPv4 one too, which Linux applies to the socket's IPv4-mapped traffic.
     */
    static void setIp(UdpSocket s, SocketOpt v4, SocketOpt v6, int value, boolean bothOnV6) throws IOException {
        s.ensureOpen("setsockopt");
        boolean ipv6 = s.family() == SockAddr.AF_INET6;
        SocketOpt first = ipv6 ? v6 : v4;
        check(s, "setsockopt(" + first + "=" + value + ", fd=" + s.handle + ")",
                LoopCall.call(s.loop, d -> d.setOption(s.handle, first, value)));
        if (ipv6 && bothOnV6) {
            check(s, "setsockopt(" + v4 + "=" + value + ", fd=" + s.handle + ")",
                    LoopCall.call(s.loop, d -> d.setOption(s.handle, v4, value)));
        }
    }

    static int getIp(UdpSocket s, SocketOpt v4, SocketOpt v6) throws IOException {
        s.ensureOpen("getsockopt");
        SocketOpt o = s.family() == SockAddr.AF_INET6 ? v6 : v4;
        return check(s, "getsockopt(" + o + ", fd=" + s.handle + ")",
                LoopCall.call(s.loop, d -> d.getOption(s.handle, o)));
    }

    static int check(UdpSocket s, String what, int r) throws IOException {
        if (r < 0) {
            throw Errno.exception(what + backendNote(s, r), r);
        }
        return r;
    }

    /** What a backend's refusal means, for the message: NIO's missing options. */
    private static String backendNote(UdpSocket s, int r) {
        if (!"nio".equals(s.driver.name())) {
            return "";
        }
        if (r == -Errno.ENOPROTOOPT) {
            return " on the nio backend (the JDK's DatagramChannel has no such option)";
        }
        return r == -Errno.EINVAL ? " on the nio backend (the JDK's DatagramChannel needs an interface)" : "";
    }
}
