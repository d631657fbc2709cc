// Manual assignment, poll, seek, reset policies, pause/resume, wakeup.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer, WakeupError, KafkaError, deserializers } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'

const producer = new TestProducer()
const topic = uniqueName('consumer-assign')
const N = 3000

before(async () => {
  await producer.createTopic(topic, 3)
  await producer.fill(topic, 3, N)
})
after(() => producer.close())

function consumer(extra: Record<string, unknown> = {}) {
  return new Consumer({
    'bootstrap.servers': bootstrapServers(),
    'key.deserializer': deserializers.string,
    'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
    'auto.offset.reset': 'earliest',
    ...extra,
  })
}

const all = [0, 1, 2].map((partition) => ({ topic, partition }))

test('poll returns every record of the assigned partitions once, in offset order per partition', async () => {
  const c = consumer({ 'max.poll.records': 700 })
  try {
    c.assign(all)
    const seen = new Map<number, bigint[]>()
    const values = new Set<string>()
    let polls = 0
    while (values.size < N && polls++ < 100) {
      const records = await c.poll(2000)
      assert.ok(records.count <= 700, 'max.poll.records bounds a poll')
      for (const r of records) {
        const v: string | null = r.value
        const k: string | null = r.key
        assert.equal(typeof v, 'string')
        assert.equal(k, `k-${v!.slice(2)}`)
        assert.ok(!values.has(v!), `duplicate ${v}`)
        values.add(v!)
        const list = seen.get(r.partition) ?? []
        list.push(r.offset)
        seen.set(r.partition, list)
        assert.equal(r.timestampType, 'CreateTime')
        assert.equal(r.serializedValueSize, Buffer.byteLength(v!))
      }
      for (const tp of records.partitions()) assert.ok(records.records(tp).length > 0)
    }
    assert.equal(values.size, N)
    for (const [, offsets] of seen) offsets.forEach((o, i) => assert.equal(o, BigInt(i)))
    for (const tp of all) assert.equal(await c.position(tp), BigInt(N / 3))
  } finally {
    await c.close()
  }
})

test('seek, seekToBeginning, seekToEnd and position', async () => {
  const c = consumer()
  try {
    c.assign([{ topic, partition: 1 }])
    const tp = { topic, partition: 1 }
    assert.equal(await c.position(tp), 0n)
    c.seek(tp, 500n)
    let r = await c.poll(5000)
    assert.equal([...r][0]!.offset, 500n)
    c.seekToEnd([tp])
    assert.equal(await c.position(tp), BigInt(N / 3))
    r = await c.poll(200)
    assert.equal(r.count, 0)
    c.seekToBeginning()
    r = await c.poll(5000)
    assert.equal([...r][0]!.offset, 0n)
    assert.throws(() => c.seek({ topic, partition: 0 }, 1n), /not assigned/)
  } finally {
    await c.close()
  }
})

test('auto.offset.reset latest starts after existing records; none fails with a clear error', async () => {
  const latest = consumer({ 'auto.offset.reset': 'latest' })
  try {
    latest.assign([{ topic, partition: 2 }])
    assert.equal(await latest.position({ topic, partition: 2 }), BigInt(N / 3))
  } finally {
    await latest.close()
  }
  const none = consumer({ 'auto.offset.reset': 'none' })
  try {
    none.assign([{ topic, partition: 2 }])
    await assert.rejects(none.poll(2000), (e: KafkaError) => e.type === 'NO_OFFSET_FOR_PARTITION' && /auto\.offset\.reset/.test(e.message))
    none.seek({ topic, partition: 2 }, 5n)
    const r = await none.poll(5000)
    assert.equal([...r][0]!.offset, 5n)
    // Out of range with reset "none" is reported by poll.
    none.seek({ topic, partition: 2 }, 1_000_000n)
    await assert.rejects(async () => {
      for (let i = 0; i < 20; i++) await none.poll(500)
    }, (e: KafkaError) => e.type === 'OFFSET_OUT_OF_RANGE')
  } finally {
    await none.close()
  }
})

test('an out-of-range position resets per auto.offset.reset', async () => {
  const c = consumer()
  try {
    const tp = { topic, partition: 0 }
    c.assign([tp])
    c.seek(tp, 1_000_000n)
    let first: bigint | undefined
    for (let i = 0; i < 20 && first === undefined; i++) first = [...await c.poll(500)][0]?.offset
    assert.equal(first, 0n)
  } finally {
    await c.close()
  }
})

