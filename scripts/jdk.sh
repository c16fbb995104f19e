# shellcheck shell=sh
# Sourced by every Cairn script (and ./mvnw): exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME if it is one, else the newest JDK under /usr/lib/jvm, else a clear error.
# The machine's default `java` may be 17; nothing here relies on PATH's java.

cairn_jdk_major() {
  # Prints the feature version of the JDK at $1 (e.g. 21, 25), or nothing if it is not a JDK.
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
  fi
}

cairn_pick_jdk() {
  cairn_min=21
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(cairn_jdk_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$cairn_min" ]; then
      return 0
    fi
  fi
  best=""
  best_v=0
  for d in /usr/lib/jvm/*; do
    [ -d "$d" ] && [ ! -L "$d" ] || continue
    v=$(cairn_jdk_major "$d")
    if [ -n "$v" ] && [ "$v" -ge "$cairn_min" ] && [ "$v" -gt "$best_v" ]; then
      best="$d"
      best_v="$v"
    fi
  done
  if [ -z "$best" ]; then
    echo "cairn: no JDK >= $cairn_min found (JAVA_HOME='${JAVA_HOME:-}', nothing suitable under /usr/lib/jvm)." >&2
    echo "cairn: install one, e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21/25, or set JAVA_HOME." >&2
    return 1
  fi
  JAVA_HOME="$best"
  export JAVA_HOME
}

cairn_pick_jdk || exit 1
PATH="$JAVA_HOME/bin:$PATH"
export PATH
