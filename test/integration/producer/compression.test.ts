import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Producer, serializers } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic, readPartition } from './helpers.js'

for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
  test(`compression.type=${codec}: batches are written with the codec and read back intact`, async () => {
    const topic = uniqueName(`producer-${codec}`)
    await createTopic(topic, 1)
    const p = new Producer({
      'bootstrap.servers': bootstrapServers(),
      'compression.type': codec,
      'key.serializer': serializers.string,
      'value.serializer': serializers.string,
      'batch.size': 65536,
      'linger.ms': 20,
    })
    try {
      // Compressible values, plus a large batch to exercise the off-thread path.
      const values = Array.from({ length: 2000 }, (_, i) => `{"id":${i},"event":"page_view","path":"/products/${i % 37}","pad":"${'x'.repeat(i % 200)}"}`)
      const mds = await Promise.all(values.map((value, i) => p.send({ topic, key: `k${i}`, value, headers: { i: String(i) } })))
      mds.forEach((m, i) => assert.equal(m.offset, BigInt(i)))
      const records = await readPartition(topic, 0)
      assert.equal(records.length, values.length)
      records.forEach((r, i) => {
        assert.equal(r.value!.toString(), values[i])
        assert.equal(r.key!.toString(), `k${i}`)
        assert.equal(r.headers[0]!.value!.toString(), String(i))
        assert.equal(r.batch.compression, codec, 'stored with the codec')
      })
      const m = p.metrics()
      if (codec !== 'none') {
        const raw = values.reduce((n, v) => n + v.length, 0)
        assert.ok(m.bytesSent < raw / 2, `${codec} compressed ${raw} bytes of values into ${m.bytesSent} bytes of batches`)
      }
    } finally {
      await p.close()
      await deleteTopic(topic)
    }
  })
}
