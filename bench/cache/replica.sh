#!/usr/bin/env bash
# Replication, Cairn vs Redis, side by side on this machine, in one run.
#
#   bench/cache/replica.sh [N] [KEYS]   (N = SET requests per window, default 500000;
#                                        KEYS = dataset size of the full resync, default 1000000)
#
# For each server (Debian's redis-server, cairn-cache.jar with cache-image/jvm.options; `--save ''`,
# no AOF, diskless sync, files in a fresh directory) a pair of processes, one primary and one
# replica of the same kind, on free loopback ports, both pairs up and warmed up (one window each)
# before the measurements:
#   1. SET load with the replica attached: redis-benchmark -c 50 -r 100000 -t set at -P 1 and -P 16
#      against a primary, then until its replica has it all; Redis's and Cairn's windows alternate,
#      ROUNDS times (default 3), so a change of the machine's load between windows hits both alike;
#      ROUNDS=0 skips this part (a resync-only run).
#   2. Full resync: each primary loaded with KEYS `SET key:<12 digits> <100 bytes>`, a fresh empty
#      server told REPLICAOF; the time from that command until its INFO says master_link_status:up
#      and its DBSIZE equals the primary's (polled every 20 ms), and the replica's RSS then.
# Redis gets --repl-diskless-sync-delay 0 (its default waits 5 s for more replicas; Cairn has no
# such delay). Prints ops/s and p50/p99 per window with Cairn/Redis ratios and their median per
# pipeline depth, then the resync times.
# CAIRN_JAVA_OPTS overrides the JVM flags (default: cache-image/jvm.options, as ./cairn up), CAIRN_JAR
# the jar (default: cache-image/target/cairn-cache.jar).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. scripts/jdk.sh

N="${1:-500000}"
KEYS="${2:-1000000}"
ROUNDS="${ROUNDS:-3}"
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
declare -A primary replica p_pid r_pid resync rss
for kind in redis cairn; do
  primary[$kind]="$(free_port)"
  replica[$kind]="$(free_port)"
  start "$kind" "$kind-primary" "${primary[$kind]}"
  p_pid[$kind]=$started
  wait_up "${primary[$kind]}"
  start "$kind" "$kind-replica" "${replica[$kind]}" --replicaof 127.0.0.1 "${primary[$kind]}"
  r_pid[$kind]=$started
  wait_up "${replica[$kind]}"
  in_sync "${primary[$kind]}" "${replica[$kind]}"
  bench "${primary[$kind]}" 16 200000 >/dev/null # warm-up: the JVMs compile both sides' paths
  bench "${primary[$kind]}" 1 100000 >/dev/null
done
# 1. SET load with the replica attached: the two servers' windows alternate, ROUNDS times, so a
# change of the machine's load between windows (other processes) hits both alike
for round in $(seq "$ROUNDS"); do
  for p in 1 16; do
    for kind in redis cairn; do
      bench "${primary[$kind]}" "$p" "$N" | sed "s/^/$round,$p,/" >>"$work/$kind.csv"
      in_sync "${primary[$kind]}" "${replica[$kind]}"
    done
  done
done
# 2. Full resync of KEYS keys to a fresh empty server told REPLICAOF
for kind in redis cairn; do
  kill "${r_pid[$kind]}"
  wait "${r_pid[$kind]}" 2>/dev/null || true
  redis-cli -p "${primary[$kind]}" flushall >/dev/null
  redis-cli -p "${primary[$kind]}" --pipe <"$work/load.resp" >/dev/null
  port="$(free_port)"
  start "$kind" "$kind-resync" "$port"
  wait_up "$port"
  t0=$(date +%s.%N)
  redis-cli -p "$port" REPLICAOF 127.0.0.1 "${primary[$kind]}" >/dev/null
  in_sync "${primary[$kind]}" "$port"
  t1=$(date +%s.%N)
  resync[$kind]=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  rss[$kind]=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$started/status")
  kill "$started" "${p_pid[$kind]}"
  wait "$started" "${p_pid[$kind]}" 2>/dev/null || true
done

if ((ROUNDS > 0)); then
echo "## SET with one replica attached: redis-benchmark -c 50 -n $N -r 100000 -t set (redis-server $(redis-server --version | grep -o 'v=[^ ]*'), $(nproc) cores)"
printf '| %5s | %2s | %12s | %12s | %5s | %9s | %9s | %9s | %9s |\n' \
  round P "redis ops/s" "cairn ops/s" ratio "redis p50" "cairn p50" "redis p99" "cairn p99"
printf '|%s|\n' "-------|----|--------------|--------------|-------|-----------|-----------|-----------|-----------"
python3 - "$work/redis.csv" "$work/cairn.csv" <<'PY'
import csv, sys
def load(path):
    return {(row[0], row[1]): (float(row[3]), float(row[6]), float(row[8]))
            for row in csv.reader(open(path))}
redis, cairn = load(sys.argv[1]), load(sys.argv[2])
ratios = {}
for (r, p), (rps, p50, p99) in redis.items():
    c = cairn[(r, p)]
    ratios.setdefault(p, []).append(c[0] / rps)
    print(f"| {r:>5} | {p:>2} | {rps:>12,.0f} | {c[0]:>12,.0f} | {c[0]/rps:>5.2f} |"
          f" {p50:>7.3f}ms | {c[1]:>7.3f}ms | {p99:>7.3f}ms | {c[2]:>7.3f}ms |")
for p, rs in ratios.items():
    rs.sort()
    print(f"-P {p}: Cairn/Redis ops/s, median of {len(rs)} rounds: {rs[len(rs) // 2]:.2f}")
PY
echo
fi
echo "## full resync of $KEYS keys (100-byte values): REPLICAOF to link up with every key"
echo "| server | seconds | replica RSS |"
echo "|--------|---------|-------------|"
for kind in redis cairn; do
  echo "| $kind | ${resync[$kind]} | ${rss[$kind]} MB |"
done
python3 -c "print(f'Cairn/Redis resync time: {${resync[cairn]} / ${resync[redis]}:.2f}')"
echo "cairn JVM: $JAVA_OPTS"
