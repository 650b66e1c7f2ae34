package io.ringloop.driver;

/** Socket options every backend supports. Values are ints: 0/1 for booleans, bytes for sizes. */
public enum SocketOpt {
    SO_REUSEADDR,
    SO_REUSEPORT,
    SO_KEEPALIVE,
    SO_BROADCAST,
    SO_RCVBUF,
    SO_SNDBUF,
    TCP_NODELAY
}
