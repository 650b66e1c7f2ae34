package io.ringloop.driver.contract;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringloop.driver.Driver;
import io.ringloop.driver.epoll.EpollDriver;
import io.ringloop.driver.nio.NioDriver;
import io.ringloop.driver.uring.IoUringDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * The backends the contract suite runs on ({@code @EnumSource(DriverKind.class)}), each opened through its
 * public constructor in its default configuration, as a loop opens it. Where a rule lets a backend say no
 * ({@link Driver#pollReady}, {@link Driver#deadline}), the kind says which answer the suite expects, so a
 * backend that starts saying no where it said yes fails.
 */
public enum DriverKind {
    /** Skipped (by assumption) where io_uring is unusable: kernel too old, disabled, refused by seccomp. */
    IO_URING("io_uring", true, true),
    EPOLL("epoll", true, false),
    NIO("nio", false, false);

    /** Ring size (SQ entries) for io_uring unless a test asks for a small one. */
    public static final int DEFAULT_RING_ENTRIES = 64;

    private final String driverName;
    private final boolean pollsForeignFds;
    private final boolean keepsDeadlines;

    DriverKind(String driverName, boolean pollsForeignFds, boolean keepsDeadlines) {
        this.driverName = driverName;
        this.pollsForeignFds = pollsForeignFds;
        this.keepsDeadlines = keepsDeadlines;
    }

    /** What {@link Driver#name()} says. */
    public String driverName() {
        return driverName;
    }

    /** True when {@link Driver#pollReady} waits for foreign fds; false when it says -EOPNOTSUPP. */
    public boolean pollsForeignFds() {
        return pollsForeignFds;
    }

    /** True when {@link Driver#deadline} takes a kernel-kept time limit; false when it always says false. */
    public boolean keepsDeadlines() {
        return keepsDeadlines;
    }

    /** A new driver of this kind in its default configuration. */
    public Driver open() {
        return open(DEFAULT_RING_ENTRIES);
    }

    /**
     * A new driver of this kind; io_uring gets a ring of {@code ringEntries} SQEs (twice as many CQEs), so tests
     * can fill it. Epoll and NIO have no ring: their buffers (epoll's 256 events per wait, the selector's
     * key set) are fixed inside the backend.
     */
    public Driver open(int ringEntries) {
        try {
            return switch (this) {
                case IO_URING -> {
                    assumeTrue(IoUringDriver.unusableReason() == null, IoUringDriver::unusableReason);
                    yield new IoUringDriver(ringEntries);
                }
                case EPOLL -> new EpollDriver();
                case NIO -> new NioDriver();
            };
        } catch (IOException e) {
            throw new UncheckedIOException("open " + driverName, e);
        }
    }

    /**
     * The drivers one test opened, closed after it (register with JUnit's {@code @AutoClose}), then its
     * buffers' arena. Closing a driver twice is allowed by the contract, so a test may close one itself.
     */
    public static final class Opened implements AutoCloseable {
        private final List<Driver> drivers = new ArrayList<>();
        private final Arena arena = Arena.ofShared();

        /** A shared arena for the test's buffers, closed after every driver. */
        public Arena arena() {
            return arena;
        }

        /** Opens a driver of {@code kind} (default configuration) and keeps it for closing. */
        public Driver open(DriverKind kind) {
            return keep(kind.open());
        }

        /** Opens a driver of {@code kind} with a ring of {@code ringEntries} (io_uring) and keeps it. */
        public Driver open(DriverKind kind, int ringEntries) {
            return keep(kind.open(ringEntries));
        }

        private Driver keep(Driver d) {
            drivers.add(d);
            return d;
        }

        @Override
        public void close() {
            try {
                for (Driver d : drivers.reversed()) {
                    d.close();
                }
                drivers.clear();
            } finally {
                if (arena.scope().isAlive()) {
                    arena.close(); // once: a test may close early, then JUnit closes again
                }
            }
        }
    }
}
