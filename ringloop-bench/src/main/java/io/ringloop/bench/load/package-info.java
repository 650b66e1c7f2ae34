/**
 * The load generator: a few platform threads, each with a JDK selector over its share of the connections
 * (non-blocking NIO; epoll underneath on Linux), so it stays off the critical path with far fewer threads
 * than connections.
 *
 * <p><b>Closed loop</b> (latency, rate, bandwidth): each connection keeps {@code inFlight} messages
 * outstanding and sends one more per echo received. <b>Open loop</b> (fixed): sends follow a fixed schedule
 * per connection whatever the server does, and latency runs from the <i>scheduled</i> time, so a server
 * that stalls pays for every message it delayed (no coordinated omission). To keep the schedule to
 * microseconds the thread polls the selector between sends instead of sleeping in it, so its CPU use is
 * near 100% by design in this mode; it is judged saturated by its late sends instead.
 *
 * <p><b>Checks.</b> Every message starts with its 8-byte sequence number (checked on every echo: a lost,
 * duplicated or reordered byte breaks it); one in eight also has its body compared with the pattern.
 * Latencies go to one HdrHistogram single-writer recorder per thread; counters are thread-local and
 * published with opaque stores once per loop turn.
 */
package io.ringloop.bench.load;
