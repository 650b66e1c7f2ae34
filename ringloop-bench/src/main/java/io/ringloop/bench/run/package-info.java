/**
 * How a benchmark run is carried out: the scenarios and the server catalogue, child JVMs (same java
 * binary and class path as the orchestrator, the ringloop JVM flags, {@code taskset -c} pinning: the
 * server on the first allowed CPU, the generator on the rest), readiness by connect polling, and the
 * server's CPU time as utime + stime from {@code /proc/<pid>/stat} read when the generator opens and closes
 * each window, with the SQE and CQE counts of its io_uring rings from {@code /proc/<pid>/fdinfo} (see
 * RingCounters: how the zero-copy sends are counted without touching the runtime). The generator reports its
 * windows on stdout as one line per event (see LoadMain). Points are the matrix of chosen servers x scenarios,
 * plus the zero-copy sweep's own pairs (ZeroCopySweep).
 */
package io.ringloop.bench.run;
