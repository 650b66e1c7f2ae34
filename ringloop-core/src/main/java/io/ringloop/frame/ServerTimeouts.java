package io.ringloop.frame;

import io.ringloop.net.ServerLimits;

/** {@link ServerLimits}' three connection timeouts in nanoseconds (0: none), read on every timer check. */
record ServerTimeouts(long idleNs, long readNs, long writeNs) {
    static ServerTimeouts of(ServerLimits limits) {
        return new ServerTimeouts(limits.idleTimeout().toNanos(), limits.readTimeout().toNanos(),
                limits.writeTimeout().toNanos());
    }
}
