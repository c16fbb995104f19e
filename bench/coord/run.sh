#!/usr/bin/env bash
# Side-by-side benchmark: Apache ZooKeeper 3.9 (ZooKeeperServerMain from the Maven Central jar,
# standalone) and cairn-coord, same machine, same JVM flags, same fsync settings (both fsync every
# group commit: ZooKeeper's default forceSync=yes, ours the same), same zoo.cfg keys. The load
# (bench/src/.../ZkLoad.java: N ZooKeeper-client sessions, synchronous create/setData/getData/
# exists phases and a mix) runs against each server in turn; the table shows ops/s and p50/p99
# latency, and ratio = cairn ops/s / ZooKeeper ops/s (>= 0.8 is the floor).
#
# With SERVERS=3 each side is a 3-server ensemble on loopback instead (ZooKeeper's QuorumPeerMain,
# cairn-coord with the same server.N lines and myid files), and the clients spread over all three
# servers as ZooKeeper's client does with a connect string naming them.
#
# Usage: bench/coord/run.sh [clients=16] [seconds-per-phase=10]
# Env:   ZK_PORT (22181), CAIRN_PORT (22182), JVM_OPTS ("-Xms512m -Xmx512m"), ROUNDS (1),
#        SERVERS (1; 3 for ensembles: server i's client port is ZK_PORT+10*i, CAIRN_PORT+10*i,
#        its quorum and election ports the next two; CAIRN_PORT is then 22281 by default)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
. scripts/jdk.sh
CLIENTS=${1:-16}
SECS=${2:-10}
SERVERS=${SERVERS:-1}
ZK_PORT=${ZK_PORT:-22181}
CAIRN_PORT=${CAIRN_PORT:-$([ "$SERVERS" -gt 1 ] && echo 22281 || echo 22182)}
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

write_cfg() { # name port [server lines]
  mkdir -p "$WORK/$1"
  cat > "$WORK/$1.cfg" <<CFG
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$WORK/$1
clientPort=$2
clientPortAddress=127.0.0.1
maxClientCnxns=0
4lw.commands.whitelist=*
admin.enableServer=false
${3:-}
CFG
}

start() { # name
  if [ "${1%%-*}" = zk ]; then
    local main=org.apache.zookeeper.server.ZooKeeperServerMain
    [ "$SERVERS" -gt 1 ] && main=org.apache.zookeeper.server.quorum.QuorumPeerMain
    # shellcheck disable=SC2086
    java $JVM_OPTS -cp "bench/target/cairn-bench.jar:bench/target/lib/*" \
      "$main" "$WORK/$1.cfg" > "$WORK/$1.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    java $JVM_OPTS -Dio.netty.leakDetection.level=disabled -jar coord-image/target/cairn-coord.jar \
      "$WORK/$1.cfg" > "$WORK/$1.log" 2>&1 &
  fi
  PIDS+=($!)
}

CONNECT_zk=""
CONNECT_cairn=""
for side in zk cairn; do
  base=$ZK_PORT
  [ "$side" = cairn ] && base=$CAIRN_PORT
  if [ "$SERVERS" -eq 1 ]; then
    write_cfg "$side" "$base"
    start "$side"
    eval "CONNECT_$side=127.0.0.1:$base"
    continue
  fi
  lines=""
  connect=""
  for i in $(seq 1 "$SERVERS"); do
    port=$((base + 10 * i))
    lines+="server.$i=127.0.0.1:$((port + 1)):$((port + 2))"$'\n'
    connect+="${connect:+,}127.0.0.1:$port"
  done
  for i in $(seq 1 "$SERVERS"); do
    write_cfg "$side-$i" $((base + 10 * i)) "$lines"
    echo "$i" > "$WORK/$side-$i/myid"
    start "$side-$i"
  done
  eval "CONNECT_$side=$connect"
done

await_serving() { # port: srvr names a mode (standalone, leader, follower) once the server serves
  for _ in $(seq 1 300); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$1" && printf srvr >&3 && timeout 2 cat <&3) 2>/dev/null \
      | grep -q '^Mode: '; then
      return 0
    fi
    sleep 0.2
  done
  echo "server on port $1 did not start serving" >&2
  cat "$WORK"/*.log >&2
  exit 1
}
for address in ${CONNECT_zk//,/ } ${CONNECT_cairn//,/ }; do
  await_serving "${address##*:}"
done

echo "clients=$CLIENTS seconds/phase=$SECS rounds=$ROUNDS servers=$SERVERS jvm='$JVM_OPTS' cores=$(nproc)"
for r in $(seq 1 "$ROUNDS"); do
  for label in zk cairn; do
    connect=CONNECT_$label
    # shellcheck disable=SC2086
    java $JVM_OPTS -jar bench/target/cairn-bench.jar --connect "${!connect}" \
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