test('pause keeps the position and prefetched data; resume continues', async () => {
  const c = consumer({ 'max.poll.records': 10 })
  try {
    const tp = { topic, partition: 0 }
    c.assign([tp])
    const first = await c.poll(5000)
    assert.equal(first.count, 10)
    c.pause([tp])
    assert.deepEqual(c.paused(), [tp])
    assert.equal((await c.poll(300)).count, 0)
    c.resume([tp])
    const next = await c.poll(5000)
    assert.equal([...next][0]!.offset, 10n)
  } finally {
    await c.close()
  }
})

test('wakeup rejects a pending poll, or else the next one', async () => {
  const c = consumer({ 'auto.offset.reset': 'latest' })
  try {
    c.assign(all)
    const pending = c.poll(10000)
    setTimeout(() => c.wakeup(), 200)
    const t0 = Date.now()
    await assert.rejects(pending, WakeupError)
    assert.ok(Date.now() - t0 < 5000)
    c.wakeup()
    await assert.rejects(c.poll(0), WakeupError)
    assert.equal((await c.poll(0)).count, 0)
  } finally {
    await c.close()
  }
})

test('the async iterator yields records and ends when the consumer closes', async () => {
  const c = consumer()
  c.assign([{ topic, partition: 0 }])
  let n = 0
  for await (const r of c) {
    assert.equal(r.offset, BigInt(n))
    if (++n === 800) await c.close()
  }
  assert.ok(n >= 800 && n <= 1000, `${n} records`)
})

test('compressed batches (gzip, snappy, lz4, zstd) are decompressed as poll reaches them', async () => {
  const t = uniqueName('consumer-codecs')
  await producer.createTopic(t, 1)
  const codecs = ['gzip', 'snappy', 'lz4', 'zstd'] as const
  for (const compression of codecs) {
    await producer.send(t, 0, Array.from({ length: 300 }, (_, i) => ({ key: `k-${i}`, value: `${compression}-${i}`.repeat(5) })), { compression })
  }
  const c = consumer({ 'max.poll.records': 170 })
  try {
    c.assign([{ topic: t, partition: 0 }])
    const values: string[] = []
    for (let i = 0; i < 50 && values.length < 1200; i++) for (const r of await c.poll(1000)) values.push(r.value!)
    assert.equal(values.length, 1200)
    codecs.forEach((codec, j) => {
      for (let i = 0; i < 300; i++) assert.equal(values[j * 300 + i], `${codec}-${i}`.repeat(5))
    })
  } finally {
    await c.close()
  }
})

test('beginningOffsets, endOffsets and offsetsForTimes', async () => {
  const c = consumer()
  try {
    assert.deepEqual((await c.beginningOffsets(all)).map((o) => o.offset), [0n, 0n, 0n])
    assert.deepEqual((await c.endOffsets(all)).map((o) => o.offset), [1000n, 1000n, 1000n])
    const [found, none] = await c.offsetsForTimes([{ topic, partition: 0, timestamp: 0 }, { topic, partition: 1, timestamp: Date.now() + 3_600_000 }])
    assert.equal(found!.offset, 0n)
    assert.equal(none!.offset, -1n)
  } finally {
    await c.close()
  }
})

test('a seek while a fetch is in flight drops that fetch\'s answer: poll resumes at the sought offset', async () => {
  const t = uniqueName('consumer-seek-inflight')
  await producer.createTopic(t, 1)
  await producer.send(t, 0, Array.from({ length: 100 }, (_, i) => ({ value: `a-${i}` })))
  // A long fetch.max.wait.ms keeps the fetch from offset 100 waiting on the broker until new records arrive.
  const c = consumer({ 'fetch.max.wait.ms': 20_000 })
  const tp = { topic: t, partition: 0 }
  try {
    c.assign([tp])
    let got = 0
    for (let i = 0; i < 50 && got < 100; i++) got += (await c.poll(2000)).count
    assert.equal(got, 100)
    await new Promise((r) => setTimeout(r, 500)) // the fetch from offset 100 is out
    c.seek(tp, 50n)
    await producer.send(t, 0, Array.from({ length: 10 }, (_, i) => ({ value: `b-${i}` })))
    await new Promise((r) => setTimeout(r, 500)) // its answer (offsets 100..109) has arrived
    const offsets: bigint[] = []
    for (let i = 0; i < 50 && offsets.length < 60; i++) for (const r of await c.poll(2000)) offsets.push(r.offset)
    assert.deepEqual(offsets, Array.from({ length: 60 }, (_, i) => BigInt(50 + i)))
  } finally {
    await c.close()
  }
})
