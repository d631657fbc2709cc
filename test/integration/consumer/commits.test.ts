// commitSync / commitAsync / auto-commit semantics, committed(), starting from committed offsets.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { KafkaError, TopicPartitionOffset } from '../../../src/index.js'
import { uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'
import { stringConsumer } from '../../helpers/consume.js'

const producer = new TestProducer()
const topic = uniqueName('consumer-commits')
const tp = { topic, partition: 0 }

before(async () => {
  await producer.createTopic(topic, 2)
  await producer.fill(topic, 2, 2000)
})
after(() => producer.close())

test('commitSync() commits the positions poll reached; a new consumer of the group starts there', async () => {
  const group = uniqueName('g')
  const c = stringConsumer({ 'group.id': group, 'enable.auto.commit': false, 'max.poll.records': 123 })
  try {
    c.assign([tp])
    const [before] = await c.committed([tp])
    assert.equal(before!.offset, -1n, 'nothing committed yet')
    const r = await c.poll(5000)
    assert.equal(r.count, 123)
    await c.commitSync()
    const [after] = await c.committed([tp])
    assert.equal(after!.offset, 123n, 'committed = offset of the next record to read')
    assert.equal(after!.offset, await c.position(tp))
  } finally {
    await c.close()
  }
  const next = stringConsumer({ 'group.id': group, 'enable.auto.commit': false })
  try {
    next.assign([tp])
    const r = await next.poll(5000)
    assert.equal([...r][0]!.offset, 123n)
  } finally {
    await next.close()
  }
})

test('commitSync(offsets) commits exactly those offsets, with metadata', async () => {
  const c = stringConsumer({ 'group.id': uniqueName('g'), 'enable.auto.commit': false })
  try {
    c.assign([tp, { topic, partition: 1 }])
    await c.commitSync([{ topic, partition: 1, offset: 42n, metadata: 'hello' }])
    const got = await c.committed([tp, { topic, partition: 1 }])
    assert.equal(got[0]!.offset, -1n)
    assert.equal(got[1]!.offset, 42n)
    assert.equal(got[1]!.metadata, 'hello')
    await assert.rejects(c.commitSync([{ topic, partition: 1, offset: -5n }]), /^KafkaError: commitSync\(\): offsets\[0\]\.offset must be a bigint >= 0n, got -5n$/)
  } finally {
    await c.close()
  }
})

test('commitAsync keeps order and reports through its callback', async () => {
  const c = stringConsumer({ 'group.id': uniqueName('g'), 'enable.auto.commit': false })
  try {
    c.assign([tp])
    const done: bigint[] = []
    await new Promise<void>((resolve, reject) => {
      for (let i = 1; i <= 20; i++) {
        c.commitAsync([{ ...tp, offset: BigInt(i) }], (err, offsets: TopicPartitionOffset[]) => {
          if (err) return reject(err)
          done.push(offsets[0]!.offset)
          if (done.length === 20) resolve()
        })
      }
    })
    assert.deepEqual(done, Array.from({ length: 20 }, (_, i) => BigInt(i + 1)))
    assert.equal((await c.committed([tp]))[0]!.offset, 20n)
  } finally {
    await c.close()
  }
})

test('auto-commit commits what earlier polls returned, never beyond; close commits the rest', async () => {
  const group = uniqueName('g')
  const c = stringConsumer({ 'group.id': group, 'enable.auto.commit': true, 'auto.commit.interval.ms': 100, 'max.poll.records': 50 })
  try {
    c.assign([tp])
    let returned = 0n
    for (let i = 0; i < 6; i++) {
      const r = [...await c.poll(5000)]
      // What the group has committed never passes what poll had returned before this poll.
      const [committed] = await c.committed([tp])
      assert.ok(committed!.offset <= returned, `committed ${committed!.offset} <= returned ${returned}`)
      returned = r[r.length - 1]!.offset + 1n
      await new Promise((r) => setTimeout(r, 120))
    }
    const [mid] = await c.committed([tp])
    assert.ok(mid!.offset > 0n, 'auto-commit happened')
  } finally {
    await c.close()
  }
  const check = stringConsumer({ 'group.id': group })
  try {
    assert.equal((await check.committed([tp]))[0]!.offset, 300n, 'close committed the final position')
  } finally {
    await check.close()
  }
})

test('commits without group.id fail with a clear error', async () => {
  const c = stringConsumer({})
  try {
    c.assign([tp])
    await assert.rejects(c.commitSync(), (e: KafkaError) => e.type === 'INVALID_GROUP_ID' && /group\.id/.test(e.message))
    const err = await new Promise<KafkaError | null>((r) => c.commitAsync(undefined, (e) => r(e)))
    assert.equal(err?.type, 'INVALID_GROUP_ID')
    assert.throws(() => c.subscribe([topic]), /group\.id/)
  } finally {
    await c.close()
  }
})

test('onPartitionsRevoked may commitSync during close(): the commit is stored (at-least-once recipe)', async () => {
  const group = uniqueName('g')
  const c = stringConsumer({ 'group.id': group, 'enable.auto.commit': false })
  let committedInListener: unknown = 'not called'
  let seen = 0n
  c.subscribe([topic], {
    async onPartitionsRevoked(tps) {
      try {
        await c.commitSync()
        committedInListener = null
      } catch (e) {
        committedInListener = e
      }
      assert.ok(tps.length > 0)
    },
  })
  const until = Date.now() + 15000
  while (seen === 0n && Date.now() < until) {
    const r = await c.poll(500)
    seen += BigInt(r.count)
  }
  assert.ok(seen > 0n, 'polled some records')
  await c.close()
  assert.equal(committedInListener, null, `commitSync inside onPartitionsRevoked during close succeeded (${String(committedInListener)})`)
  const check = stringConsumer({ 'group.id': group, 'enable.auto.commit': false })
  try {
    const got = await check.committed([tp, { topic, partition: 1 }])
    const next = (o: bigint) => (o < 0n ? 0n : o) // -1n: nothing committed for that partition
    assert.equal(next(got[0]!.offset) + next(got[1]!.offset), seen, 'what was polled is committed')
  } finally {
    await check.close()
  }
})
