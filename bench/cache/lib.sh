# shellcheck shell=bash
# Sourced by the cache benchmarks (from the repository root): the Redis tools checked, Cairn's jar
# ($CAIRN_JAR, built if missing) and JVM flags ($CAIRN_JAVA_OPTS), free loopback ports, a work
# directory and the processes started in it, both cleaned up on exit (set $work first to choose
# where it goes), and the SET load file.
for tool in redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "missing $tool (bash scripts/install-test-peers)" >&2; exit 1; }
done
JAVA_OPTS="${CAIRN_JAVA_OPTS:-@cache-image/jvm.options}"
jar="${CAIRN_JAR:-cache-image/target/cairn-cache.jar}"
[[ -f "$jar" ]] || ./mvnw -B -q -ntp -DskipTests package -pl cache-image -am
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
work="${work:-$(mktemp -d)}"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# load_file N PATH: N "SET key:<12 digits> <100 bytes>" commands in RESP, for redis-cli --pipe
load_file() {
  python3 - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
value = b"v" * 100
with open(path, "wb") as f:
    for i in range(n):
        key = b"key:%012d" % i
        f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n" % (len(key), key, value))
PY
}
