#!/usr/bin/env bash
# Checks the packed package (npm pack of the built dist/) on every runtime
# scripts/runtimes/install.sh provides (Node 20/22/24, Bun, Deno), against the
# broker at KAFKA_BOOTSTRAP (a Kafka 4.x one: KAFKA_VERSION says which). On
# each runtime, in a scratch project where the tarball is installed:
#   1. scripts/runtimes/smoke.mjs: an application's import and require of 'samsa';
#   2. the compatibility smoke suite (test/integration/compat/smoke.test.ts),
#      transpiled to use the package (scripts/runtimes/transpile.ts);
#   3. the examples' tests (test/integration/examples), each example running on
#      the runtime (SAMSA_EXAMPLE_RUNTIME, see run-example.ts).
# A runtime that cannot be installed is skipped with its reason; one that
# installs but fails any step fails the run. Prints a result line per runtime.
# usage: KAFKA_BOOTSTRAP=host:port KAFKA_VERSION=4.4.0 scripts/runtimes/run.sh [name...]
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${KAFKA_BOOTSTRAP:?set KAFKA_BOOTSTRAP to a running broker}"
: "${KAFKA_VERSION:?set KAFKA_VERSION to the release of that broker}"
[ -f dist/esm/index.js ] || { echo "dist/ is missing: npm run build first" >&2; exit 1; }
APP="$PWD/.tmp/runtimes/app"
rm -rf "$APP" && mkdir -p "$APP"
tarball="$(npm pack --silent --pack-destination "$APP" | tail -n 1)" || { echo "npm pack failed" >&2; exit 1; }
echo '{ "name": "samsa-runtime-smoke", "private": true, "type": "module" }' > "$APP/package.json"
(cd "$APP" && npm install --no-save --no-audit --no-fund --loglevel=error "./$tarball") || { echo "installing $tarball failed" >&2; exit 1; }
cp scripts/runtimes/smoke.mjs "$APP/smoke.mjs"
node_modules/.bin/tsx scripts/runtimes/transpile.ts "$APP" test/integration/compat/smoke.test.ts test/helpers/kafka.ts >/dev/null || exit 1
# the examples that need nothing but the broker (the Schema Registry's and
# OAuth's need servers of their own; they run in the main suite)
EXAMPLE_TESTS=(
  test/integration/examples/producer-consumer.test.ts
  test/integration/examples/consumer-rebalance.test.ts
  test/integration/examples/pipeline.test.ts
  test/integration/examples/poison-record.test.ts
  test/integration/examples/share-worker.test.ts
)
run_on() { # run_on <name> <argv...>: one program in the app directory on the runtime
  local name="$1"; shift
  case "$name" in
    deno) (cd "$APP" && timeout 300 "$RT_BIN" run --allow-all --quiet "$@") ;;
    *) (cd "$APP" && timeout 300 "$RT_BIN" "$@") ;;
  esac
}
rc=0 ran=0
RESULTS=()
while read -r name bin rest; do
  if [ "$bin" = "SKIPPED:" ]; then RESULTS+=("$name: skipped ($rest)"); continue; fi
  ran=$((ran + 1))
  RT_BIN="$bin"
  failed=()
  echo "--- $name: $("$bin" --version 2>&1 | head -n 1)"
  run_on "$name" smoke.mjs "$KAFKA_BOOTSTRAP" || failed+=(smoke.mjs)
  KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" KAFKA_VERSION="$KAFKA_VERSION" run_on "$name" smoke.test.mjs || failed+=('smoke suite')
  SAMSA_EXAMPLE_RUNTIME="$name=$bin" SAMSA_RUNTIME_APP="$APP" node_modules/.bin/tsx scripts/test.ts "${EXAMPLE_TESTS[@]}" || failed+=(examples)
  if [ ${#failed[@]} -eq 0 ]; then RESULTS+=("$name: ok (package import/require, smoke suite, ${#EXAMPLE_TESTS[@]} example tests)")
  else RESULTS+=("$name: FAILED (${failed[*]})"); rc=1; fi
done < <(scripts/runtimes/install.sh "$@")
echo
echo "=== runtimes ==="
for r in "${RESULTS[@]+"${RESULTS[@]}"}"; do echo "$r"; done
[ $ran -gt 0 ] || echo "no runtime could be installed"
exit $rc
