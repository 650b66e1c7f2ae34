/**
 * How a benchmark run is carried out: the scenarios and the server catalogue, child JVMs (same java
 * binary and class path as the orchestrator, the ringloop JVM flags, {@code taskset -c} pinning: the
 * server on the first allowed CPU, the generator on the rest), readiness by connect polling, and the
 * server's CPU time as utime + stime from {@code /proc/<pid>/stat} read when the generator opens and closes
 * each window. The generator reports its windows on stdout as one line per event (see LoadMain).
 */
package io.ringloop.bench.run;
