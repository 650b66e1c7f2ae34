package io.ringloop.bench.load;

/**
 * What the generator offers. Closed loop when {@code rateMsgsPerSec == 0}: every connection keeps
 * {@code inFlight} messages outstanding and sends one as each echo completes. Open loop otherwise: sends
 * are scheduled at a constant total rate whatever the server does, and latency runs from the scheduled time
 * (so a stalled server cannot hide its stall by slowing the generator down).
 *
 * @param messagesPerConnection 0 = run by time (warm-up, then windows); otherwise stop after this many
 *                              echoes per connection (used by tests)
 */
public record LoadConfig(
        String host,
        int port,
        int connections,
        int inFlight,
        int payloadBytes,
        long rateMsgsPerSec,
        int threads,
        long warmupMs,
        long durationMs,
        int repeats,
        long messagesPerConnection) {

    /** Every message carries its 8-byte sequence number first. */
    public static final int MIN_PAYLOAD_BYTES = 8;
    /** Open loop: how many messages a connection may have outstanding before sends fall behind schedule. */
    static final int OPEN_LOOP_MAX_IN_FLIGHT = 1024;

    public LoadConfig {
        if (connections < 1 || inFlight < 1 || threads < 1 || repeats < 1) {
            throw new IllegalArgumentException("connections, in-flight, threads and repeats must be >= 1");
        }
        if (payloadBytes < MIN_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload must be >= " + MIN_PAYLOAD_BYTES + " bytes");
        }
        if (rateMsgsPerSec < 0 || messagesPerConnection < 0) {
            throw new IllegalArgumentException("rate and message bound must be >= 0");
        }
    }

    public boolean openLoop() {
        return rateMsgsPerSec > 0;
    }

    /** Outstanding messages a connection may have: its ring of send times is sized from this. */
    int maxOutstanding() {
        if (!openLoop()) {
            return inFlight;
        }
        // Bound the per-connection send buffer to about 1 MiB for large payloads.
        return Math.max(16, Math.min(OPEN_LOOP_MAX_IN_FLIGHT, (1 << 20) / payloadBytes));
    }
}
