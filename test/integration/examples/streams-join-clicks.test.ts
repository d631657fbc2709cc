import { test } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { cleanUp, readAll } from '../streams/helpers.js'
import { startExample } from './run-example.js'

test('examples/streams-join-clicks.ts joins impressions with the clicks of the next minute; unclicked ones once the minute has passed', async () => {
  const [impressions, clicks, output] = [uniqueName('join-impressions'), uniqueName('join-clicks'), uniqueName('join-out')]
  const run = startExample('examples/streams-join-clicks.ts', [impressions, clicks, output])
  try {
    const { code, stderr } = await run.exited
    assert.equal(code, 0, stderr)
    assert.deepEqual(run.lines(), ['u1: ad-1 clicked', 'u2: ad-2 not clicked', 'u3: ad-3 not clicked', 'join-clicks: done'], 'the late click of u3 joins nothing; the unclicked impressions come out in time order')
    const out = await readAll<string, string>(output, { key: 'string', value: 'string' })
    assert.deepEqual(out.map((r) => `${r.key}: ${r.value}`), ['u1: ad-1 clicked', 'u2: ad-2 not clicked', 'u3: ad-3 not clicked'])
  } finally {
    await cleanUp([impressions, clicks, output], `streams-join-clicks-${impressions}`)
  }
})
