#!/usr/bin/env bash
# Side-by-side replicated broker benchmark: a 3-node Apache Kafka cluster (KRaft, combined
# broker+controller nodes, from the Maven Central jars) and 3 Cairn brokers with a Cairn
# coordinator, on loopback, measured in one run with Kafka's own ProducerPerformance and
# ConsumerPerformance. Topic of 6 partitions, replication factor 3, min.insync.replicas 2,
# acks=all, 1 KiB records. Prints MB/s, records/s, p50/p99 produce latency and Cairn/Kafka ratios.
#
#   bench/broker/replicated.sh                 # RECORDS=200000 by default
#   RECORDS=50000 bench/broker/replicated.sh   # quicker
#
# Uses the Kafka jars bench/broker/run.sh downloads (it is run first if they are missing).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$ROOT/scripts/jdk.sh"
KAFKA_VERSION=${KAFKA_VERSION:-4.2.1}
RECORDS=${RECORDS:-200000}
RECORD_SIZE=1024
WORK="$HERE/target/replicated"
LIB="$HERE/target/kafka-lib"
CAIRN_JAR="$ROOT/broker-image/target/cairn-broker.jar"
COORD_JAR="$ROOT/coord-image/target/cairn-coord.jar"
PORTS=(19092 19192 19292)
mkdir -p "$WORK"
if [ ! -f "$LIB/kafka_2.13-$KAFKA_VERSION.jar" ]; then
  RECORDS=1000 "$HERE/run.sh" > /dev/null
fi
for jar in "$CAIRN_JAR" "$COORD_JAR"; do
  if [ ! -f "$jar" ]; then
    flock /tmp/cairn-mvn.lock "$ROOT/mvnw" -B -q -f "$ROOT/pom.xml" package \
      -pl broker-image,coord-image -am -DskipTests
  fi
done

