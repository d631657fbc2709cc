import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer, deserializers } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { cleanUp, partitionsOf } from '../streams/helpers.js'
import { startExample } from './run-example.js'

test('examples/streams-metrics-pipeline.ts averages cpu per host and minute in windows, dropping the late reading', async () => {
  const [input, output] = [uniqueName('metrics-in'), uniqueName('metrics-out')]
  const run = startExample('examples/streams-metrics-pipeline.ts', [input, output])
  try {
    const { code, stderr } = await run.exited
    assert.equal(code, 0, stderr)
    const lines = run.lines()
    assert.equal(lines[0], `wrote 9 readings to ${input}`)
    const windows = lines.filter((l) => / avg=/.test(l)).map((l) => l.split(' '))
    const starts = windows.map(([, at]) => Date.parse(at!))
    assert.ok(starts.every((s) => s % 60_000 === 0), 'windows start on the minute')
    const minute = (i: number) => (starts[i]! - starts[0]!) / 60_000
    assert.deepEqual(windows.map(([host, , avg, samples], i) => [host, minute(i), avg, samples]), [
      ['web-1', 0, 'avg=15', 'samples=2'],
      ['web-2', 0, 'avg=50', 'samples=1'],
      ['web-1', 1, 'avg=30', 'samples=1'],
      ['web-2', 1, 'avg=80', 'samples=2'],
      ['web-1', 2, 'avg=40', 'samples=1'],
    ])
    assert.ok(lines.includes('late readings dropped: 1'))
    assert.equal(lines.at(-1), 'metrics pipeline: done')

    // The output topic has every update; the last one per host and minute is the average printed.
    const consumer = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'key.deserializer': deserializers.string, 'value.deserializer': deserializers.json })
    try {
      const tps = (await partitionsOf(output)).map((partition) => ({ topic: output, partition }))
      consumer.assign(tps)
      consumer.seekToBeginning(tps)
      const last = new Map<string, { avg: number; samples: number }>()
      let seen = 0
      const until = Date.now() + 30_000
      while (seen < 7 && Date.now() < until) {
        for (const r of await consumer.poll(300)) {
          const v = r.value as { host: string; minute: string; avg: number; samples: number }
          last.set(`${v.host} ${(Date.parse(v.minute) - starts[0]!) / 60_000}`, { avg: v.avg, samples: v.samples })
          seen++
        }
      }
      assert.equal(seen, 7, 'one update per on-time cpu reading')
      assert.deepEqual(Object.fromEntries(last), {
        'web-1 0': { avg: 15, samples: 2 }, 'web-2 0': { avg: 50, samples: 1 }, 'web-1 1': { avg: 30, samples: 1 }, 'web-2 1': { avg: 80, samples: 2 }, 'web-1 2': { avg: 40, samples: 1 },
      })
    } finally {
      await consumer.close()
    }
  } finally {
    await cleanUp([input, output], `streams-metrics-${input}`)
  }
})
