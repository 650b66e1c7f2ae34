package io.ringloop.cli;

import io.ringloop.Ringloop;
import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.loop.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The protocol servers' test matrix: every backend (io_uring, epoll, NIO) in both styles (task, framing), and the
 * framing style once more on io_uring with multishot receive, where the parser is shown the kernel's provided
 * buffers (native memory) instead of the loop's heap scratch.
 */
public final class Styles {
    /** One cell: a backend, a style, and whether io_uring's multishot receive is on. */
    public record Setup(Backend backend, ServerStyle style, boolean multishot) {
        /** A one-loop runtime on this backend; skips the test when io_uring is wanted and unusable here. */
        public Ringloop start() throws java.io.IOException {
            Assumptions.assumeTrue(backend != Backend.IO_URING || IoUringDriver.unusableReason() == null);
            return Ringloop.builder().backend(backend).multishotReceive(multishot).threads(1).start();
        }

        @Override
        public String toString() {
            return backend + " " + style + (multishot ? " multishot" : "");
        }
    }

    private Styles() {
    }

    /** Every cell, as one argument each. */
    public static Stream<Arguments> all() {
        List<Arguments> all = new ArrayList<>();
        for (ServerStyle style : ServerStyle.values()) {
            for (Backend b : List.of(Backend.IO_URING, Backend.EPOLL, Backend.NIO)) {
                all.add(Arguments.of(new Setup(b, style, false)));
            }
        }
        all.add(Arguments.of(new Setup(Backend.IO_URING, ServerStyle.FRAMING, true)));
        return all.stream();
    }
}