PIDS=()
stop_all() {
  # Brokers before their coordinator (started first): a broker hands its leaderships over
  # through the coordinator as it stops.
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[$i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap stop_all EXIT

wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "nothing listens on port $1" >&2; exit 1
}

bootstrap() { echo "127.0.0.1:${PORTS[0]},127.0.0.1:${PORTS[1]},127.0.0.1:${PORTS[2]}"; }

start_kafka() {
  local voters="1@127.0.0.1:19093,2@127.0.0.1:19193,3@127.0.0.1:19293"
  local cluster
  cluster=$(java -cp "$LIB/*" kafka.tools.StorageTool random-uuid)
  for i in 1 2 3; do
    local port=${PORTS[$((i - 1))]} dir="$WORK/kafka-$i"
    rm -rf "$dir"; mkdir -p "$dir"
    cat > "$WORK/kafka-$i.properties" <<CFG
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$((port + 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir
offsets.topic.replication.factor=3
group.initial.rebalance.delay.ms=0
CFG
    java -cp "$LIB/*" kafka.tools.StorageTool format -t "$cluster" \
      -c "$WORK/kafka-$i.properties" > "$WORK/kafka-format-$i.log" 2>&1
    java -Xmx768m -cp "$LIB/*" kafka.Kafka "$WORK/kafka-$i.properties" > "$WORK/kafka-$i.log" 2>&1 &
    PIDS+=($!)
  done
  for port in "${PORTS[@]}"; do wait_port "$port"; done
  sleep 3
}

start_cairn() {
  local coord="$WORK/coord"
  rm -rf "$coord"; mkdir -p "$coord/data"
  cat > "$coord/zoo.cfg" <<CFG
dataDir=$coord/data
clientPortAddress=127.0.0.1
clientPort=12181
admin.serverAddress=127.0.0.1
admin.serverPort=17000
tickTime=2000
CFG
  java -Xmx512m -jar "$COORD_JAR" "$coord/zoo.cfg" > "$WORK/coord.log" 2>&1 &
  PIDS+=($!)
  wait_port 12181
  for i in 1 2 3; do
    local port=${PORTS[$((i - 1))]} dir="$WORK/cairn-$i"
    rm -rf "$dir"; mkdir -p "$dir"
    cat > "$WORK/cairn-$i.properties" <<CFG
broker.id=$i
listeners=PLAINTEXT://127.0.0.1:$port
zookeeper.connect=127.0.0.1:12181
log.dirs=$dir
cairn.admin.host=127.0.0.1
cairn.admin.port=$((port + 2))
offsets.topic.replication.factor=3
group.initial.rebalance.delay.ms=0
CFG
    java -Xmx768m -Dio.netty.leakDetection.level=disabled -jar "$CAIRN_JAR" \
      "$WORK/cairn-$i.properties" > "$WORK/cairn-$i.log" 2>&1 &
    PIDS+=($!)
  done
  for port in "${PORTS[@]}"; do wait_port "$port"; done
  sleep 3
}

# Prints "MBps recs p50 p99 cMBps cRecs".
run_case() {
  local topic=bench-replicated
  java -cp "$LIB/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "$(bootstrap)" --create \
    --topic "$topic" --partitions 6 --replication-factor 3 --config min.insync.replicas=2 \
    > /dev/null 2>&1
  sleep 2
  local p c
  p=$(java -cp "$LIB/*" org.apache.kafka.tools.ProducerPerformance --topic "$topic" \
      --num-records "$RECORDS" --record-size "$RECORD_SIZE" --throughput -1 \
      --producer-props bootstrap.servers="$(bootstrap)" acks=all linger.ms=5 batch.size=65536 \
      2>/dev/null | tail -1)
  c=$(java -cp "$LIB/*" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$(bootstrap)" \
      --topic "$topic" --messages "$RECORDS" --timeout 60000 2>/dev/null | tail -1)
  local recs mbps p50 p99 cmb crecs
  recs=$(sed -E 's/.* sent, ([0-9.]+) records\/sec.*/\1/' <<<"$p")
  mbps=$(sed -E 's/.*\(([0-9.]+) MB\/sec\).*/\1/' <<<"$p")
  p50=$(sed -E 's/.* ([0-9.]+) ms 50th.*/\1/' <<<"$p")
  p99=$(sed -E 's/.* ([0-9.]+) ms 99th.*/\1/' <<<"$p")
  cmb=$(awk -F', *' '{print $4}' <<<"$c")
  crecs=$(awk -F', *' '{print $6}' <<<"$c")
  echo "$mbps $recs $p50 $p99 $cmb $crecs"
}

declare -A RESULT
for server in kafka cairn; do
  "start_$server"
  RESULT[$server]=$(run_case)
  stop_all
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
read -r km kr k50 k99 kcm kcr <<<"${RESULT[kafka]}"
read -r cm cr c50 c99 ccm ccr <<<"${RESULT[cairn]}"
printf "records=%s size=%s kafka=%s cores=%s; 3 brokers, 6 partitions, RF 3, min.insync.replicas 2, acks=all\n" \
  "$RECORDS" "$RECORD_SIZE" "$KAFKA_VERSION" "$(nproc)"
printf "Kafka: produce %s MB/s %s rec/s p50 %s ms p99 %s ms; consume %s MB/s %s rec/s\n" \
  "$km" "$kr" "$k50" "$k99" "$kcm" "$kcr"
printf "Cairn: produce %s MB/s %s rec/s p50 %s ms p99 %s ms; consume %s MB/s %s rec/s\n" \
  "$cm" "$cr" "$c50" "$c99" "$ccm" "$ccr"
printf "ratio Cairn/Kafka: produce MB/s %s, p99 (Kafka/Cairn) %s, consume MB/s %s\n" \
  "$(ratio "$cm" "$km")" "$(ratio "$k99" "$c99")" "$(ratio "$ccm" "$kcm")"
