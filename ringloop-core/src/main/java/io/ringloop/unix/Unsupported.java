package io.ringloop.unix;

import io.ringloop.loop.internal.Loop;

/** The clear refusals of what a backend cannot do with Unix sockets (the NIO backend: the JDK's channels). */
final class Unsupported {
    private Unsupported() {
    }

    /** Throws when the loop runs on NIO: {@code call} and {@code why} name what is missing. */
    static void nio(Loop loop, String call, String why) {
        if (isNio(loop)) {
            throw new UnsupportedOperationException(call + ": not on the nio backend (" + why
                    + "); use io_uring or epoll");
        }
    }

    /** Throws for an abstract-namespace address on NIO. */
    static void abstractAddress(Loop loop, UnixAddress address, String call) {
        if (address.isAbstract()) {
            nio(loop, call, "the JDK's Unix-domain channels have no abstract namespace");
        }
    }

    static boolean isNio(Loop loop) {
        return "nio".equals(loop.driver().name());
    }
}
