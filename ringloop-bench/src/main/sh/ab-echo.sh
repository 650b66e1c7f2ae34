#!/usr/bin/env bash
# Usage: ab-echo.sh BEFORE_DIR AFTER_DIR [ROUNDS] [SERVERS]
#   defaults: 3 rounds; SERVERS ringloop-io_uring-task,ringloop-epoll-task,ringloop-epoll-callback
#
# A same-run before/after check of the echo's speed (what "no speed change" means in this project): two checkouts
# of ringloop (e.g. a `git worktree add ../before <commit>` and this one) run `./ringloop bench` in turn, ROUNDS
# times each, alternating, so both see the same machine. Prints, per server and scenario, the median server CPU µs
# per message of each side and their ratio (after / before): on a 2-core VM shared with other work, ratios within
# about ±10% with overlapping ranges are noise. Outputs stay in $OUT (default /tmp/ab-echo).
set -euo pipefail
before=$(readlink -f "$1")
after=$(readlink -f "$2")
rounds=${3:-3}
servers=${4:-ringloop-io_uring-task,ringloop-epoll-task,ringloop-epoll-callback}
out=${OUT:-/tmp/ab-echo}
mkdir -p "$out"
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    dir=$before; [ "$side" = after ] && dir=$after
    (cd "$dir" && ./ringloop bench --servers "$servers" --scenarios rate,latency --duration 3 --warmup 3 \
      --repeat 1) > "$out/$side-$round.txt" 2>&1
  done
done
python3 - "$out" <<'PY'
import glob, re, statistics, sys
data = {}
for f in sorted(glob.glob(sys.argv[1] + '/*-*.txt')):
    side = f.rsplit('/', 1)[1].split('-')[0]
    for line in open(f):
        m = re.match(r'(ringloop-\S+)\s+(rate|latency)\s+[\d,]+\s.*?\s\d+\s+([\d.]+)\s+\d+\s', line)
        if m:
            data.setdefault((m.group(1), m.group(2), side), []).append(float(m.group(3)))
for key in sorted({k[:2] for k in data}):
    b, a = data.get(key + ('before',), []), data.get(key + ('after',), [])
    if a and b:
        print(f'{key[0]:28} {key[1]:8} before {statistics.median(b):7.2f} {b}  after {statistics.median(a):7.2f} '
              f'{a}  ratio {statistics.median(a) / statistics.median(b):.2f}')
PY
