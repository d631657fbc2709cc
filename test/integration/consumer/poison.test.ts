// Poison records (Java's RecordDeserializationException model): poll throws a
// DeserializationError naming topic, partition and offset; the position stays
// at the bad record, so poll throws again until the application seeks past it;
// the records before and after it are delivered once. Sync and async deserializers.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer, DeserializationError, SerializationError, deserializers, type Deserializer, type ConsumerRecord } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'

const producer = new TestProducer()
const topic = uniqueName('consumer-poison')
// Offsets 0-4 good, 5 poison, 6-9 good.
const values = Array.from({ length: 10 }, (_, i) => (i === 5 ? 'POISON' : `v${i}`))

before(async () => {
  await producer.createTopic(topic, 1)
  await producer.send(topic, 0, values.map((value) => ({ value })))
})
after(() => producer.close())

const strict = (v: string | null) => {
  if (v === 'POISON') throw new Error('not a value I know')
  return v
}

const syncValue: Deserializer<string | null> = {
  deserialize: (t, data, h) => strict(deserializers.string.deserialize(t, data, h)),
}
const asyncValue: Deserializer<string | null> = {
  deserialize: async (t, data, h) => {
    await new Promise((r) => setTimeout(r, 1))
    return strict(deserializers.string.deserialize(t, data, h))
  },
}

for (const [kind, valueDeserializer] of [['sync', syncValue], ['async', asyncValue]] as const) {
  test(`${kind} deserializer: poll throws a DeserializationError at the poison record; the position stays; seek past it goes on`, async () => {
    const c = new Consumer({
      'bootstrap.servers': bootstrapServers(),
      'value.deserializer': valueDeserializer,
      'auto.offset.reset': 'earliest',
      'max.poll.records': 3,
    })
    const tp = { topic, partition: 0 }
    try {
      c.assign([tp])
      const got: ConsumerRecord<Buffer, string | null>[] = []
      let error: unknown
      for (let i = 0; i < 60 && error === undefined; i++) {
        try {
          const rs = await c.poll(1000)
          got.push(...rs)
        } catch (e) {
          error = e
        }
      }
      assert.ok(error instanceof DeserializationError, `a DeserializationError: ${String(error)}`)
      assert.ok(error instanceof SerializationError, 'a DeserializationError is a SerializationError')
      assert.equal(error.type, 'DESERIALIZATION')
      assert.deepEqual({ ...error.context }, { topic, partition: 0, offset: 5n, what: 'value' })
      assert.match(error.message, new RegExp(`offset 5 of ${topic}-0.*not a value I know`))
      assert.equal((error.cause as Error).message, 'not a value I know')
      assert.deepEqual(got.map((r) => r.value), ['v0', 'v1', 'v2', 'v3', 'v4'], 'every record before the poison one, once')
      assert.equal(await c.position(tp), 5n, 'the position stays at the poison record')
      // Never a silent skip: the next poll fails the same way.
      const again = await c.poll(1000).then(() => undefined, (e: unknown) => e)
      assert.ok(again instanceof DeserializationError, 'the next poll throws again')
      assert.equal(again.context.offset, 5n)
      c.seek(tp, 6n)
      const rest: (string | null)[] = []
      for (let i = 0; i < 30 && rest.length < 4; i++) for (const r of await c.poll(1000)) rest.push(r.value)
      assert.deepEqual(rest, ['v6', 'v7', 'v8', 'v9'], 'after the seek, the records after the poison one')
    } finally {
      await c.close()
    }
  })
}

test('an async deserializer delivers every value, in offset order', async () => {
  const c = new Consumer({
    'bootstrap.servers': bootstrapServers(),
    'value.deserializer': { deserialize: async (_t: string, d: Buffer | null) => (d === null ? null : `async:${d.toString()}`) },
    'auto.offset.reset': 'earliest',
  })
  try {
    c.assign([{ topic, partition: 0 }])
    c.seek({ topic, partition: 0 }, 6n)
    const seen: { offset: bigint; value: string | null }[] = []
    for (let i = 0; i < 30 && seen.length < 4; i++) for (const r of await c.poll(1000)) seen.push({ offset: r.offset, value: r.value })
    assert.deepEqual(seen, [6, 7, 8, 9].map((o) => ({ offset: BigInt(o), value: `async:v${o}` })))
  } finally {
    await c.close()
  }
})
