import { test } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { cleanUp, readAll } from '../streams/helpers.js'
import { startExample } from './run-example.js'

test('examples/streams-enrich.ts joins re-keyed orders with the customers table', async () => {
  const [orders, customers, output] = [uniqueName('enrich-orders'), uniqueName('enrich-customers'), uniqueName('enrich-out')]
  const run = startExample('examples/streams-enrich.ts', [orders, customers, output])
  try {
    const { code, stderr } = await run.exited
    assert.equal(code, 0, stderr)
    const lines = run.lines()
    assert.deepEqual(lines.slice(0, 3).sort(), ['c1: apples for Ann', 'c2: pears for Bob', 'c9: figs for an unknown customer'])
    assert.deepEqual(lines.slice(3), ['c1: kiwis for Anna', 'enrich: done'], 'the customer update between two orders changes the join')
    const out = await readAll<string, string>(output, { key: 'string', value: 'string' })
    assert.deepEqual(out.map((r) => `${r.key}: ${r.value}`).sort(), ['c1: apples for Ann', 'c1: kiwis for Anna', 'c2: pears for Bob', 'c9: figs for an unknown customer'])
  } finally {
    await cleanUp([orders, customers, output], `streams-enrich-${orders}`)
  }
})
