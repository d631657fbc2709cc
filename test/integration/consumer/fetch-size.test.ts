// Fetch sizes for batches of more than half max.partition.fetch.bytes
// (src/consumer/fetch-size.ts): the consumer asks for the batch the last answer
// cut off, so the broker stops sending tails that are dropped and fetched again.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'

const producer = new TestProducer()
const topic = uniqueName('consumer-fetch-size')
const N = 12
const VALUE = 600 * 1024
const value = (i: number) => Buffer.alloc(VALUE, 97 + i)

before(async () => {
  await producer.createTopic(topic, 1)
  // one batch per record: each about 600 KiB, more than half of the 1 MiB limit below
  for (let i = 0; i < N; i++) await producer.send(topic, 0, [{ value: value(i) }])
})
after(() => producer.close())

async function readAll(c: Consumer, from: number): Promise<bigint[]> {
  const offsets: bigint[] = []
  for (let polls = 0; offsets.length < N - from && polls < 100; polls++) {
    for (const r of await c.poll(2000)) {
      const i = Number(r.offset)
      assert.ok(Buffer.isBuffer(r.value) && r.value.equals(value(i)), `value of offset ${i}`)
      offsets.push(r.offset)
    }
  }
  return offsets
}

test('batches over half the partition limit arrive whole and in order, without the cut-off tails', async () => {
  const clientId = uniqueName('fetch-size-consumer')
  const c = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'client.id': clientId, 'max.partition.fetch.bytes': 1024 * 1024, 'auto.offset.reset': 'earliest' })
  try {
    c.assign([{ topic, partition: 0 }])
    const offsets = await readAll(c, 0)
    assert.deepEqual(offsets, Array.from({ length: N }, (_, i) => BigInt(i)))
    const fetched = c.metrics().value('bytes-consumed-total', { group: 'consumer-fetch-manager-metrics', tags: { 'client-id': clientId } })
    assert.notEqual(fetched, undefined)
    // Asking for 1 MiB every time would fetch about 1.7 times the data (each answer one
    // ~600 KiB batch and a ~420 KiB tail); only the first answer carries a tail now.
    const stored = N * (VALUE + 100)
    assert.ok(fetched! < 1.15 * stored, `fetched ${fetched} bytes for ${stored} stored`)
    assert.ok(fetched! >= N * VALUE, `fetched ${fetched} bytes`)

    // A seek away from where the hint points: the limit applies again, nothing is skipped.
    c.seek({ topic, partition: 0 }, 3n)
    assert.deepEqual(await readAll(c, 3), Array.from({ length: N - 3 }, (_, i) => BigInt(i + 3)))
  } finally {
    await c.close()
  }
})
