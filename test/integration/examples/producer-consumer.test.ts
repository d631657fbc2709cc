// The Java-style producer and consumer examples, and the graceful-shutdown
// example, each run end to end as their own process.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { startExample } from './run-example.js'

test('examples/producer.ts sends 10 records and examples/consumer.ts reads and commits them', async () => {
  const topic = uniqueName('example-pc')
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  try {
    await admin.createTopics([{ topic, numPartitions: 3 }])
    const producer = startExample('examples/producer.ts', [topic])
    const p = await producer.exited
    assert.equal(p.code, 0, p.stderr)
    const sent = producer.lines().filter((l) => /^message\(\d, Message_\d\) sent to partition\(\d\), offset\(\d+\)/.test(l))
    assert.equal(sent.length, 10, producer.stdout())

    const consumer = startExample('examples/consumer.ts', [topic])
    const c = await consumer.exited
    assert.equal(c.code, 0, c.stderr)
    const read = consumer.lines().filter((l) => l.startsWith('partition = '))
    assert.deepEqual(
      read.map((l) => /value = (Message_\d)$/.exec(l)![1]).sort(),
      Array.from({ length: 10 }, (_, i) => `Message_${i}`),
    )
    // Keys went where the producer said, and the consumer agrees.
    for (const l of read) {
      const [, partition, key] = /^partition = (\d), offset = \d+, key = (\d)/.exec(l)!
      assert.ok(sent.some((s) => s.startsWith(`message(${key}, Message_${key}) sent to partition(${partition})`)), l)
    }
    const offsets = await admin.listConsumerGroupOffsets('samsa-demo-group')
    const mine = offsets.filter((o) => o.topic === topic)
    assert.equal(mine.reduce((n, o) => n + o.offset, 0n), 10n, 'committed offset + 1 of every record')
  } finally {
    await admin.close()
  }
})

test('examples/consumer-shutdown.ts closes cleanly on SIGINT', async () => {
  const topic = uniqueName('example-shutdown')
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  try {
    await admin.createTopics([{ topic, numPartitions: 1 }])
  } finally {
    await admin.close()
  }
  const run = startExample('examples/consumer-shutdown.ts', [topic])
  // A topic created a moment ago may have no usable metadata yet when the
  // group's leader assigns: the first assignment is then '(none)' and a
  // rejoin follows once the topic appears. Wait for the partition itself.
  await run.waitFor((lines) => lines.includes(`assigned: ${topic}-0`), 'the partition assigned')
  run.child.kill('SIGINT')
  const { code, stderr } = await run.exited
  assert.equal(code, 0, stderr)
  const lines = run.lines()
  assert.ok(lines.includes('shutting down...'))
  assert.ok(lines.includes(`revoked: ${topic}-0`), `the partition revoked on close: ${lines.join(' | ')}`)
  assert.equal(lines.at(-1), 'closed')
})
