package io.ringloop.loop;

import java.util.Locale;
import java.util.Objects;

/**
 * Which kernel interface a loop drives. {@link #AUTO} picks io_uring when the kernel allows it (not
 * disabled by sysctl, not refused by seccomp, every opcode we need present), else epoll, else NIO; the
 * {@code RINGLOOP_BACKEND} environment variable (or the system property {@code ringloop.backend}), holding a
 * name {@link #parse} accepts, overrides AUTO. The choice and its reason are logged once.
 */
public enum Backend {
    AUTO,
    IO_URING,
    EPOLL,
    NIO;

    /** The names {@link #parse} accepts, for its message. */
    private static final String VALID_NAMES = "auto, io_uring, iouring, uring, epoll, nio";

    /**
     * The backend a user named, in any case: {@code io_uring}, {@code iouring} or {@code uring}, {@code epoll},
     * {@code nio}, {@code auto}; a {@code -} may stand for the {@code _} ({@code io-uring}). Surrounding blanks
     * are not removed: {@code " epoll"} is no backend name.
     *
     * @throws IllegalArgumentException naming {@code name} and the valid names when it names no backend
     * @throws NullPointerException     when {@code name} is null
     */
    public static Backend parse(String name) {
        Objects.requireNonNull(name, "backend name");
        return switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "io_uring", "iouring", "uring" -> IO_URING;
            case "epoll" -> EPOLL;
            case "nio" -> NIO;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException(
                    "unknown backend '" + name + "': expected one of " + VALID_NAMES + " (any case)");
        };
    }
}
