#!/usr/bin/env bash
# Assembles the file system every Cairn image starts from, in <dir> (default target/runtime-root):
# a distroless-style Debian 12 root (the C library and libgcc_s from the Debian mirror apt is
# configured with, unpacked with dpkg-deb: no package manager, no shell) plus a JRE that jlink
# trims from the build's JDK to the modules the engines and the operator use. The JVM needs nothing
# else (the JDK bundles zlib, its own time zone data and CA certificates).
#
#   images/runtime-root.sh [dir]
#
# Each package's control file goes to /var/lib/dpkg/status.d/ (as distroless does) so image
# scanners see which Debian versions are inside; the packages' copyright files stay.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../scripts/jdk.sh"
out=$(realpath -m "${1:-$here/target/runtime-root}")
packages=(base-files netbase libc6 libgcc-s1)
# What jdeps finds in the engines' and the operator's class paths, without the annotation
# processors' java.compiler/jdk.compiler; jdk.naming.dns for JNDI DNS lookups of the Kafka client.
modules=java.base,java.desktop,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,jdk.httpserver,jdk.management,jdk.naming.dns,jdk.unsupported,jdk.zipfs

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get download -qq "${packages[@]}" 2>"$work/apt.log"); then
  # A fresh machine has no package lists yet.
  apt-get update -qq
  (cd "$work" && apt-get download -qq "${packages[@]}")
fi

rm -rf "$out"
mkdir -p "$out/var/lib/dpkg/status.d"
for deb in "$work"/*.deb; do
  dpkg-deb -x "$deb" "$out"
  dpkg-deb -f "$deb" >"$out/var/lib/dpkg/status.d/$(dpkg-deb -f "$deb" Package)"
done
# Character-set converters for iconv(3), which the JVM does not call; documentation beyond
# the copyright files.
rm -rf "$out/usr/lib/x86_64-linux-gnu/gconv" "$out/usr/share/lintian" "$out/usr/share/man" \
  "$out/usr/share/info"
find "$out/usr/share/doc" -type f ! -name copyright -delete
find "$out/usr/share/doc" -type d -empty -delete

cat >"$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/usr/sbin/nologin
cairn:x:1000:1000:cairn:/home/cairn:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PASSWD
cat >"$out/etc/group" <<'GROUP'
root:x:0:
cairn:x:1000:
nogroup:x:65534:
GROUP
mkdir -p "$out/home/cairn"
# Container runtimes bind their own files over these: on a read-only root they must exist.
printf '127.0.0.1 localhost\n::1 localhost\n' >"$out/etc/hosts"
: >"$out/etc/hostname"
: >"$out/etc/resolv.conf"

jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
  --output "$out/opt/java"
