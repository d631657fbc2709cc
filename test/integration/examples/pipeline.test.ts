import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, Consumer } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { startExample } from './run-example.js'

test('examples/pipeline.ts turns CPU metrics into alerts, skips bad input, commits what it processed', async () => {
  const [input, output] = [uniqueName('pipeline-in'), uniqueName('pipeline-out')]
  const run = startExample('examples/pipeline.ts', [input, output])
  const { code, stderr } = await run.exited
  assert.equal(code, 0, stderr)
  const lines = run.lines()
  assert.equal(lines[0], `wrote 9 sample metrics to ${input}`)
  assert.deepEqual(lines.filter((l) => l.startsWith('alert:')).sort(), [
    'alert: db-1 cpu 99.5% at 2024-01-01T00:00:07.000Z',
    'alert: web-1 cpu 91.25% at 2024-01-01T00:00:01.000Z',
    'alert: web-2 cpu 85% at 2024-01-01T00:00:03.000Z',
  ])
  assert.equal(lines.filter((l) => l.startsWith('skipped')).length, 1)
  assert.equal(lines.at(-1), `pipeline: 9 metrics read, 3 alerts written to ${output}, 1 skipped`)

  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  const consumer = new Consumer({
    'bootstrap.servers': bootstrapServers(),
    'key.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
    'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
  })
  try {
    const offsets = await admin.listConsumerGroupOffsets(`pipeline-${input}-to-${output}`)
    assert.equal(offsets.reduce((n, o) => n + o.offset, 0n), 9n, 'every input record committed')
    assert.ok(offsets.every((o) => o.lag === 0n))

    consumer.assign([0, 1, 2].map((partition) => ({ topic: output, partition })))
    consumer.seekToBeginning()
    const alerts: { key: string | null; value: unknown }[] = []
    for (const until = Date.now() + 15000; alerts.length < 3 && Date.now() < until; ) {
      for (const r of await consumer.poll(500)) alerts.push({ key: r.key, value: JSON.parse(r.value!) })
    }
    assert.deepEqual(
      alerts.sort((a, b) => String(a.key).localeCompare(String(b.key))),
      [
        { key: 'db-1', value: { host: 'db-1', cpuPercent: 99.5, at: '2024-01-01T00:00:07.000Z' } },
        { key: 'web-1', value: { host: 'web-1', cpuPercent: 91.25, at: '2024-01-01T00:00:01.000Z' } },
        { key: 'web-2', value: { host: 'web-2', cpuPercent: 85, at: '2024-01-01T00:00:03.000Z' } },
      ],
    )
  } finally {
    await consumer.close()
    await admin.deleteTopics([input, output]).catch(() => {})
    await admin.close()
  }
})
