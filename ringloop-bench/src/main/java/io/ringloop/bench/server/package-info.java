/**
 * The competitors' servers, each a {@code main} taking {@code --port P} (and {@code --transport} for Netty,
 * {@code --cert/--key} for Netty's TLS echo): echo servers, and Netty's HTTP ({@code HttpServerCodec}) and
 * Redis-protocol (codec-redis) servers of the same function as {@code ringloop http} and {@code ringloop kv} for
 * the protocol scenarios. The orchestrator starts each in a JVM of its own pinned to one CPU. Each is written the
 * way its users would write it, tuned as they would tune it and no further: the Netty ones share one bootstrap
 * ({@link io.ringloop.bench.server.NettyServer}: one event loop, pooled direct buffers) and the usual
 * write-on-read, flush-on-read-complete handler; a single-threaded JDK selector loop with a direct buffer per
 * connection that only asks for OP_WRITE when the socket backs up; one JDK virtual thread per connection with
 * blocking java.net sockets. Every server also has a static {@code start(port)} so tests can run it in process.
 */
package io.ringloop.bench.server;
