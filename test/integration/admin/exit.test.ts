import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runFixture } from '../../helpers/child.js'

test('a program that closes its Admin exits by itself', async () => {
  const { code, output } = await runFixture('test/fixtures/admin-exits.ts')
  assert.equal(code, 0, `exited by itself with 0 (output: ${output})`)
  assert.match(output, /^ok \d+/m)
})
