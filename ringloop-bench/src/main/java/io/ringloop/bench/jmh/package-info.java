/**
 * JMH microbenchmarks of the runtime's hot paths. The harness is generated at compile time by JMH's
 * annotation processor (see the module's pom) and listed in META-INF/BenchmarkList inside the jar;
 * {@code ./ringloop bench --micro [regex]} runs them through {@link io.ringloop.bench.jmh.MicroRunner} with
 * JMH's GC profiler, so {@code gc.alloc.rate.norm} shows the bytes allocated per operation (the hot path's
 * target is 0). Benchmarks run on the class path with the ringloop JVM flags, so they may call the
 * internal packages ({@code io.ringloop.sys}, {@code driver}, {@code loop.internal}) directly.
 */
package io.ringloop.bench.jmh;
