#!/usr/bin/env bash
# Builds the local test image local/busybox:1 from Debian's busybox-static: no registry needed.
set -euo pipefail
image=${1:-local/busybox:1}
if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/www" "$root/etc"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
echo '<h1>shoal test page</h1>' >"$root/www/index.html"
tar -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' --change 'WORKDIR /www' --change 'ENV PATH=/bin' - "$image" >/dev/null
echo "[setup] built $image"
