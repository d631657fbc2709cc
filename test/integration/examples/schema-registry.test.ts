// examples/schema-registry.ts runs end to end against the broker and the registry.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { registryUrl } from '../../helpers/registry.js'
import { createTopic, deleteTopic } from '../producer/helpers.js'
import { startExample } from './run-example.js'

test('examples/schema-registry.ts writes v1 and v2 Avro records and reads both with the v2 schema', async () => {
  const topic = uniqueName('example-registry')
  await createTopic(topic, 1)
  try {
    const run = startExample('examples/schema-registry.ts', [topic], { SCHEMA_REGISTRY_URL: registryUrl() })
    const { code, stderr } = await run.exited
    assert.equal(code, 0, stderr)
    const lines = run.lines()
    assert.ok(lines.includes('v2 compatible with v1: true'), run.stdout())
    assert.ok(lines.includes(`versions of ${topic}-value: 1, 2`), run.stdout())
    assert.deepEqual(lines.filter((l) => l.startsWith('read ')), [
      'read ada: {"name":"ada","age":36,"email":null}',
      'read bob: {"name":"bob","age":40,"email":"bob@example.com"}',
    ])
  } finally {
    await deleteTopic(topic)
  }
})
