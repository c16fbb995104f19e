#!/usr/bin/env bash
# Operator start-up time and resident memory after reconciling N resources (default 100), against
# fabric8's mock API server (CRUD mode) on loopback with a StatefulSet stand-in that makes pods ready.
#
#   ./mvnw -pl operator -o verify                  # builds operator/target/quarkus-app
#   ./mvnw -pl operator -o dependency:build-classpath \
#       -Dmdep.includeScope=test -Dmdep.outputFile=target/footprint.cp
#   bench/operator/footprint.sh [N]
#
# The operator runs as its image runs it (images/, docs/images.md): from its directory, with
# operator/jvm.options, the AOT cache app.aot and MALLOC_ARENA_MAX=2. The AOT cache is written
# first by operator/aot/train.sh (a training run against a separate mock API server with 20
# resources) when it is missing or older than the build. JAVA_OPTS="..." replaces the JVM
# options (e.g. JAVA_OPTS=" " for JVM defaults) for comparisons.
#
# "Started" = Quarkus' "started in" line: the operator has registered its controllers and every
# informer has listed and is watching (java-operator-sdk's start waits for the caches to sync
# before Quarkus reports started). Printed: wall time from exec to that line, the JVM's own
# "started in" (from its main), CPU time (all threads) spent until then, RSS after start and
# after all N resources report Ready.
set -euo pipefail
N=${1:-100}
cd "$(dirname "$0")/../../operator"
. ../scripts/jdk.sh
CP="target/test-classes:target/classes:$(cat target/footprint.cp)"
APP=target/quarkus-app
LOG=target/footprint-operator.log
OPTS=${JAVA_OPTS:-@../../jvm.options -XX:AOTCache=app.aot}
export MALLOC_ARENA_MAX=2

if [[ -z ${JAVA_OPTS:-} && ( ! -s $APP/app.aot || $APP/app.aot -ot $APP/quarkus-run.jar ) ]]; then
  aot/train.sh "$APP" jvm.options "$CP" ../crds 20
fi

coproc API { exec java -cp "$CP" dev.cairn.operator.bench.FootprintApiServer "$N" ../crds 2>target/footprint-api.log; }
API_PID=$API_PID
trap 'kill $API_PID ${OP_PID:-} 2>/dev/null || true' EXIT
read -r line <&"${API[0]}"
URL=${line#API }

rm -f "$LOG"
t0=$(date +%s%N)
# shellcheck disable=SC2086 # OPTS is a list of JVM options
(cd $APP && KUBERNETES_MASTER="$URL" exec java $OPTS -Dkubernetes.auth.tryKubeConfig=false \
     -Dquarkus.profile=local -Dquarkus.http.host=127.0.0.1 -jar quarkus-run.jar) >"$LOG" 2>&1 &
OP_PID=$!
until grep -qs "started in" "$LOG"; do
  kill -0 $OP_PID 2>/dev/null || { echo "operator exited:"; cat "$LOG"; exit 1; }
  sleep 0.01
done
t1=$(date +%s%N)
echo "jvm options: $OPTS (MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX)"
echo "startup: wall $(( (t1 - t0) / 1000000 )) ms from exec to started ($(grep -o 'started in [0-9.]*s' "$LOG") from main)"
echo "cpu to start: $(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f s", ($14 + $15) / hz}' /proc/$OP_PID/stat) (user + system, all threads)"
echo "rss after start: $(awk '/VmRSS/ {print int($2/1024) " MiB"}' /proc/$OP_PID/status)"

echo go >&"${API[1]}"
read -r ready <&"${API[0]}"
echo "reconciled: $ready"
sleep 2
echo "rss after reconciling $N resources: $(awk '/VmRSS/ {print int($2/1024) " MiB"}' /proc/$OP_PID/status)"
curl -sf localhost:8080/metrics >target/footprint-metrics.txt
grep -E '^cairn_operator_managed_resources.*state="ready"' target/footprint-metrics.txt | sed 's/^/metrics: /' || true
grep -E '^reconciliations_success_total' target/footprint-metrics.txt | sed 's/^/metrics: /' || true
echo "threads: $(grep -E '^jvm_threads_live_threads' target/footprint-metrics.txt | cut -d' ' -f2)"
grep -q 'AOTCache.*not\|Unable to use AOT\|\[error\]\[aot' "$LOG" && grep -i 'aot' "$LOG" | head -3 || true
echo stop >&"${API[1]}"
