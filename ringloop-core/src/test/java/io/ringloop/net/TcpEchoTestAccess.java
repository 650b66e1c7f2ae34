package io.ringloop.net;

import java.net.InetSocketAddress;

/** Shared constants for tests in other packages. */
public final class TcpEchoTestAccess {
    public static final InetSocketAddress ANY_LOCAL = TcpEchoTest.ANY_LOCAL;

    private TcpEchoTestAccess() {
    }
}
