package io.ringloop.frame;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.util.List;

/** The four receive paths every framing test runs on: io_uring with and without multishot receive, epoll, NIO. */
record FrameSetup(Backend backend, boolean multishot) {
    static List<FrameSetup> all() {
        return List.of(new FrameSetup(Backend.IO_URING, true), new FrameSetup(Backend.IO_URING, false),
                new FrameSetup(Backend.EPOLL, false), new FrameSetup(Backend.NIO, false));
    }

    Ringloop start(int threads) throws IOException {
        return builder().threads(threads).start();
    }

    Ringloop.Builder builder() {
        return Ringloop.builder().backend(backend).multishotReceive(multishot);
    }

    @Override
    public String toString() {
        return backend + (multishot ? "+multishot" : "");
    }
}
