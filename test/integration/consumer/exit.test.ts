import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runFixture } from '../../helpers/child.js'
import { supportsConsumerGroupProtocol } from '../../helpers/kafka.js'

test('a program that closes its consumers exits by itself', async () => {
  const kip848 = supportsConsumerGroupProtocol()
  const { code, output } = await runFixture('test/integration/consumer/fixtures/consumer-exits.ts', [], 40000, { KIP848: kip848 ? '1' : '0' })
  assert.equal(code, 0, `exited by itself with 0 (output: ${output})`)
  assert.match(output, /^classic 100$/m)
  if (kip848) assert.match(output, /^consumer 100$/m)
  assert.match(output, /^ok$/m)
})
