#!/usr/bin/env bash
# Usage: kernel-waits.sh BACKEND STYLE CONNS IN_FLIGHT PAYLOAD [LOOPS] [SERVER_CPUS] [GEN_CPUS]
# (build first: ./ringloop info). Prints msgs/s, p99, generator CPU and kernel waits (io_uring_enter /
# epoll_wait) per echoed message, from the echo server's own counters printed at SIGTERM, and the server's
# CPU time per message while the load ran (from /proc/PID/stat, 10 ms ticks). EXTRA adds echo options,
# JOPTS options of the echo server's JVM.
set -u
cd "$(dirname "$(readlink -f "$0")")/../../../.."
J="$(./ringloop java-home)/bin/java"
CP="ringloop-bench/target/ringloop-bench-0.1.0-SNAPSHOT.jar:ringloop-bench/target/lib/*:ringloop-cli/target/ringloop-cli-0.1.0-SNAPSHOT.jar:ringloop-cli/target/lib/*:ringloop-core/target/ringloop-core-0.1.0-SNAPSHOT.jar"
backend=$1; style=$2; conns=$3; inflight=$4; payload=$5; threads=${6:-1}; srvcpu=${7:-0}; gencpu=${8:-1}
port=$((7100 + RANDOM % 500))
taskset -c $srvcpu $J ${JOPTS:-} -Xms256m -Xmx1g --enable-native-access=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED -cp "$CP" io.ringloop.cli.Main echo --port $port --backend $backend --style $style --threads $threads ${EXTRA:-} > ${TMPDIR:-/tmp}/ringloop-srv.log 2>&1 &
P=$!
sleep 1.5
# warm up, then a measured window; the server's wait count covers both, so count messages of both
cpu() { awk '{print $14 + $15}' /proc/$P/stat; }   # server user + system time, in clock ticks
c0=$(cpu)
taskset -c $gencpu $J -cp "$CP" io.ringloop.bench.load.LoadMain --port $port --connections $conns --in-flight $inflight --payload $payload --warmup-ms 0 --duration-ms 6000 --threads 1 > ${TMPDIR:-/tmp}/ringloop-gen.log 2>&1
c1=$(cpu)
kill -TERM $P; wait $P
msgs=$(grep -o 'messages=[0-9]*' ${TMPDIR:-/tmp}/ringloop-gen.log | head -1 | cut -d= -f2)
rate=$(grep -o 'msgsPerSec=[0-9.]*' ${TMPDIR:-/tmp}/ringloop-gen.log | head -1 | cut -d= -f2)
p99=$(grep -o 'p99Ns=[0-9]*' ${TMPDIR:-/tmp}/ringloop-gen.log | head -1 | cut -d= -f2)
gen=$(grep -o 'genCpuPct=[0-9.]*' ${TMPDIR:-/tmp}/ringloop-gen.log | head -1 | cut -d= -f2)
waits=$(grep -o '[0-9]* [a-z_]* calls' ${TMPDIR:-/tmp}/ringloop-srv.log | awk '{s+=$1} END {print s}')
hz=$(getconf CLK_TCK)
printf "%-9s %-8s conns=%-3s inflight=%-2s payload=%-6s loops=%s  msgs/s=%10.0f  p99=%6.0fus  gen%%=%5.1f  kernel-waits/msg=%s  server-us/msg=%s\n" \
  $backend $style $conns $inflight $payload $threads $rate $((p99/1000)) $gen $(python3 -c "print(round($waits/max(1,$msgs),3))") \
  $(python3 -c "print(round(($c1 - $c0) * 1e6 / $hz / max(1, $msgs), 3))")
