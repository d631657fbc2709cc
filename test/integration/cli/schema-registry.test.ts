// console-producer / console-consumer with --value-format avro and the project's registry:
// JSON lines in, Avro in Confluent's wire format on the topic, JSON lines out; a bad line fails the tool.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { registryUrl } from '../../helpers/registry.js'
import { samsa } from '../../cli/run.js'
import { createTopic, deleteTopic, readPartition } from '../producer/helpers.js'
import { unframe } from '../../../src/schema-registry/index.js'

const schema = JSON.stringify({ type: 'record', name: 'Point', fields: [{ name: 'x', type: 'int' }, { name: 'y', type: 'int' }] })

test('console tools: --value-format avro --schema-registry-url writes and reads Avro records as JSON text', async () => {
  const topic = uniqueName('cli-avro')
  await createTopic(topic, 1)
  const bs = ['--bootstrap-server', bootstrapServers()]
  const sr = ['--value-format', 'avro', '--schema-registry-url', registryUrl()]
  try {
    let r = await samsa(['console-producer', ...bs, '--topic', topic, ...sr, '--value-schema', schema], { input: '{"x":1,"y":2}\n{"x":-3,"y":4}\n' })
    assert.equal(r.code, 0, r.stderr)
    const raw = await readPartition(topic, 0)
    assert.equal(raw.length, 2)
    assert.equal(raw[0]!.value![0], 0, 'magic byte 0')
    assert.ok(unframe(topic, raw[0]!.value!).id >= 0)
    r = await samsa(['console-consumer', ...bs, '--topic', topic, '--from-beginning', '--max-messages', '2', ...sr])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.stdout.trim().split('\n'), ['{"x":1,"y":2}', '{"x":-3,"y":4}'])
    r = await samsa(['console-producer', ...bs, '--topic', topic, ...sr, '--value-schema', schema], { input: '{"x":"no"}\n' })
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /x = "no"/)
    r = await samsa(['console-producer', ...bs, '--topic', topic, '--value-format', 'avro', '--value-schema', schema], { input: '' })
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /--value-format avro needs --schema-registry-url/)
  } finally {
    await deleteTopic(topic)
  }
})
