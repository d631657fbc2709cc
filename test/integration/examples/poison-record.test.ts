// examples/poison-record.ts runs end to end: it reads the three JSON values and skips the one that is not JSON.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic } from '../producer/helpers.js'
import { startExample } from './run-example.js'

test('examples/poison-record.ts skips the record it cannot deserialize and reads the others', async () => {
  const topic = uniqueName('example-poison')
  await createTopic(topic, 1)
  try {
    const run = startExample('examples/poison-record.ts', [topic])
    const { code, stderr } = await run.exited
    assert.equal(code, 0, stderr)
    const lines = run.lines()
    assert.deepEqual(lines.filter((l) => l.startsWith('offset ')), ['offset 0: {"n":1}', 'offset 1: {"n":2}', 'offset 3: {"n":3}'])
    assert.equal(lines.filter((l) => l.startsWith('skipping ')).length, 1, run.stdout())
    assert.match(lines.find((l) => l.startsWith('skipping '))!, new RegExp(`^skipping the record at ${topic}-0 offset 2: `))
  } finally {
    await deleteTopic(topic)
  }
})
