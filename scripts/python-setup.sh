#!/usr/bin/env bash
# npm run python:setup — the Python peer of the Schema Registry interop tests:
# .tmp/python-venv with Confluent's Python client (confluent-kafka, with its
# Avro, JSON Schema, Protobuf and Schema Registry extras) from PyPI. Idempotent: a venv that already
# imports the client is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.tmp/python-venv
VERSION=${CONFLUENT_KAFKA_VERSION:-2.16.1}
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.protobuf, confluent_kafka.schema_registry.json_schema, fastavro' 2>/dev/null; then
  echo "[python] $VENV ready (confluent-kafka $("$VENV/bin/python" -c 'import confluent_kafka; print(confluent_kafka.version()[0])'))"
  exit 0
fi
mkdir -p .tmp
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "confluent-kafka[avro,json,protobuf,schemaregistry]==$VERSION"
"$VENV/bin/python" -c 'import confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.protobuf, confluent_kafka.schema_registry.json_schema, fastavro'
echo "[python] $VENV ready (confluent-kafka $VERSION)"
