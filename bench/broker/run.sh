#!/usr/bin/env bash
# Side-by-side broker benchmark: Apache Kafka (KRaft, single node, run from the Maven Central jars)
# and the Cairn broker, measured in one run with Kafka's own kafka-producer-perf-test and
# kafka-consumer-perf-test (org.apache.kafka.tools.{Producer,Consumer}Performance). 1 KiB records,
# acks=1 and acks=all, 1 and 6 partitions, and a transactional producer (acks=all, a commit every
# 10 ms) read by a read_committed consumer, and a transactional producer committing every 100
# records (txn100: bench/broker/TxnCountProducer.java; its latencies are per transaction). Prints
# MB/s, records/s, p50/p99 produce latency and the Cairn/Kafka ratios (throughput: higher is better;
# latency: lower is better).
#
#   bench/broker/run.sh                       # RECORDS=200000 per case by default
#   RECORDS=50000 bench/broker/run.sh         # quicker
#   CASES="6 txn" bench/broker/run.sh         # chosen cases: "<partitions> <1|all|txn|txn100>", comma-separated
#   KAFKA_PROPS="socket.send.buffer.bytes=-1" bench/broker/run.sh  # extra server settings
#                                             # (KAFKA_PROPS, CAIRN_PROPS: newline-separated lines)
#   WARM=1 RECORDS=500000 bench/broker/run.sh # both servers started once and kept for every case;
#                                             # each topic is consumed ROUNDS times (default 3), the
#                                             # two servers alternating; the median round is reported
#
# Needs network access to Maven Central the first time (Kafka jars go to bench/broker/target/).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$ROOT/scripts/jdk.sh"
KAFKA_VERSION=${KAFKA_VERSION:-4.2.1}
RECORDS=${RECORDS:-200000}
RECORD_SIZE=1024
WORK="$HERE/target"
LIB="$WORK/kafka-lib"
KAFKA_PORT=19092
CAIRN_PORT=19192
WARM=${WARM:-0}
ROUNDS=${ROUNDS:-3}
mkdir -p "$WORK"

mvn_locked() { flock /tmp/cairn-mvn.lock "$ROOT/mvnw" -B -q "$@"; }

if [ ! -f "$LIB/kafka_2.13-$KAFKA_VERSION.jar" ]; then
  cat > "$WORK/kafka-deps.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.cairn.bench</groupId><artifactId>kafka-deps</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
  </dependencies>
</project>
POM
  mvn_locked -f "$WORK/kafka-deps.xml" dependency:copy-dependencies -DoutputDirectory="$LIB" -DincludeScope=runtime
fi
CAIRN_JAR="$ROOT/broker-image/target/cairn-broker.jar"
if [ ! -f "$CAIRN_JAR" ]; then
  mvn_locked -f "$ROOT/pom.xml" package -pl broker-image -am -DskipTests
fi

declare -A PIDS=()
stop_server() {
  local pid=${PIDS[$1]:-}
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; wait "$pid" 2>/dev/null || true
  fi
  PIDS[$1]=""
}
stop_all() { stop_server kafka; stop_server cairn; }
trap stop_all EXIT

port_of() { if [ "$1" = kafka ]; then echo "$KAFKA_PORT"; else echo "$CAIRN_PORT"; fi; }

wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "server did not open port $1" >&2; exit 1
}

