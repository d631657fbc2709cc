#!/usr/bin/env bash
# Runs scripts/runtimes/smoke.mjs from the packed package (npm pack of the
# built dist/) on every runtime scripts/runtimes/install.sh provides, against
# the broker at KAFKA_BOOTSTRAP. A runtime that cannot be installed is skipped
# with its reason; one that installs but fails the smoke fails the run.
# usage: KAFKA_BOOTSTRAP=host:port scripts/runtimes/run.sh [name...]
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${KAFKA_BOOTSTRAP:?set KAFKA_BOOTSTRAP to a running broker}"
[ -f dist/esm/index.js ] || { echo "dist/ is missing: npm run build first" >&2; exit 1; }
APP="$PWD/.tmp/runtimes/app"
rm -rf "$APP" && mkdir -p "$APP"
tarball="$(npm pack --silent --pack-destination "$APP" | tail -n 1)" || { echo "npm pack failed" >&2; exit 1; }
echo '{ "name": "samsa-runtime-smoke", "private": true, "type": "module" }' > "$APP/package.json"
(cd "$APP" && npm install --no-save --no-audit --no-fund --loglevel=error "./$tarball") || { echo "installing $tarball failed" >&2; exit 1; }
cp scripts/runtimes/smoke.mjs "$APP/smoke.mjs"
rc=0 ran=0
while read -r name bin rest; do
  if [ "$bin" = "SKIPPED:" ]; then echo "$name: skipped ($rest)"; continue; fi
  case "$name" in
    deno) cmd=("$bin" run --allow-all --quiet smoke.mjs "$KAFKA_BOOTSTRAP") ;;
    *) cmd=("$bin" smoke.mjs "$KAFKA_BOOTSTRAP") ;;
  esac
  ran=$((ran + 1))
  if ! (cd "$APP" && timeout 120 "${cmd[@]}"); then echo "$name: FAILED"; rc=1; fi
done < <(scripts/runtimes/install.sh "$@")
[ $ran -gt 0 ] || echo "no runtime could be installed"
exit $rc
