/**
 * The protocol benchmarks of {@code ./ringloop bench --scenarios http,kv,tls,https}: ringloop's own servers
 * ({@code ringloop http}, {@code ringloop kv}, {@code ringloop echo --tls}, {@code ringloop http --tls}) beside Netty 4.2 servers of the same
 * function ({@code HttpServerCodec}, codec-redis, {@code SslHandler} on the JDK provider), driven by generators
 * nobody here wrote where they exist: <b>wrk</b> for HTTP and HTTPS (plain and pipelined 16 deep with a Lua
 * script; over TLS wrk's OpenSSL client, against the same certificate for both servers) and
 * <b>redis-benchmark</b> for RESP ({@code -P 1} and {@code -P 16}, SET then GET). TLS echo has no such C tool,
 * so {@link io.ringloop.bench.proto.TlsEchoClient} (the JDK's {@code SSLSocket}, as {@code tls-echo-cpu.sh})
 * drives it.
 *
 * <p><b>Method.</b> Each server runs in its own JVM pinned to the first CPU ({@code taskset}), the generator on
 * the others. Per load: a warm-up run, then a measured run; the server's utime+stime from {@code /proc/PID/stat}
 * is read around the measured run, so the figure of merit is <b>server CPU per request</b> (the generators are
 * C and one core, and on two CPUs they can saturate before the server: then requests/s says more about the
 * generator, CPU per request still compares the servers). A scenario whose tool is missing is skipped with one
 * line naming the Debian package to install.
 */
package io.ringloop.bench.proto;
