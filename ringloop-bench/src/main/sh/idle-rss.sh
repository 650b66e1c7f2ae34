#!/usr/bin/env bash
# Usage: idle-rss.sh [CONNECTIONS] [BACKENDS] [STYLES]     (defaults: 10000 "io_uring epoll" "task callback framing")
#
# Resident memory per idle connection of `./ringloop echo`: for each backend and style, starts the echo server
# alone, reads its RSS, opens CONNECTIONS idle connections from a separate JVM (io.ringloop.bench.load.IdleClients:
# one byte echoed on each, so every connection is accepted and its handler waits in a read), reads the RSS again,
# and prints (RSS loaded - RSS idle) / CONNECTIONS. Both readings follow a full GC (jcmd GC.run) and a second to
# settle, so they count what the server holds, not garbage it has not collected yet. Also prints RssAnon (heap,
# malloc and FFM arenas, thread stacks; no mapped files) the same way.
#
# EXTRA adds echo options (e.g. EXTRA="--buffer-kib 4"); RINGLOOP_JAVA_OPTS reaches the server's JVM. TLS=1 serves
# `echo --tls` (a self-signed certificate made at start) and connects with io.ringloop.bench.load.IdleTlsClients:
# each connection handshaken, then one byte echoed (one connection at a time: allow a few ms per connection).
# The hard fd limit must cover CONNECTIONS in each process (ulimit -Hn).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../../../.."

connections=${1:-10000}
backends=${2:-io_uring epoll}
styles=${3:-task callback framing}
work="$(mktemp -d "${TMPDIR:-/tmp}/idle-rss.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Builds the jars if the sources changed (the build's and the runtime's messages only if it fails).
./ringloop info >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
java="$(./ringloop java-home)/bin/java"
jcmd="$(./ringloop java-home)/bin/jcmd"
bench_jar="$(ls ringloop-bench/target/ringloop-bench-*.jar | grep -v -- '-sources\|-tests\|original-' | head -n 1)"

status_kib() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }

# Waits up to $3 seconds for a line matching $2 in file $1; prints it, or fails with the file's tail.
await_line() {
  local file=$1 pattern=$2 seconds=$3 i line
  for ((i = 0; i < seconds * 10; i++)); do
    line="$(grep -m 1 -E "$pattern" "$file" 2>/dev/null || true)"
    if [[ -n "$line" ]]; then
      printf '%s\n' "$line"
      return 0
    fi
    sleep 0.1
  done
  printf 'idle-rss: no "%s" in %s after %s s:\n' "$pattern" "$file" "$seconds" >&2
  tail -n 20 "$file" >&2
  return 1
}

# Prints "VmRSS RssAnon" (KiB) of pid $1 after a full GC and a second to settle.
settled_kib() {
  "$jcmd" "$1" GC.run >/dev/null
  sleep 1
  printf '%s %s\n' "$(status_kib "$1" VmRSS)" "$(status_kib "$1" RssAnon)"
}

per_connection() { awk -v a="$1" -v b="$2" -v n="$connections" 'BEGIN {printf "%.1f", (b - a) / n}'; }

printf '%-9s %-9s %7s %12s %12s %14s %16s\n' backend style conns "idle RSS" "loaded RSS" "RSS/conn" "RssAnon/conn"
for backend in $backends; do
  for style in $styles; do
    ./ringloop echo --host 127.0.0.1 --port 0 --backend "$backend" --style "$style" ${EXTRA:-} ${TLS:+--tls} \
      >"$work/server.log" 2>&1 &
    server=$!
    banner="$(await_line "$work/server.log" '^ringloop echo: port [0-9]+,' 60)"
    port="$(sed -E 's/^ringloop echo: port ([0-9]+),.*/\1/' <<<"$banner")"
    sleep 1
    read -r idle_rss idle_anon < <(settled_kib "$server")

    mkfifo "$work/hold"
    clients_main=io.ringloop.bench.load.IdleClients
    [[ -n "${TLS:-}" ]] && clients_main=io.ringloop.bench.load.IdleTlsClients
    "$java" -Xmx1g -XX:+UseSerialGC -cp "$bench_jar" "$clients_main" "$port" "$connections" \
      <"$work/hold" >"$work/clients.log" 2>&1 &
    clients=$!
    exec 4>"$work/hold"   # the clients hold their connections until this closes
    ready="$(await_line "$work/clients.log" '^(READY|FAILED)' 300)"
    [[ "$ready" == READY* ]] || { echo "idle-rss: clients: $ready" >&2; exit 1; }
    sleep 1
    read -r loaded_rss loaded_anon < <(settled_kib "$server")
    fds=$(ls "/proc/$server/fd" | wc -l)

    exec 4>&-
    wait "$clients" || true
    rm -f "$work/hold"
    kill -TERM "$server"
    wait "$server" || true
    printf '%-9s %-9s %7d %9d KiB %9d KiB %10.1f KiB %12.1f KiB   (server fds loaded: %d)\n' \
      "$backend" "$style" "$connections" "$idle_rss" "$loaded_rss" \
      "$(per_connection "$idle_rss" "$loaded_rss")" "$(per_connection "$idle_anon" "$loaded_anon")" "$fds"
  done
done
