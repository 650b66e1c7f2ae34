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
 * Opens the driver for a {@link Backend}. AUTO is resolved here: the system property {@code ringloop.backend}
 * or else the {@code RINGLOOP_BACKEND} environment variable first (any name {@link Backend#parse} takes), then
 * io_uring when usable, else epoll, else NIO. The choice and its reason are logged once per process, at DEBUG
 * (quiet by default); each loop keeps its own reason ({@link Opened}), so nothing here changes per run, shows it
 * in {@code backendReason()} and {@code metrics()}, and records an {@code io.ringloop.BackendChosen} JFR event.
 */
final class Drivers {
    private static final System.Logger LOG = System.getLogger("io.ringloop");
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    record Opened(Driver driver, String reason) {
    }

    private Drivers() {
    }

    static Opened open(Backend requested, LoopOptions options) throws IOException {
        String reason;
        Backend backend = requested;
        if (backend == Backend.AUTO) {
            String property = System.getProperty("ringloop.backend");
            String override = property != null ? property : System.getenv("RINGLOOP_BACKEND");
            if (override != null && !override.isBlank()) {
                String source = property != null ? "-Dringloop.backend" : "RINGLOOP_BACKEND";
                try {
                    backend = Backend.parse(override.trim());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
                }
                reason = source + "=" + override.trim();
            } else {
                reason = "AUTO";
            }
        } else {
            reason = "requested";
        }
        Opened opened;
        if (backend == Backend.AUTO) {
            Opened auto = openAuto(options);
            opened = new Opened(auto.driver(), reason + ": " + auto.reason());
        } else {
            opened = new Opened(openExactly(backend, options), reason);
        }
        if (LOGGED.compareAndSet(false, true)) {
            // Said quietly: the choice stays in metrics(), ./ringloop info and the BackendChosen JFR event.
            LOG.log(System.Logger.Level.DEBUG, "ringloop backend " + opened.driver().name() + " (" + opened.reason()
                    + ")");
        }
        return opened;
    }

    /** The first usable of io_uring, epoll and NIO, with why it was chosen. */
    private static Opened openAuto(LoopOptions options) throws IOException {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return new Opened(openExactly(Backend.NIO, options), "not Linux, so nio");
        }
        String unusable;
        try {
            unusable = IoUringDriver.unusableReason();
        } catch (RuntimeException | LinkageError e) {
            unusable = e.toString();
        }
        if (unusable == null) {
            try {
                return new Opened(openExactly(Backend.IO_URING, options), "io_uring usable");
            } catch (IOException | RuntimeException e) {
                unusable = e.getMessage();
            }
        }
        try {
            return new Opened(openExactly(Backend.EPOLL, options), "io_uring unusable (" + unusable + "), so epoll");
        } catch (IOException | RuntimeException | LinkageError e) {
            return new Opened(openExactly(Backend.NIO, options), "epoll unusable (" + e.getMessage() + "), so nio");
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
