import { test } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { cleanUp, latest, readAll } from '../streams/helpers.js'
import { startExample } from './run-example.js'

test('examples/streams-word-count.ts counts words into a store and an output topic', async () => {
  const [input, output] = [uniqueName('wc-in'), uniqueName('wc-out')]
  const run = startExample('examples/streams-word-count.ts', [input, output])
  try {
    const { code, stderr } = await run.exited
    assert.equal(code, 0, stderr)
    const lines = run.lines()
    assert.equal(lines[0], `wrote 3 lines to ${input}`)
    assert.deepEqual(lines.filter((l) => /^\w+: \d+$/.test(l)), [
      'all: 1', 'hello: 1', 'join: 1', 'kafka: 3', 'lead: 1', 'streams: 2', 'summit: 1', 'to: 1',
    ])
    assert.equal(lines.at(-1), 'word count: done')
    const counts = latest(await readAll<string, number>(output, { key: 'string', value: 'long' }))
    assert.deepEqual(Object.fromEntries(counts), { all: 1, hello: 1, join: 1, kafka: 3, lead: 1, streams: 2, summit: 1, to: 1 })
  } finally {
    await cleanUp([input, output], `streams-wordcount-${input}`)
  }
})
