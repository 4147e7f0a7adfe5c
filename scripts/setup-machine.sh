#!/usr/bin/env bash
# Installs what Shoal's build and tests need on a fresh Debian machine and starts a Docker engine.
# Idempotent: does nothing that is already done. Needs root (as on CI and the dev machines).
set -euo pipefail

log() { printf '[setup] %s\n' "$*"; }

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v python3 >/dev/null || missing+=(python3)
command -v dockerd >/dev/null || missing+=(docker.io)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v kcat >/dev/null || missing+=(kafkacat)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)   # SecurityOpensslIT makes certificates as docs/security.md says
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Prometheus and promtool, for the metrics tests (PrometheusScrapeIT, PrometheusRulesIT): Debian's
# package unpacked, not installed, which avoids its 20 dependencies (only the two static binaries are used).
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  log "installing prometheus and promtool (Debian package, unpacked into /opt/shoal-prometheus)"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1) || { apt-get update -qq && (cd "$tmp" && apt-get download prometheus >/dev/null); }
  mkdir -p /opt/shoal-prometheus
  dpkg-deb -x "$tmp"/prometheus_*.deb /opt/shoal-prometheus
  ln -sf /opt/shoal-prometheus/usr/bin/prometheus /usr/local/bin/prometheus
  ln -sf /opt/shoal-prometheus/usr/bin/promtool /usr/local/bin/promtool
  rm -rf "$tmp"
fi

if ! docker version >/dev/null 2>&1; then
  log "starting dockerd"
  mkdir -p /var/log
  nohup dockerd >/var/log/shoal-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker version >/dev/null 2>&1 && break
    sleep 1
  done
fi
if docker version >/dev/null 2>&1; then
  log "docker engine $(docker version --format '{{.Server.Version}}') answers"
  "$(dirname "$0")/build-test-image.sh"
  "$(dirname "$0")/build-kafka-image.sh"   # the broker in a container of ContainerBrokerIT
else
  log "WARNING: no Docker engine answers; Docker tests will be skipped (see /var/log/shoal-dockerd.log)"
fi
