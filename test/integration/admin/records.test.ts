import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, KafkaError } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { produceRaw } from './raw-clients.js'

test('deleteRecords moves the log start offset; listOffsets by timestamp finds records', async () => {
  const a = new Admin({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'samsa-test' })
  const topic = uniqueName('records')
  try {
    await a.createTopics([{ topic, numPartitions: 2 }])
    const t0 = Date.now() - 60000
    await produceRaw(topic, 0, 5, t0)
    await produceRaw(topic, 0, 5, t0 + 30000)
    await produceRaw(topic, 0, 1, t0 + 45000)
    await produceRaw(topic, 1, 3, t0)

    const byTime = await a.listOffsets([
      { topic, partition: 0, timestamp: t0 + 1 },
      { topic, partition: 0, timestamp: t0 + 30000 },
      { topic, partition: 0, timestamp: 'max-timestamp' },
      { topic, partition: 1, timestamp: Date.now() },
    ])
    assert.deepEqual(
      byTime.map((o) => o.offset),
      [5n, 5n, 10n, -1n],
    )
    assert.equal(byTime[1]!.timestamp, t0 + 30000)

    const deleted = await a.deleteRecords([
      { topic, partition: 0, offset: 4n },
      { topic, partition: 1, offset: -1n },
    ])
    assert.deepEqual(deleted, [
      { topic, partition: 0, lowWatermark: 4n },
      { topic, partition: 1, lowWatermark: 3n },
    ])
    const earliest = await a.listOffsets([
      { topic, partition: 0, timestamp: 'earliest' },
      { topic, partition: 1, timestamp: 'earliest' },
    ])
    assert.deepEqual(
      earliest.map((o) => o.offset),
      [4n, 3n],
    )

    await assert.rejects(a.deleteRecords([{ topic, partition: 0, offset: 12n }]), (e: unknown) => {
      assert.ok(e instanceof KafkaError)
      assert.equal(e.type, 'OFFSET_OUT_OF_RANGE')
      assert.match(e.message, new RegExp(`${topic}.*partition=0`))
      return true
    })
    await assert.rejects(a.deleteRecords([{ topic, partition: 0, offset: -5n }]), /bigint >= 0n/)
  } finally {
    await a.deleteTopics([topic]).catch(() => {})
    await a.close()
  }
})
