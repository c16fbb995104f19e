#!/usr/bin/env bash
# Side-by-side benchmark: Apache ZooKeeper 3.9 (ZooKeeperServerMain from the Maven Central jar,
# standalone) and cairn-coord, same machine, same JVM flags, same fsync settings (both fsync every
# group commit: ZooKeeper's default forceSync=yes, ours the same), same zoo.cfg keys. The load
# (bench/src/.../ZkLoad.java: N ZooKeeper-client sessions, synchronous create/setData/getData/
# exists phases and a mix) runs against each server in turn; the table shows ops/s and p50/p99
# latency, and ratio = cairn ops/s / ZooKeeper ops/s (>= 0.8 is the floor).
#
# Usage: bench/coord/run.sh [clients=16] [seconds-per-phase=10]
# Env:   ZK_PORT (22181), CAIRN_PORT (22182), JVM_OPTS ("-Xms512m -Xmx512m"), ROUNDS (1)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
. scripts/jdk.sh
CLIENTS=${1:-16}
SECS=${2:-10}
ZK_PORT=${ZK_PORT:-22181}
CAIRN_PORT=${CAIRN_PORT:-22182}
JVM_OPTS=${JVM_OPTS:-"-Xms512m -Xmx512m"}
ROUNDS=${ROUNDS:-1}

build() {
  local lock=()
  command -v flock >/dev/null && lock=(flock /tmp/cairn-mvn.lock)
  "${lock[@]}" ./mvnw -B -q package -DskipTests -f "$1/pom.xml"
}
[ -f coord-image/target/cairn-coord.jar ] || build coord-image
[ -f bench/target/cairn-bench.jar ] || build bench

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

write_cfg() { # name port
  mkdir -p "$WORK/$1"
  cat > "$WORK/$1.cfg" <<CFG
tickTime=2000
dataDir=$WORK/$1
clientPort=$2
clientPortAddress=127.0.0.1
maxClientCnxns=0
4lw.commands.whitelist=*
admin.enableServer=false
CFG
}
write_cfg zk "$ZK_PORT"
write_cfg cairn "$CAIRN_PORT"

# shellcheck disable=SC2086
java $JVM_OPTS -cp "bench/target/cairn-bench.jar:bench/target/lib/*" \
  org.apache.zookeeper.server.ZooKeeperServerMain "$WORK/zk.cfg" > "$WORK/zk.log" 2>&1 &
PIDS+=($!)
# shellcheck disable=SC2086
java $JVM_OPTS -Dio.netty.leakDetection.level=disabled -jar coord-image/target/cairn-coord.jar "$WORK/cairn.cfg" > "$WORK/cairn.log" 2>&1 &
PIDS+=($!)

await_ruok() { # port
  for _ in $(seq 1 150); do
    if [ "$( (exec 3<>/dev/tcp/127.0.0.1/"$1" && printf ruok >&3 && timeout 2 cat <&3) 2>/dev/null)" = imok ]; then
      return 0
    fi
    sleep 0.2
  done
  echo "server on port $1 did not start" >&2
  cat "$WORK"/*.log >&2
  exit 1
}
await_ruok "$ZK_PORT"
await_ruok "$CAIRN_PORT"

echo "clients=$CLIENTS seconds/phase=$SECS rounds=$ROUNDS jvm='$JVM_OPTS' cores=$(nproc)"
for r in $(seq 1 "$ROUNDS"); do
  for target in zk:"$ZK_PORT" cairn:"$CAIRN_PORT"; do
    label=${target%%:*}
    port=${target##*:}
    # shellcheck disable=SC2086
    java $JVM_OPTS -jar bench/target/cairn-bench.jar --connect "127.0.0.1:$port" \
      --clients "$CLIENTS" --seconds "$SECS" --label "$label" | tee -a "$WORK/results.txt"
  done
done

echo
awk '
  /^RESULT/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["label"] SUBSEP f["op"]
    n[key]++; ops[key] += f["ops"]; p50[key] += f["p50_us"]; p99[key] += f["p99_us"]
    if (!(f["op"] in seen)) { seen[f["op"]] = 1; order[++count] = f["op"] }
  }
  END {
    printf "%-16s %12s %12s %7s %18s %18s\n", "op", "zk ops/s", "cairn ops/s", "ratio", "zk p50/p99 us", "cairn p50/p99 us"
    for (i = 1; i <= count; i++) {
      op = order[i]; z = "zk" SUBSEP op; c = "cairn" SUBSEP op
      zo = ops[z] / n[z]; co = ops[c] / n[c]
      printf "%-16s %12.0f %12.0f %7.2f %18s %18s\n", op, zo, co, (zo > 0 ? co / zo : 0), \
        int(p50[z] / n[z]) "/" int(p99[z] / n[z]), int(p50[c] / n[c]) "/" int(p99[c] / n[c])
    }
  }' "$WORK/results.txt"