start_kafka() {
  local dir="$WORK/kafka-data"
  rm -rf "$dir"; mkdir -p "$dir"
  cat > "$WORK/kafka.properties" <<CFG
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:19093
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:19093
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
${KAFKA_PROPS:-}
CFG
  java -cp "$LIB/*" kafka.tools.StorageTool format -t "$(java -cp "$LIB/*" kafka.tools.StorageTool random-uuid)" \
    -c "$WORK/kafka.properties" > "$WORK/kafka-format.log" 2>&1
  java -Xmx1g ${KAFKA_JVM_OPTS:-} -cp "$LIB/*" kafka.Kafka "$WORK/kafka.properties" > "$WORK/kafka.log" 2>&1 &
  PIDS[kafka]=$!
  wait_port "$KAFKA_PORT"
}

start_cairn() {
  local dir="$WORK/cairn-data"
  rm -rf "$dir"; mkdir -p "$dir"
  cat > "$WORK/cairn.properties" <<CFG
listeners=PLAINTEXT://127.0.0.1:$CAIRN_PORT
log.dirs=$dir
cairn.admin.host=127.0.0.1
cairn.admin.port=19404
group.initial.rebalance.delay.ms=0
${CAIRN_PROPS:-}
CFG
  java -Xmx1g ${CAIRN_JVM_OPTS:-} -Dio.netty.leakDetection.level=disabled -jar "$CAIRN_JAR" "$WORK/cairn.properties" > "$WORK/cairn.log" 2>&1 &
  PIDS[cairn]=$!
  wait_port "$CAIRN_PORT"
  sleep 1
}

# Producing one case: creates the topic and produces RECORDS. Prints "MBps recs p50 p99".
produce_case() {
  local port=$1 partitions=$2 acks=$3 topic="bench-p$2-a$3"
  java -cp "$LIB/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$port" --create \
    --topic "$topic" --partitions "$partitions" --replication-factor 1 > /dev/null 2>&1
  local txn=()
  if [ "$acks" = txn ]; then
    acks=all
    txn=(--transactional-id "bench-txn-$partitions" --transaction-duration-ms 10)
  fi
  local p
  if [ "$acks" = txn100 ]; then
    p=$(java -cp "$LIB/*" "$HERE/TxnCountProducer.java" "127.0.0.1:$port" "$topic" "$RECORDS" \
        "$RECORD_SIZE" 100 "bench-txn100-$partitions" 2>/dev/null | tail -1)
  else
    p=$(java -cp "$LIB/*" org.apache.kafka.tools.ProducerPerformance --topic "$topic" \
        --num-records "$RECORDS" --record-size "$RECORD_SIZE" --throughput -1 "${txn[@]}" \
        --producer-props bootstrap.servers="127.0.0.1:$port" acks="$acks" linger.ms=5 batch.size=65536 \
        2>/dev/null | tail -1)
  fi
  # "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, ..."
  local recs mbps p50 p99
  recs=$(sed -E 's/.* sent, ([0-9.]+) records\/sec.*/\1/' <<<"$p")
  mbps=$(sed -E 's/.*\(([0-9.]+) MB\/sec\).*/\1/' <<<"$p")
  p50=$(sed -E 's/.* ([0-9.]+) ms 50th.*/\1/' <<<"$p")
  p99=$(sed -E 's/.* ([0-9.]+) ms 99th.*/\1/' <<<"$p")
  echo "$mbps $recs $p50 $p99"
}

