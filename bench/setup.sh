#!/usr/bin/env bash
# Install what the benchmark needs, outside the app's dependencies:
#   - Kring itself (editable) into the repo's venv (./.venv, or $KRING_VENV), from uv.lock,
#   - the lock's `bench` group: python-socketio (its Redis manager uses the `redis` package Kring
#     already needs), matplotlib (Agg plots), py-spy (profiling). uvloop comes with Kring's own
#     dependencies; the Python peers run on the same event loop as Kring.
#   - Node's `ws` inside bench/peers/node/ (npm registry, pinned in package.json).
# redis-server comes from Debian (apt-get install redis-server) when it is missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server is missing (apt-get install redis-server); the Redis scenarios will be skipped" >&2
  fi
fi

. bin/_lib.sh
kring_sync --quiet --group bench   # the lock's dev and bench groups (bin/test's sync drops bench again)

if command -v npm >/dev/null 2>&1; then
  (cd bench/peers/node && npm ci --silent --no-audit --no-fund >/dev/null 2>&1) \
    || echo "npm install in bench/peers/node failed: the node-ws peer will be skipped" >&2
else
  echo "npm is missing: the node-ws peer will be skipped" >&2
fi
echo "bench setup done ($UV_PROJECT_ENVIRONMENT)"
