#!/usr/bin/env bash
# Writes the OCI image archives cairn-{operator,broker,coord,cache}.tar from the built modules
# (run by Maven in this module's package phase; `./cairn images` runs Maven up to there).
#
#   images/build.sh <work dir (images/target)> <output dir> <version> <class path of this module>
#
# 1. runtime-root.sh: the Debian root with the jlinked JRE every image starts from.
# 2. The operator's AOT cache, trained on that JRE (a cache only works with the JVM build that wrote
#    it) in a copy of operator/target/quarkus-app, so the operator's own build output stays as is.
# 3. ImageBuild packs the layers and writes the archives.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../scripts/jdk.sh"
work=$1 out=$2 version=${3%-SNAPSHOT} cp=$4
operator="$here/../operator"

"$here/runtime-root.sh" "$work/runtime-root"

rm -rf "$work/operator-app"
cp -r "$operator/target/quarkus-app" "$work/operator-app"
OPERATOR_JAVA="$work/runtime-root/opt/java/bin/java" "$operator/aot/train.sh" "$work/operator-app" \
  "$operator/jvm.options" \
  "$operator/target/test-classes:$operator/target/classes:$(cat "$operator/target/aot-training.cp")" \
  "$here/../crds" 20

java -cp "$cp" dev.cairn.images.ImageBuild "$here/.." "$work" "$out" "$version"
