#!/usr/bin/env bash
# npm run confluent-js:setup — the JavaScript peer of the Schema Registry
# interop tests: Confluent's own serdes (@confluentinc/schemaregistry, npm) in
# .tmp/confluent-js, kept out of samsa's package.json (it pulls in ~280
# packages, the cloud KMS SDKs among them). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=.tmp/confluent-js
VERSION=${CONFLUENT_SCHEMAREGISTRY_VERSION:-1.10.1}
if [ -f "$DIR/node_modules/@confluentinc/schemaregistry/package.json" ] && node -e "require('./$DIR/node_modules/@confluentinc/schemaregistry')" 2>/dev/null; then
  echo "[confluent-js] $DIR ready"
  exit 0
fi
mkdir -p "$DIR"
[ -f "$DIR/package.json" ] || echo '{ "name": "samsa-confluent-js-peer", "private": true }' > "$DIR/package.json"
npm install --prefix "$DIR" --no-audit --no-fund --ignore-scripts "@confluentinc/schemaregistry@$VERSION"
node -e "require('./$DIR/node_modules/@confluentinc/schemaregistry')"
echo "[confluent-js] $DIR ready (@confluentinc/schemaregistry $VERSION)"
