package io.ringloop.loop.internal;

import io.ringloop.loop.Backend;
import io.ringloop.loop.LoopOptions;
import io.ringloop.driver.Driver;
import io.ringloop.driver.epoll.EpollDriver;
import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.driver.nio.NioDriver;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens the driver for a {@link Backend}. AUTO is resolved here: the {@code RINGLOOP_BACKEND} environment
 * variable (or system property {@code ringloop.backend}) first, then io_uring when usable, else epoll, else
 * NIO. The choice and its reason are logged once per process.
 */
final class Drivers {
    private static final System.Logger LOG = System.getLogger("io.ringloop");
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    record Opened(Driver driver, String reason) {
    }

    private Drivers() {
    }

    static Backend fromName(String name) {
        return switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "io_uring", "iouring", "uring" -> Backend.IO_URING;
            case "epoll" -> Backend.EPOLL;
            case "nio" -> Backend.NIO;
            case "auto" -> Backend.AUTO;
            default -> throw new IllegalArgumentException(
                    "unknown backend '" + name + "': expected io_uring, epoll, nio or auto");
        };
    }

    static Opened open(Backend requested, LoopOptions options) throws IOException {
        String reason;
        Backend backend = requested;
        if (backend == Backend.AUTO) {
            String override = System.getProperty("ringloop.backend", System.getenv("RINGLOOP_BACKEND"));
            if (override != null && !override.isBlank()) {
                backend = fromName(override.trim());
                reason = "RINGLOOP_BACKEND=" + override.trim();
            } else {
                reason = "AUTO";
            }
        } else {
            reason = "requested";
        }
        Driver d;
        if (backend == Backend.AUTO) {
            d = openAuto(options);
            reason = reason + ": " + autoReason;
        } else {
            d = openExactly(backend, options);
        }
        if (LOGGED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.INFO, "ringloop backend " + d.name() + " (" + reason + ")");
        }
        return new Opened(d, reason);
    }

    private static String autoReason = "";

    private static Driver openAuto(LoopOptions options) throws IOException {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            autoReason = "not Linux, so nio";
            return openExactly(Backend.NIO, options);
        }
        String unusable;
        try {
            unusable = IoUringDriver.unusableReason();
        } catch (RuntimeException | LinkageError e) {
            unusable = e.toString();
        }
        if (unusable == null) {
            try {
                Driver d = openExactly(Backend.IO_URING, options);
                autoReason = "io_uring usable";
                return d;
            } catch (IOException | RuntimeException e) {
                unusable = e.getMessage();
            }
        }
        try {
            Driver d = openExactly(Backend.EPOLL, options);
            autoReason = "io_uring unusable (" + unusable + "), so epoll";
            return d;
        } catch (IOException | RuntimeException | LinkageError e) {
            autoReason = "epoll unusable (" + e.getMessage() + "), so nio";
            return openExactly(Backend.NIO, options);
        }
    }

    private static Driver openExactly(Backend backend, LoopOptions options) throws IOException {
        return switch (backend) {
            case EPOLL -> new EpollDriver();
            case IO_URING -> {
                String why = IoUringDriver.unusableReason();
                if (why != null) {
                    throw new IOException("backend io_uring was forced but is unusable here: " + why);
                }
                // The provided-buffer ring (2 MiB by default) only serves multishot receive: no ring without it.
                IoUringDriver d = new IoUringDriver(options.ringEntries(),
                        options.multishotReceive() ? options.providedBuffers() : 0);
                if (options.zeroCopyMinBytes() > 0) {
                    d.zeroCopyWrites(options.zeroCopyMinBytes());
                }
                d.multishotReceive(options.multishotReceive());
                if (options.fixedFilesAfterOps() > 0) {
                    d.fixedFilesAfter(options.fixedFilesAfterOps()); // refused: sockets use their fds as usual
                }
                yield d;
            }
            case NIO -> new NioDriver();
            case AUTO -> throw new IllegalArgumentException("AUTO must be resolved first");
        };
    }
}
