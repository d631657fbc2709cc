import { test } from 'node:test'
import crypto from 'node:crypto'
import assert from 'node:assert/strict'
import { KafkaError, Producer, serializers } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic, readPartition } from './helpers.js'

for (const compression of ['none', 'lz4'] as const) {
  test(`a batch the broker refuses as too large is split and its records sent in order (compression ${compression})`, async () => {
    const topic = uniqueName('producer-split')
    await createTopic(topic, 1, { 'max.message.bytes': '3000' })
    const p = new Producer({
      'bootstrap.servers': bootstrapServers(),
      'value.serializer': serializers.string,
      'compression.type': compression,
      'batch.size': 65536,
      'linger.ms': 100,
    })
    try {
      // Random values (they do not compress), ~20 KB in one batch against a 3000-byte limit.
      const values = Array.from({ length: 40 }, (_, i) => `${i}:${crypto.randomBytes(360).toString('base64')}`)
      const mds = await Promise.all(values.map((value) => p.send({ topic, value })))
      mds.forEach((m, i) => assert.equal(m.offset, BigInt(i), `record ${i} acknowledged at offset ${i}`))
      const m = p.metrics()
      assert.ok(m.batchSplits >= 2, `split (${m.batchSplits} splits)`)
      assert.ok(m.batchesSent < 20, `split in halves, not into single records (${m.batchesSent} batches)`)
      const stored = await readPartition(topic, 0)
      assert.deepEqual(stored.map((r) => r.value!.toString()), values, 'every record stored once, in order')
      // One record over the limit fails with the broker's error.
      const e = await p.send({ topic, value: crypto.randomBytes(4000).toString('base64') }).then(() => assert.fail('should fail'), (err: unknown) => err)
      assert.ok(e instanceof KafkaError)
      assert.equal((e as KafkaError).type, 'MESSAGE_TOO_LARGE')
    } finally {
      await p.close()
      await deleteTopic(topic)
    }
  })
}
