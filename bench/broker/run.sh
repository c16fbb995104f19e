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
PORT=19092
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

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT

wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "server did not open port $PORT" >&2; exit 1
}

start_kafka() {
  local dir="$WORK/kafka-data"
  rm -rf "$dir"; mkdir -p "$dir"
  cat > "$WORK/kafka.properties" <<CFG
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:19093
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:19093
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
CFG
  java -cp "$LIB/*" kafka.tools.StorageTool format -t "$(java -cp "$LIB/*" kafka.tools.StorageTool random-uuid)" \
    -c "$WORK/kafka.properties" > "$WORK/kafka-format.log" 2>&1
  java -Xmx1g -cp "$LIB/*" kafka.Kafka "$WORK/kafka.properties" > "$WORK/kafka.log" 2>&1 &
  SERVER_PID=$!
  wait_port
}

start_cairn() {
  local dir="$WORK/cairn-data"
  rm -rf "$dir"; mkdir -p "$dir"
  cat > "$WORK/cairn.properties" <<CFG
listeners=PLAINTEXT://127.0.0.1:$PORT
log.dirs=$dir
cairn.admin.host=127.0.0.1
cairn.admin.port=19404
group.initial.rebalance.delay.ms=0
CFG
  java -Xmx1g -Dio.netty.leakDetection.level=disabled -jar "$CAIRN_JAR" "$WORK/cairn.properties" > "$WORK/cairn.log" 2>&1 &
  SERVER_PID=$!
  wait_port
  sleep 1
}

# One case: create the topic, produce RECORDS, consume them. Prints "MBps recs p50 p99 cMBps cRecs".
run_case() {
  local partitions=$1 acks=$2 topic="bench-p$1-a$2"
  java -cp "$LIB/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --create \
    --topic "$topic" --partitions "$partitions" --replication-factor 1 > /dev/null 2>&1
  local txn=() isolation=read_uncommitted
  if [ "$acks" = txn ]; then
    acks=all isolation=read_committed
    txn=(--transactional-id "bench-txn-$partitions" --transaction-duration-ms 10)
  fi
  echo "isolation.level=$isolation" > "$WORK/consumer.properties"
  local p
  if [ "$acks" = txn100 ]; then
    echo "isolation.level=read_committed" > "$WORK/consumer.properties"
    p=$(java -cp "$LIB/*" "$HERE/TxnCountProducer.java" "127.0.0.1:$PORT" "$topic" "$RECORDS" \
        "$RECORD_SIZE" 100 "bench-txn100-$partitions" 2>/dev/null | tail -1)
  else
    p=$(java -cp "$LIB/*" org.apache.kafka.tools.ProducerPerformance --topic "$topic" \
        --num-records "$RECORDS" --record-size "$RECORD_SIZE" --throughput -1 "${txn[@]}" \
        --producer-props bootstrap.servers="127.0.0.1:$PORT" acks="$acks" linger.ms=5 batch.size=65536 \
        2>/dev/null | tail -1)
  fi
  local c
  c=$(java -cp "$LIB/*" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "127.0.0.1:$PORT" \
      --topic "$topic" --messages "$RECORDS" --timeout 60000 \
      --consumer.config "$WORK/consumer.properties" 2>/dev/null | tail -1)
  # "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, ..."
  local recs mbps p50 p99
  recs=$(sed -E 's/.* sent, ([0-9.]+) records\/sec.*/\1/' <<<"$p")
  mbps=$(sed -E 's/.*\(([0-9.]+) MB\/sec\).*/\1/' <<<"$p")
  p50=$(sed -E 's/.* ([0-9.]+) ms 50th.*/\1/' <<<"$p")
  p99=$(sed -E 's/.* ([0-9.]+) ms 99th.*/\1/' <<<"$p")
  # CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
  local cmb crecs
  cmb=$(awk -F', *' '{print $4}' <<<"$c")
  crecs=$(awk -F', *' '{print $6}' <<<"$c")
  echo "$mbps $recs $p50 $p99 $cmb $crecs"
}

# Each case runs on freshly started servers with empty data dirs, Kafka and Cairn back to back, so
# neither gets a warmer page cache or a quieter machine for all of its cases.
IFS=, read -r -a CASES <<<"${CASES:-1 1,1 all,6 1,6 all,6 txn}"
declare -A RESULT
for c in "${CASES[@]}"; do
  for server in kafka cairn; do
    "start_$server"
    RESULT["$server $c"]=$(run_case $c)
    stop_server
    rm -rf "$WORK/$server-data"
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
printf "records=%s size=%s kafka=%s cores=%s\n" "$RECORDS" "$RECORD_SIZE" "$KAFKA_VERSION" "$(nproc)"
printf "%-14s | %-40s | %-40s | %s\n" "case" "Kafka prod MB/s rec/s p50 p99 / cons MB/s rec/s" \
  "Cairn prod MB/s rec/s p50 p99 / cons MB/s rec/s" "ratio prod MB/s, p99 (K/C), cons MB/s"
for c in "${CASES[@]}"; do
  read -r km kr k50 k99 kcm kcr <<<"${RESULT["kafka $c"]}"
  read -r cm cr c50 c99 ccm ccr <<<"${RESULT["cairn $c"]}"
  set -- $c
  printf "%-14s | %6s %8s %5s %5s / %6s %8s | %6s %8s %5s %5s / %6s %8s | %s %s %s\n" \
    "p=$1 acks=$2" "$km" "$kr" "$k50" "$k99" "$kcm" "$kcr" "$cm" "$cr" "$c50" "$c99" "$ccm" "$ccr" \
    "$(ratio "$cm" "$km")" "$(ratio "$k99" "$c99")" "$(ratio "$ccm" "$kcm")"
done
