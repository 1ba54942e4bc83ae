#!/usr/bin/env bash
# Debian packages the service tests need: PostgreSQL and Redis (the Celery deployment) and
# Chromium (the web UI test). Installs only what is missing; does nothing when all are there.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing Debian packages for the service tests: ${need[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
install() { $sudo apt-get install -y -q --no-install-recommends "${need[@]}" > /tmp/newsflow-apt.log 2>&1; }
install || { $sudo apt-get update -q > /dev/null 2>&1 && install; } || { tail -20 /tmp/newsflow-apt.log; exit 1; }
