/**
 * The side-by-side echo benchmark behind {@code ./ringloop bench}.
 *
 * <p>{@link io.ringloop.bench.BenchMain} is the orchestrator: for every server and scenario it starts the
 * server in its own JVM pinned to core 0, the load generator ({@code load}) in another JVM pinned to the
 * remaining cores, reads the server's CPU time from {@code /proc} around each measured window and writes
 * {@code bench-results/<timestamp>/} (results.json, report.html, charts). Sub-packages:
 * <ul>
 *   <li>{@code server}: the competitors' servers, each a {@code main} taking {@code --port}: echo (Netty 4.2
 *       transports, plain or behind {@code SslHandler}, a JDK selector loop, JDK virtual threads), and Netty's
 *       HTTP and Redis-protocol servers for the protocol scenarios.</li>
 *   <li>{@code proto}: the protocol scenarios ({@code --scenarios http,kv,tls}): wrk, redis-benchmark and a
 *       TLS echo client against ringloop's http/kv/echo --tls commands and those Netty servers.</li>
 *   <li>{@code load}: the load generator, closed-loop and fixed-rate open-loop, one selector per thread.</li>
 *   <li>{@code run}: scenarios, the server catalogue, processes and {@code /proc} readings.</li>
 *   <li>{@code report}: terminal table, results.json, charts and report.html.</li>
 *   <li>{@code jmh}: JMH microbenchmarks of the runtime's hot paths ({@code --micro}).</li>
 * </ul>
 * {@link io.ringloop.bench.FairnessBench} ({@code --scenarios fairness}) runs in-process instead: a quiet
 * connection's round trips beside a flooding one on one loop, with and without the fairness budget.
 * Nothing here is part of the runtime; it runs on the class path with the same JVM flags as the launcher.
 */
package io.ringloop.bench;
