package io.ringloop.bench.run;

import java.util.List;

/**
 * One load shape. Closed loop when {@code rateMsgsPerSec == 0} (each connection keeps {@code inFlight}
 * messages outstanding); open loop at a fixed total rate otherwise, where the figure of merit is the
 * server's CPU use and p99 rather than messages/s.
 */
public record Scenario(String name, int connections, int inFlight, int payloadBytes, long rateMsgsPerSec,
                       String description) {

    /**
     * Default offered load of the {@code fixed} scenario: well below what any of the servers sustains on one
     * core of this machine kind (the slowest, JDK virtual threads, does several times more), so every server
     * serves the same load and only its cost differs.
     */
    public static final long DEFAULT_FIXED_RATE = 20_000;

    public boolean openLoop() {
        return rateMsgsPerSec > 0;
    }

    /** Every scenario of issue 6 in report order; {@code fixedRate} is the fixed scenario's total msgs/s. */
    public static List<Scenario> all(long fixedRate) {
        return List.of(
                new Scenario("latency", 1, 1, 64, 0, "1 connection, 64 B, 1 in flight"),
                new Scenario("rate", 50, 16, 64, 0, "50 connections, 64 B, 16 in flight each"),
                new Scenario("bandwidth", 10, 4, 16 * 1024, 0, "10 connections, 16 KiB, 4 in flight each"),
                new Scenario("fixed", 50, 1, 64, fixedRate,
                        "50 connections, 64 B, open loop at " + fixedRate + " msgs/s total"));
    }

    /** The quick run's scenarios (see BenchMain's time budget). */
    public static List<String> quickNames() {
        return List.of("latency", "rate");
    }
}