# CPU seconds (user + system) the process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# Context switches (voluntary + involuntary) of all the process's threads so far: how often its
# threads went to sleep and had to be woken, each a scheduling delay on a busy machine.
context_switches() {
  cat /proc/"$1"/task/*/status 2>/dev/null |
    awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'
}

# Consuming one case from the start with ConsumerPerformance's defaults. Prints "MBps recs
# fetchMBps serverCpuSeconds serverWakeups": MB/s over the whole run (the tool's MB.sec, group
# join included), MB/s while fetching (fetch.MB.sec), and the CPU and context switches of the
# server during this consume (both load-proof).
consume_case() {
  local server=$1 partitions=$2 acks=$3 topic="bench-p$2-a$3" isolation=read_uncommitted
  local port pid
  port=$(port_of "$server") pid=${PIDS[$server]}
  case "$acks" in txn | txn100) isolation=read_committed ;; esac
  echo "isolation.level=$isolation" > "$WORK/consumer.properties"
  local c cpu0
  cpu0=$(cpu_seconds "$pid") csw0=$(context_switches "$pid")
  c=$(java -cp "$LIB/*" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "127.0.0.1:$port" \
      --topic "$topic" --messages "$RECORDS" --timeout 60000 \
      --consumer.config "$WORK/consumer.properties" 2>/dev/null | tail -1)
  # CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  # rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  awk -F', *' -v cpu="$(awk -v a="$cpu0" -v b="$(cpu_seconds "$pid")" 'BEGIN { print b - a }')" \
    -v csw="$(($(context_switches "$pid") - csw0))" '{ print $4, $6, $9, cpu, csw }' <<<"$c"
}

# The median of the "MBps recs" lines on stdin, by MB/s.
median() { sort -n -k1,1 | awk '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }'; }

IFS=, read -r -a CASES <<<"${CASES:-1 1,1 all,6 1,6 all,6 txn}"
declare -A RESULT
if [ "$WARM" = 1 ]; then
  # Both servers long-lived: every case's topic is produced on each, then consumed ROUNDS times,
  # the servers alternating, so both see the same machine load and a warm JIT and page cache.
  start_kafka
  start_cairn
  for c in "${CASES[@]}"; do
    for server in kafka cairn; do
      RESULT["$server $c"]=$(produce_case "$(port_of $server)" $c)
    done
    declare -A ROUND=([kafka]="" [cairn]="")
    for _ in $(seq 1 "$ROUNDS"); do
      for server in kafka cairn; do
        ROUND[$server]+="$(consume_case $server $c)"$'\n'
      done
    done
    for server in kafka cairn; do
      RESULT["$server $c"]+=" $(printf %s "${ROUND[$server]}" | grep . | median)"
      echo "$server $c consume rounds (MB/s rec/s fetch-MB/s server-cpu-s server-wakeups):" ${ROUND[$server]} >&2
    done
  done
  stop_all
else
  # Each case runs on freshly started servers with empty data dirs, Kafka and Cairn back to back,
  # so neither gets a warmer page cache or a quieter machine for all of its cases.
  for c in "${CASES[@]}"; do
    for server in kafka cairn; do
      "start_$server"
      RESULT["$server $c"]="$(produce_case "$(port_of $server)" $c) $(consume_case $server $c)"
      stop_server $server
      rm -rf "$WORK/$server-data"
    done
  done
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
printf "records=%s size=%s kafka=%s cores=%s warm=%s load=%s\n" "$RECORDS" "$RECORD_SIZE" "$KAFKA_VERSION" "$(nproc)" \
  "$WARM" "$(cut -d" " -f1-3 /proc/loadavg)"
printf "%-14s | %-46s | %-46s | %s\n" "case" "Kafka prod MB/s rec/s p50 p99 / cons MB/s rec/s fetchMB/s cpu-s wakeups" \
  "Cairn prod MB/s rec/s p50 p99 / cons MB/s rec/s fetchMB/s cpu-s wakeups" \
  "ratio prod MB/s, p99 (K/C), cons MB/s, fetch MB/s, cpu (C/K), wakeups (C/K)"
for c in "${CASES[@]}"; do
  read -r km kr k50 k99 kcm kcr kfm kcpu kcsw <<<"${RESULT["kafka $c"]}"
  read -r cm cr c50 c99 ccm ccr cfm ccpu ccsw <<<"${RESULT["cairn $c"]}"
  set -- $c
  printf "%-14s | %6s %8s %5s %5s / %6s %8s %6s %5s %5s | %6s %8s %5s %5s / %6s %8s %6s %5s %5s | %s %s %s %s %s %s\n" \
    "p=$1 acks=$2" "$km" "$kr" "$k50" "$k99" "$kcm" "$kcr" "$kfm" "$kcpu" "$kcsw" "$cm" "$cr" "$c50" "$c99" "$ccm" \
    "$ccr" "$cfm" "$ccpu" "$ccsw" "$(ratio "$cm" "$km")" "$(ratio "$k99" "$c99")" "$(ratio "$ccm" "$kcm")" \
    "$(ratio "$cfm" "$kfm")" "$(ratio "$ccpu" "$kcpu")" "$(ratio "$ccsw" "$kcsw")"
done
