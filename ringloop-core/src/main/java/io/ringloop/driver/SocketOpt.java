package io.ringloop.driver;

/**
 * Socket options. Values are ints: 0/1 for booleans, bytes for sizes, hops for TTLs, an interface index for the
 * multicast interfaces. The {@code IP_*} ones are for IPv4 sockets, the {@code IPV6_*} ones for IPv6 sockets (the
 * caller picks by its socket's family). Every backend supports them except where its platform API cannot: NIO has no
 * unicast TTL ({@link #IP_TTL}, {@link #IPV6_UNICAST_HOPS}: {@code -ENOPROTOOPT}), and the IPv4 multicast interface
 * cannot be read back on Linux ({@code getOption(IP_MULTICAST_IF)}: {@code -EOPNOTSUPP}).
 */
public enum SocketOpt {
    SO_REUSEADDR,
    SO_REUSEPORT,
    SO_KEEPALIVE,
    SO_BROADCAST,
    SO_RCVBUF,
    SO_SNDBUF,
    TCP_NODELAY,
    /** Unicast TTL of an IPv4 socket. */
    IP_TTL,
    IP_MULTICAST_TTL,
    IP_MULTICAST_LOOP,
    /** The interface multicast leaves by: its index, 0 for the kernel's choice. */
    IP_MULTICAST_IF,
    /** Unicast hop limit of an IPv6 socket. */
    IPV6_UNICAST_HOPS,
    IPV6_MULTICAST_HOPS,
    IPV6_MULTICAST_LOOP,
    /** The interface multicast leaves by: its index, 0 for the kernel's choice. */
    IPV6_MULTICAST_IF
}
