#!/usr/bin/env bash
# Cairn cache vs Redis, side by side on this machine, in one run.
#
#   bench/cache/run.sh [N]        (N = requests per test, default 500000)
#
# Starts Debian's redis-server and cairn-cache on free loopback ports (no persistence), runs
# redis-benchmark (-c 50, -P 1 and -P 16) for SET GET INCR LPUSH LPOP SADD HSET ZADD MSET, XADD,
# XREADGROUP (one new entry per call), PFADD, PFCOUNT, GEOADD and EVALSHA of a one-INCR script against
# each, and prints ops/s and p50/p99 with Cairn/Redis ratios. Before that, it loads 1,000,000 keys
# with 100-byte values into each and compares INFO used_memory and the processes' RSS.
# Both servers get the same warm-up run first (the JVM compiles the hot path during it).
# CAIRN_JAVA_OPTS overrides the JVM flags (default: cache-image/jvm.options, as ./cairn up), CAIRN_JAR
# the jar (default: cache-image/target/cairn-cache.jar).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. scripts/jdk.sh

N="${1:-500000}"
KEYS=1000000

. bench/cache/lib.sh

redis_port="$(free_port)"
cairn_port="$(free_port)"
admin_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$work" >"$work/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$jar" --port "$cairn_port" --admin-port "$admin_port" >"$work/cairn.log" 2>&1 &
cairn_pid=$!
pids+=("$cairn_pid")
for port in "$redis_port" "$cairn_port"; do
  for _ in $(seq 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
done

tests=set,get,incr,lpush,lpop,sadd,hset,mset
# ROWS="XADD XREADGROUP PFADD PFCOUNT EVALSHA" runs only those rows; "memory" in ROWS runs the
# memory comparison (always run when ROWS is unset)
want() { [[ -z "${ROWS:-}" || " $ROWS " == *" $1 "* ]]; }
script='return redis.call("incr", KEYS[1])'
bench() { # port pipeline requests -> CSV lines "test",rps,avg,min,p50,p95,p99,max
  local port=$1 p=$2 n=$3
  if [[ -z "${ROWS:-}" ]]; then
    redis-benchmark -p "$port" -q -c 50 -n "$n" -P "$p" -r 100000 -t "$tests" --csv | tail -n +2
    redis-benchmark -p "$port" -q -c 50 -n "$n" -P "$p" -r 100000 --csv \
      ZADD myzset __rand_int__ member:__rand_int__ | tail -n +2 | sed 's/^"[^"]*"/"ZADD"/'
  fi
  want XADD && custom "$port" "$p" "$n" XADD XADD mystream '*' field __rand_int__
  # the group reads what XADD just added: one new entry per call, each left pending
  redis-cli -p "$port" XGROUP CREATE mystream readers 0 >/dev/null 2>&1 || true
  want XREADGROUP &&
    custom "$port" "$p" "$n" XREADGROUP XREADGROUP GROUP readers reader COUNT 1 STREAMS mystream '>'
  want PFADD && custom "$port" "$p" "$n" PFADD PFADD myhll __rand_int__
  # PFCOUNT of the HyperLogLog PFADD filled (dense after 100,000 random elements)
  want PFCOUNT && custom "$port" "$p" "$n" PFCOUNT PFCOUNT myhll
  want GEOADD && custom "$port" "$p" "$n" GEOADD GEOADD mygeo 13.361389 38.115556 member:__rand_int__
  if want EVALSHA; then
    local sha
    sha=$(redis-cli -p "$port" SCRIPT LOAD "$script")
    # its own keys: INCR fails on the strings SET leaves under key:__rand_int__ (which aborted runs)
    custom "$port" "$p" "$n" EVALSHA EVALSHA "$sha" 1 counter:__rand_int__
  fi
}
custom() { # port pipeline requests name command... -> one CSV line named name
  local port=$1 p=$2 n=$3 name=$4
  shift 4
  redis-benchmark -p "$port" -q -c 50 -n "$n" -P "$p" -r 100000 --csv "$@" | tail -n +2 |
    sed "s/^\"[^\"]*\"/\"$name\"/"
}

# Memory first, on fresh processes (a heap grown by the throughput runs would count too).
if want memory; then
echo "## memory: $KEYS keys, 100-byte values"
gen="$work/load.resp"
load_file "$KEYS" "$gen"
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
used() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '/^used_memory:/ {print $2}'; }
redis-cli -p "$redis_port" --pipe <"$gen" >/dev/null
redis-cli -p "$cairn_port" --pipe <"$gen" >/dev/null
sleep 2
r_used=$(used "$redis_port")
c_used=$(used "$cairn_port")
r_rss=$(rss_kb "$redis_pid")
c_rss=$(rss_kb "$cairn_pid")
echo "| server | keys | used_memory | bytes/key | RSS | RSS/key |"
echo "|--------|------|-------------|-----------|-----|---------|"
for s in redis cairn; do
  if [[ $s == redis ]]; then u=$r_used; r=$r_rss; port=$redis_port; else u=$c_used; r=$c_rss; port=$cairn_port; fi
  k=$(redis-cli -p "$port" dbsize)
  printf '| %s | %s | %s | %s | %s MB | %s |\n' "$s" "$k" "$u" "$((u / k))" "$((r / 1024))" "$((r * 1024 / k))"
done
python3 -c "print(f'RSS per key, Cairn/Redis: {$c_rss/$r_rss:.2f} (used_memory ratio {$c_used/$r_used:.2f})')"
echo
fi
echo "warming up both servers..." >&2
bench "$redis_port" 16 200000 >/dev/null
bench "$cairn_port" 16 200000 >/dev/null
bench "$cairn_port" 1 100000 >/dev/null

echo "## redis-benchmark -c 50 -n $N (redis-server $(redis-server --version | grep -o 'v=[^ ]*'), $(nproc) cores)"
printf '| %-6s | %2s | %12s | %12s | %5s | %9s | %9s | %9s | %9s |\n' \
  test P "redis ops/s" "cairn ops/s" ratio "redis p50" "cairn p50" "redis p99" "cairn p99"
printf '|%s|\n' "--------|----|--------------|--------------|-------|-----------|-----------|-----------|-----------"
for p in 1 16; do
  redis_csv="$work/redis-$p.csv"
  cairn_csv="$work/cairn-$p.csv"
  redis-cli -p "$redis_port" flushall >/dev/null
  redis-cli -p "$cairn_port" flushall >/dev/null
  bench "$redis_port" "$p" "$N" >"$redis_csv"
  bench "$cairn_port" "$p" "$N" >"$cairn_csv"
  python3 - "$redis_csv" "$cairn_csv" "$p" <<'PY'
import csv, sys
def load(path):
    out = {}
    for row in csv.reader(open(path)):
        name = row[0].split(" ")[0]
        out[name] = (float(row[1]), float(row[4]), float(row[6]))
    return out
redis, cairn, p = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
for name, (rps, p50, p99) in redis.items():
    c = cairn.get(name, (0.0, 0.0, 0.0))
    print(f"| {name:<6} | {p:>2} | {rps:>12,.0f} | {c[0]:>12,.0f} | {c[0]/rps:>5.2f} |"
          f" {p50:>7.3f}ms | {c[1]:>7.3f}ms | {p99:>7.3f}ms | {c[2]:>7.3f}ms |")
PY
done

echo "cairn JVM: $JAVA_OPTS"
