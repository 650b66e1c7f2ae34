package io.ringloop.cli;

import io.ringloop.loop.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The protocol servers' test matrix: every backend (io_uring, epoll, NIO) in both styles (task, framing). */
public final class Styles {
    private Styles() {
    }

    /** (backend, style) for every backend and style. */
    public static Stream<Arguments> all() {
        List<Arguments> all = new ArrayList<>();
        for (ServerStyle style : ServerStyle.values()) {
            for (Backend b : List.of(Backend.IO_URING, Backend.EPOLL, Backend.NIO)) {
                all.add(Arguments.of(b, style));
            }
        }
        return all.stream();
    }
}
