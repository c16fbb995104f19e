#!/usr/bin/env bash
# Operator start-up time and resident memory after reconciling N resources (default 100), against
# fabric8's mock API server (CRUD mode) on loopback with a StatefulSet stand-in that makes pods ready.
#
#   ./mvnw -pl operator -o verify -DskipTests      # builds operator/target/quarkus-app
#   ./mvnw -pl operator -o test-compile dependency:build-classpath \
#       -Dmdep.includeScope=test -Dmdep.outputFile=target/footprint.cp
#   [JAVA_OPTS="-XX:+UseSerialGC -Xmx128m"] bench/operator/footprint.sh [N]
#
# Prints the time to Quarkus' "started in" line (and the wall time from exec), then the RSS of the
# operator process once all N resources report Ready.
set -euo pipefail
N=${1:-100}
cd "$(dirname "$0")/../../operator"
. ../scripts/jdk.sh
CP="target/test-classes:target/classes:$(cat target/footprint.cp)"
LOG=target/footprint-operator.log

coproc API { exec java -cp "$CP" dev.cairn.operator.bench.FootprintApiServer "$N" 2>target/footprint-api.log; }
API_PID=$API_PID
trap 'kill $API_PID ${OP_PID:-} 2>/dev/null || true' EXIT
read -r line <&"${API[0]}"
URL=${line#API }

t0=$(date +%s%N)
KUBERNETES_MASTER="$URL" java ${JAVA_OPTS:-} -Dkubernetes.master="$URL" -Dkubernetes.auth.tryKubeConfig=false \
     -Dquarkus.profile=local \
     -jar target/quarkus-app/quarkus-run.jar >"$LOG" 2>&1 &
OP_PID=$!
until grep -q "started in" "$LOG"; do
  kill -0 $OP_PID 2>/dev/null || { echo "operator exited:"; cat "$LOG"; exit 1; }
  sleep 0.02
done
t1=$(date +%s%N)
echo "startup: $(grep -o 'started in [0-9.]*s' "$LOG") (wall $(( (t1 - t0) / 1000000 )) ms from exec)"
echo "rss after start: $(awk '/VmRSS/ {print int($2/1024) " MiB"}' /proc/$OP_PID/status)"

echo go >&"${API[1]}"
read -r ready <&"${API[0]}"
echo "reconciled: $ready"
sleep 2
echo "rss after reconciling $N resources: $(awk '/VmRSS/ {print int($2/1024) " MiB"}' /proc/$OP_PID/status)"
for path in /metrics /q/metrics; do curl -sf localhost:8080$path >target/footprint-metrics.txt && echo "metrics at $path" && break; done || true
grep -E '^cairn_operator_managed_resources' target/footprint-metrics.txt | sed 's/^/metrics: /' || true
echo "metrics: $(grep -c '^operator_sdk' target/footprint-metrics.txt) operator_sdk_* series"
echo stop >&"${API[1]}"
