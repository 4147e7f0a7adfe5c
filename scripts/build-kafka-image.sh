#!/usr/bin/env bash
# Builds local/shoal-kafka:1, an image that runs a Kafka broker from Shoal's launcher jar
# (`shoal kafka`, Kafka's own jars from Maven Central inside): a Java runtime cut from this machine's
# JDK with jlink, the shared libraries it links against, and Debian's busybox-static for a shell.
# No image registry is needed. The jar is not in the image: a container mounts it at /shoal/shoal.jar,
# so the image outlives rebuilds of the jar.
set -euo pipefail
image=${1:-local/shoal-kafka:1}
if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi
jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# The modules a broker and Shoal's launcher use (java.se: management, naming, sql, security; the rest
# for Kafka's use of Unsafe, JMX platform beans, EC keys and zip file systems).
"$jdk/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.zipfs,jdk.naming.dns \
  --strip-debug --no-man-pages --no-header-files --output "$root/jre"
mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/shoal" "$root/data"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in sh ls cat ps kill sleep env mkdir rm; do
  ln -s busybox "$root/bin/$applet"
done
# Every library the runtime links against, at the same path, and the dynamic loader.
for f in "$root/jre/bin/java" $(find "$root/jre/lib" -name '*.so'); do
  ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
done | grep -v "^$root" | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/jre/bin:/bin' \
  --change 'WORKDIR /data' \
  --change 'ENTRYPOINT ["/jre/bin/java", "-Xmx512m", "-cp", "/shoal/shoal.jar", "dev.shoal.ops.Shoal", "kafka"]' \
  - "$image" >/dev/null
echo "[setup] built $image"
