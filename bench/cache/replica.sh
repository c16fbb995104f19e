#!/usr/bin/env bash
# Replication, Cairn vs Redis, side by side on this machine, in one run.
#
#   bench/cache/replica.sh [N] [KEYS]   (N = SET requests per window, default 500000;
#                                        KEYS = dataset size of the full resync, default 1000000)
#
# For each server (Debian's redis-server, cairn-cache.jar with cache-image/jvm.options; `--save ''`,
# no AOF, diskless sync, files in a fresh directory) a pair of processes, one primary and one
# replica of the same kind, on free loopback ports; one pair at a time:
#   1. SET load with the replica attached: redis-benchmark -c 50 -r 100000 -t set at -P 1 and -P 16
#      against the primary (after a warm-up window), then WAIT until the replica has it all.
#   2. Full resync: the primary loaded with KEYS `SET key:<12 digits> <100 bytes>`, a fresh empty
#      server told REPLICAOF; the time from that command until its INFO says master_link_status:up
#      and its DBSIZE equals the primary's (polled every 20 ms), and the replica's RSS then.
# Redis gets --repl-diskless-sync-delay 0 (its default waits 5 s for more replicas; Cairn has no
# such delay). Prints ops/s and p50/p99 with Cairn/Redis ratios, then the resync times.
# CAIRN_JAVA_OPTS overrides the JVM flags (default: cache-image/jvm.options, as ./cairn up).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. scripts/jdk.sh

N="${1:-500000}"
KEYS="${2:-1000000}"
JAVA_OPTS="${CAIRN_JAVA_OPTS:-@cache-image/jvm.options}"
jar=cache-image/target/cairn-cache.jar
for tool in redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "missing $tool (bash scripts/install-test-peers)" >&2; exit 1; }
done
[[ -f "$jar" ]] || ./mvnw -B -q -ntp -DskipTests package -pl cache-image -am
. bench/cache/lib.sh

# start KIND NAME PORT [ARGS...]: a server of KIND (redis|cairn) in $work/NAME; its pid in $started
start() {
  local kind=$1 name=$2 port=$3
  shift 3
  mkdir -p "$work/$name"
  if [[ $kind == redis ]]; then
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work/$name" \
      --repl-diskless-sync yes --repl-diskless-sync-delay 0 "$@" >"$work/$name.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$jar" --port "$port" --admin-port "$(free_port)" --save '' \
      --dir "$work/$name" --repl-diskless-sync yes "$@" >"$work/$name.log" 2>&1 &
  fi
  started=$!
  pids+=("$started")
}
wait_up() {
  for _ in $(seq 300); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  exit 1
}
# in_sync PRIMARY REPLICA: waits (at most 120 s) until the replica's link is up with every key
in_sync() {
  python3 - "$1" "$2" <<'PY'
import subprocess, sys, time
primary, replica = sys.argv[1], sys.argv[2]
def cli(port, *args):
    return subprocess.run(["redis-cli", "-p", port, *args], capture_output=True, text=True).stdout
want = cli(primary, "DBSIZE").strip()
deadline = time.time() + 120
while time.time() < deadline:
    if "master_link_status:up" in cli(replica, "INFO", "replication") \
            and cli(replica, "DBSIZE").strip() == want:
        sys.exit(0)
    time.sleep(0.02)
sys.exit("replica on port %s did not catch up" % replica)
PY
}
bench() { # port pipeline requests -> CSV line "SET",rps,avg,min,p50,p95,p99,max
  redis-benchmark -p "$1" -q -c 50 -n "$3" -P "$2" -r 100000 -t set --csv | tail -n +2
}

load_file "$KEYS" "$work/load.resp"
declare -A resync rss
for kind in redis cairn; do
  # 1. SET load with one replica attached
  p_port="$(free_port)"
  r_port="$(free_port)"
  start "$kind" "$kind-primary" "$p_port"
  p_pid=$started
  wait_up "$p_port"
  start "$kind" "$kind-replica" "$r_port" --replicaof 127.0.0.1 "$p_port"
  r_pid=$started
  wait_up "$r_port"
  in_sync "$p_port" "$r_port"
  bench "$p_port" 16 200000 >/dev/null # warm-up: the JVMs compile the primary's and replica's paths
  bench "$p_port" 1 100000 >/dev/null
  for p in 1 16; do
    bench "$p_port" "$p" "$N" | sed "s/^/$p,/" >>"$work/$kind.csv"
    in_sync "$p_port" "$r_port"
  done
  kill "$r_pid"
  wait "$r_pid" 2>/dev/null || true

  # 2. Full resync of KEYS keys to a fresh replica
  redis-cli -p "$p_port" flushall >/dev/null
  redis-cli -p "$p_port" --pipe <"$work/load.resp" >/dev/null
  r_port="$(free_port)"
  start "$kind" "$kind-resync" "$r_port"
  r_pid=$started
  wait_up "$r_port"
  t0=$(date +%s.%N)
  redis-cli -p "$r_port" REPLICAOF 127.0.0.1 "$p_port" >/dev/null
  in_sync "$p_port" "$r_port"
  t1=$(date +%s.%N)
  resync[$kind]=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  rss[$kind]=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$r_pid/status")
  kill "$p_pid" "$r_pid"
  wait "$p_pid" "$r_pid" 2>/dev/null || true
done

echo "## SET with one replica attached: redis-benchmark -c 50 -n $N -r 100000 -t set (redis-server $(redis-server --version | grep -o 'v=[^ ]*'), $(nproc) cores)"
printf '| %2s | %12s | %12s | %5s | %9s | %9s | %9s | %9s |\n' \
  P "redis ops/s" "cairn ops/s" ratio "redis p50" "cairn p50" "redis p99" "cairn p99"
printf '|%s|\n' "----|--------------|--------------|-------|-----------|-----------|-----------|-----------"
python3 - "$work/redis.csv" "$work/cairn.csv" <<'PY'
import csv, sys
def load(path):
    return {row[0]: (float(row[2]), float(row[5]), float(row[7])) for row in csv.reader(open(path))}
redis, cairn = load(sys.argv[1]), load(sys.argv[2])
for p, (rps, p50, p99) in redis.items():
    c = cairn[p]
    print(f"| {p:>2} | {rps:>12,.0f} | {c[0]:>12,.0f} | {c[0]/rps:>5.2f} |"
          f" {p50:>7.3f}ms | {c[1]:>7.3f}ms | {p99:>7.3f}ms | {c[2]:>7.3f}ms |")
PY
echo
echo "## full resync of $KEYS keys (100-byte values): REPLICAOF to link up with every key"
echo "| server | seconds | replica RSS |"
echo "|--------|---------|-------------|"
for kind in redis cairn; do
  echo "| $kind | ${resync[$kind]} | ${rss[$kind]} MB |"
done
python3 -c "print(f'Cairn/Redis resync time: {${resync[cairn]} / ${resync[redis]}:.2f}')"
echo "cairn JVM: $JAVA_OPTS"
