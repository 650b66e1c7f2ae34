/**
 * The competitors' echo servers, each a {@code main} taking {@code --port P} (and {@code --transport} for
 * Netty), started by the orchestrator in a JVM of its own pinned to one CPU. Each is written the way its
 * users would write it, tuned as they would tune it and no further: Netty 4.2's usual write-on-read,
 * flush-on-read-complete handler with pooled direct buffers and one event loop; a single-threaded JDK
 * selector loop with a direct buffer per connection that only asks for OP_WRITE when the socket backs up;
 * one JDK virtual thread per connection with blocking java.net sockets. Every server also has a static
 * {@code start(port)} so tests can run it in process.
 */
package io.ringloop.bench.server;
