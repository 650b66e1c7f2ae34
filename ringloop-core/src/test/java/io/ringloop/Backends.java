package io.ringloop;

import io.ringloop.loop.Backend;
import java.util.List;

/** The backends every behaviour test runs on. */
public final class Backends {
    private Backends() {
    }

    /** Source for {@code @MethodSource("io.ringloop.Backends#all")}. */
    public static List<Backend> all() {
        return List.of(Backend.IO_URING, Backend.EPOLL, Backend.NIO);
    }
}
