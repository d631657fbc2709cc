import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runFixture } from '../../helpers/child.js'
import { uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic } from './helpers.js'

test('a program that closes its Producer exits by itself', async () => {
  const topic = uniqueName('producer-exit')
  await createTopic(topic, 2)
  try {
    const { code, output } = await runFixture('test/fixtures/producer-exits.ts', [topic])
    assert.equal(code, 0, `exited by itself with 0 (output: ${output})`)
    assert.match(output, /^ok 101 \d+/m)
  } finally {
    await deleteTopic(topic)
  }
})
