#!/usr/bin/env bash
# BGSAVE under write load, Cairn vs Redis (fork), side by side on this machine, in one run.
#
#   bench/cache/bgsave.sh [KEYS]        (KEYS = dataset size, default 1000000)
#
# Each server (Debian's redis-server, cairn-cache.jar with cache-image/jvm.options; `--save ''`,
# no AOF, files in a fresh directory) is loaded with KEYS `SET key:<12 digits> <100 bytes>`, then
# redis-benchmark writes SET over the same key range (-c 50 -P 1 -r KEYS) for a fixed window twice:
# once alone (baseline) and once with a BGSAVE started one second in. Printed per server: SET
# ops/s and p50/p99/max latency in both windows, the save's duration, and the peak extra memory
# during the save — the proportional set size (PSS, /proc/<pid>/smaps_rollup) of the server plus
# any child it forked, sampled every 20 ms, minus its value just before BGSAVE (PSS counts a page
# shared by Redis's parent and child once, so copy-on-write is what grows it).
# CAIRN_JAVA_OPTS overrides the JVM flags (default: cache-image/jvm.options), CAIRN_JAR the jar.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. scripts/jdk.sh

KEYS="${1:-1000000}"
WINDOW=200000 # SET requests per window
. bench/cache/lib.sh

load_file "$KEYS" "$work/load.resp"

echo "## BGSAVE of $KEYS keys (100-byte values) under SET load: redis-benchmark -c 50 -P 1 -r $KEYS -n $WINDOW -t set ($(nproc) cores)"
echo "| server | window | SET ops/s | p50 | p99 | max | save seconds | peak extra PSS |"
echo "|--------|--------|-----------|-----|-----|-----|--------------|----------------|"
for server in redis cairn; do
  port="$(free_port)"
  mkdir -p "$work/$server"
  if [[ $server == redis ]]; then
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work/$server" \
      >"$work/$server.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$jar" --port "$port" --admin-port "$(free_port)" --save '' \
      --dir "$work/$server" >"$work/$server.log" 2>&1 &
  fi
  pid=$!
  pids+=("$pid")
  for _ in $(seq 200); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$port" --pipe <"$work/load.resp" >/dev/null
  # warm-up (the JVM compiles SET), then the baseline window
  redis-benchmark -p "$port" -q -c 50 -n "$WINDOW" -r "$KEYS" -t set --csv >/dev/null
  python3 - "$server" "$port" "$pid" "$KEYS" "$WINDOW" <<'PY'
import csv, io, os, subprocess, sys, threading, time
server, port, pid, keys, window = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]

def pss(p):
    try:
        for line in open(f"/proc/{p}/smaps_rollup"):
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0

def children(p):
    try:
        return [int(c) for c in open(f"/proc/{p}/task/{p}/children").read().split()]
    except OSError:
        return []

def total():
    return pss(pid) + sum(pss(c) for c in children(pid))

def cli(*args):
    return subprocess.run(["redis-cli", "-p", port, *args], capture_output=True, text=True).stdout

def bench():
    out = subprocess.run(
        ["redis-benchmark", "-p", port, "-q", "-c", "50", "-n", window, "-r", keys, "-t", "set",
         "--csv"], capture_output=True, text=True).stdout
    row = list(csv.reader(io.StringIO(out)))[1]
    return float(row[1]), float(row[4]), float(row[6]), float(row[7])

def row(name, r, save="", extra=""):
    print(f"| {server} | {name} | {r[0]:,.0f} | {r[1]:.3f}ms | {r[2]:.3f}ms | {r[3]:.3f}ms | {save} | {extra} |")

row("baseline", bench())
result = {}
t = threading.Thread(target=lambda: result.setdefault("r", bench()))
t.start()
time.sleep(1)
before = total()
start = time.time()
cli("BGSAVE")
peak = before
while True:
    peak = max(peak, total())
    info = cli("INFO", "persistence")
    if "rdb_bgsave_in_progress:0" in info and time.time() - start > 0.1:
        break
    time.sleep(0.02)
seconds = time.time() - start
t.join()
status = [l for l in info.splitlines() if l.startswith("rdb_last_bgsave_status")][0].split(":")[1]
row("BGSAVE", result["r"], f"{seconds:.1f} ({status})", f"{(peak - before) / 1024:.0f} MB")
PY
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
echo "cairn JVM: $JAVA_OPTS"
