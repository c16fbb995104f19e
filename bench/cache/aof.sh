#!/usr/bin/env bash
# Cairn cache vs Redis with the append-only file on, side by side on this machine, in one run.
#
#   bench/cache/aof.sh [N]        (N = requests per test, default 200000)
#
# For appendfsync always and everysec, starts Debian's redis-server and cairn-cache with
# `--appendonly yes --appendfsync <policy>` (RDB preamble base, the default) in fresh directories
# of the same file system on free loopback ports, warms both up, and runs redis-benchmark
# -c 50 -P 1 -r 100000 for SET and INCR against each; prints ops/s and p50/p99 with Cairn/Redis
# ratios and the AOF size each wrote. CAIRN_JAVA_OPTS overrides the JVM flags (default:
# cache-image/jvm.options). AOF_DIR sets where the files go (default: a temp directory).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. scripts/jdk.sh

N="${1:-200000}"

work="$(mktemp -d "${AOF_DIR:-${TMPDIR:-/tmp}}/aof-bench.XXXXXX")"
. bench/cache/lib.sh

wait_up() {
  for _ in $(seq 200); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  exit 1
}
bench() { # port requests -> CSV lines "test",rps,avg,min,p50,p95,p99,max
  redis-benchmark -p "$1" -q -c 50 -n "$2" -P 1 -r 100000 -t set,incr --csv | tail -n +2
}
aof_bytes() { du -sb "$1/appendonlydir" | cut -f1; }

echo "## redis-benchmark -c 50 -P 1 -n $N, appendonly yes (redis-server $(redis-server --version | grep -o 'v=[^ ]*'), $(nproc) cores, $(df -T "$work" | awk 'NR==2 {print $2}') on $(df "$work" | awk 'NR==2 {print $1}'))"
printf '| %-8s | %-6s | %12s | %12s | %5s | %9s | %9s | %9s | %9s |\n' \
  fsync test "redis ops/s" "cairn ops/s" ratio "redis p50" "cairn p50" "redis p99" "cairn p99"
printf '|%s|\n' "----------|--------|--------------|--------------|-------|-----------|-----------|-----------|-----------"
for fsync in always everysec; do
  rdir="$work/redis-$fsync"
  cdir="$work/cairn-$fsync"
  mkdir -p "$rdir" "$cdir"
  redis_port="$(free_port)"
  cairn_port="$(free_port)"
  admin_port="$(free_port)"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly yes \
    --appendfsync "$fsync" --dir "$rdir" >"$rdir.log" 2>&1 &
  redis_pid=$!
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$jar" --port "$cairn_port" --admin-port "$admin_port" \
    --appendonly yes --appendfsync "$fsync" --dir "$cdir" >"$cdir.log" 2>&1 &
  cairn_pid=$!
  pids+=("$redis_pid" "$cairn_pid")
  wait_up "$redis_port"
  wait_up "$cairn_port"
  bench "$redis_port" "$((N / 2))" >/dev/null
  bench "$cairn_port" "$((N / 2))" >/dev/null
  bench "$redis_port" "$N" >"$work/redis.csv"
  bench "$cairn_port" "$N" >"$work/cairn.csv"
  python3 - "$work/redis.csv" "$work/cairn.csv" "$fsync" <<'PY'
import csv, sys
def load(path):
    return {row[0]: (float(row[1]), float(row[4]), float(row[6])) for row in csv.reader(open(path))}
redis, cairn, fsync = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
for name, (rps, p50, p99) in redis.items():
    c = cairn.get(name, (0.0, 0.0, 0.0))
    print(f"| {fsync:<8} | {name:<6} | {rps:>12,.0f} | {c[0]:>12,.0f} | {c[0]/rps:>5.2f} |"
          f" {p50:>7.3f}ms | {c[1]:>7.3f}ms | {p99:>7.3f}ms | {c[2]:>7.3f}ms |")
PY
  echo "  AOF bytes after the runs: redis $(aof_bytes "$rdir"), cairn $(aof_bytes "$cdir")" >&2
  kill "$redis_pid" "$cairn_pid"
  wait "$redis_pid" "$cairn_pid" 2>/dev/null || true
done
echo "cairn JVM: $JAVA_OPTS"
