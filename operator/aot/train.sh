#!/usr/bin/env bash
# Writes the operator's JDK AOT cache (JEP 483/514/515: classes loaded and linked, method
# profiles) by a training run: the operator, started with the JVM options it ships with
# (jvm.options), syncs its informers against fabric8's mock API server and reconciles N resources
# (default 20) to Ready; on SIGTERM the JVM writes <app-dir>/app.aot. The cache is only valid for
# the JVM build that wrote it, so the operator runs on the JVM it will run on: the image's (the
# image build, images/build.sh, sets OPERATOR_JAVA to that JRE's java) or, for
# bench/operator/footprint.sh, the local JDK. The mock API server runs on the local JDK.
#
#   [OPERATOR_JAVA=<java>] aot/train.sh <app-dir> <jvm.options> <training class path> <CRD dir> [N]
#
# The class path holds the operator's test classes (dev.cairn.operator.bench.FootprintApiServer,
# the mock API server and StatefulSet stand-in) and their dependencies.
set -euo pipefail
APP=$1 OPTS=$(realpath "$2") CP=$3 CRDS=$4 N=${5:-20}
LOG=$(mktemp)
trap 'kill ${API_PID:-} ${OP_PID:-} 2>/dev/null || true; rm -f "$LOG"' EXIT

coproc API { exec java -cp "$CP" dev.cairn.operator.bench.FootprintApiServer "$N" "$CRDS" 2>/dev/null; }
API_PID=$API_PID
read -r line <&"${API[0]}"
URL=${line#API }

rm -f "$APP/app.aot"
(cd "$APP" && KUBERNETES_MASTER="$URL" exec "${OPERATOR_JAVA:-java}" "@$OPTS" -XX:AOTCacheOutput=app.aot \
    -Dkubernetes.auth.tryKubeConfig=false -Dquarkus.profile=local -Dquarkus.http.host=127.0.0.1 \
    -Dquarkus.http.port=0 -jar quarkus-run.jar) >"$LOG" 2>&1 &
OP_PID=$!
for _ in $(seq 1200); do
  grep -qs "started in" "$LOG" && break
  kill -0 $OP_PID 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.1
done
echo go >&"${API[1]}"
read -r ready <&"${API[0]}"
echo "aot training: $ready"
kill -TERM $OP_PID
wait $OP_PID || true
OP_PID=
kill "$API_PID"
test -s "$APP/app.aot" || { cat "$LOG"; echo "aot training: no app.aot written" >&2; exit 1; }
echo "aot training: $(du -h "$APP/app.aot" | cut -f1) written to $APP/app.aot"
