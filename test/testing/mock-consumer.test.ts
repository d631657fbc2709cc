import assert from 'node:assert/strict'
import { test } from 'node:test'
import { KafkaError, type Consumer, type TopicPartition } from 'samsa'
import { MockConsumer } from 'samsa/testing'

const tp0 = { topic: 't', partition: 0 }
const tp1 = { topic: 't', partition: 1 }

test('assign + addRecord + poll: records from the reset position on, positions advance, commitSync stores them', async () => {
  const consumer = new MockConsumer<string, string>({ 'group.id': 'g', 'auto.offset.reset': 'earliest' })
  consumer.assign([tp0, tp1])
  consumer.updateBeginningOffsets([{ ...tp0, offset: 0n }, { ...tp1, offset: 10n }])
  consumer.addRecord({ ...tp0, offset: 0n, key: 'a', value: 'A' })
  consumer.addRecord({ ...tp0, offset: 1n, key: 'b', value: 'B' })
  consumer.addRecord({ ...tp1, offset: 9n, value: 'before the beginning: never returned' })
  consumer.addRecord({ ...tp1, offset: 10n, value: 'C' })
  const records = await consumer.poll(1000)
  assert.equal(records.count, 3)
  assert.deepEqual(records.records(tp0).map((r) => r.value), ['A', 'B'])
  assert.deepEqual(records.records(tp1).map((r) => r.offset), [10n])
  assert.equal(await consumer.position(tp0), 2n)
  await consumer.commitSync()
  assert.deepEqual(await consumer.committed([tp0, tp1, { topic: 'other', partition: 0 }]), [
    { ...tp0, offset: 2n }, { ...tp1, offset: 11n }, { topic: 'other', partition: 0, offset: -1n },
  ])
  const empty = await consumer.poll(0)
  assert.equal(empty.isEmpty, true)
})

test('subscribe + rebalance run the listener (revoked, then assigned); records of revoked partitions go', async () => {
  const consumer = new MockConsumer({ 'group.id': 'g' })
  const calls: string[] = []
  const name = (tps: TopicPartition[]) => tps.map((tp) => `${tp.topic}-${tp.partition}`).join(',')
  consumer.subscribe(['t'], {
    onPartitionsRevoked: async (tps) => { calls.push(`revoked ${name(tps)}`) },
    onPartitionsAssigned: (tps) => { calls.push(`assigned ${name(tps)}`) },
  })
  assert.deepEqual(consumer.assignment(), [], 'subscribe assigns nothing by itself')
  assert.throws(() => consumer.addRecord({ ...tp0, offset: 0n }), (e: KafkaError) => e.type === 'ILLEGAL_STATE' && /not assigned/.test(e.message))
  await consumer.rebalance([tp0, tp1])
  consumer.updateEndOffsets([{ ...tp0, offset: 0n }, { ...tp1, offset: 0n }])
  consumer.addRecord({ ...tp1, offset: 0n })
  await consumer.rebalance([tp0])
  assert.deepEqual(calls, ['assigned t-0,t-1', 'revoked t-1'])
  assert.equal((await consumer.poll(0)).count, 0, 'the revoked partition\'s record is gone')
  assert.equal(consumer.groupMetadata().generationId, 2)
  await assert.rejects(consumer.rebalance([{ topic: 'u', partition: 0 }]), /not subscribed/)
})

test('the reset needs known offsets: a clear error names the call to make; "none" fails without a commit', async () => {
  const consumer = new MockConsumer({ 'auto.offset.reset': 'latest' })
  consumer.assign([tp0])
  consumer.addRecord({ ...tp0, offset: 0n })
  await assert.rejects(consumer.poll(0), /updateEndOffsets\(\)/)
  const strict = new MockConsumer({ 'auto.offset.reset': 'none', 'group.id': 'g' })
  strict.assign([tp0])
  strict.addRecord({ ...tp0, offset: 0n })
  await assert.rejects(strict.poll(0), (e: KafkaError) => e.type === 'NO_OFFSET_FOR_PARTITION')
  await strict.commitSync([{ ...tp0, offset: 0n }])
  assert.equal((await strict.poll(0)).count, 1, 'a committed offset is the starting position')
})

test('schedulePollTask runs one task per poll; setPollException throws once; wakeup interrupts a waiting poll', async () => {
  const consumer = new MockConsumer({ 'auto.offset.reset': 'earliest' })
  consumer.assign([tp0])
  consumer.updateBeginningOffsets([{ ...tp0, offset: 0n }])
  consumer.schedulePollTask(() => consumer.addRecord({ ...tp0, offset: 0n, value: Buffer.from('from a task') }))
  consumer.scheduleNopPollTask()
  const first = await consumer.poll(1000)
  assert.equal(first.count, 1)
  const second = await consumer.poll(1000)
  assert.equal(second.count, 0, 'a nop task makes the poll return at once')
  consumer.setPollException(new KafkaError('offset out of range', { type: 'OFFSET_OUT_OF_RANGE' }))
  await assert.rejects(consumer.poll(0), /offset out of range/)
  const started = Date.now()
  const waiting = consumer.poll(60_000)
  setTimeout(() => consumer.wakeup(), 20)
  await assert.rejects(waiting, (e: KafkaError) => e.type === 'WAKEUP')
  assert.ok(Date.now() - started < 10_000, 'wakeup ends the wait')
  // a record added while a poll waits ends the wait with that record
  setTimeout(() => consumer.addRecord({ ...tp0, offset: 1n }), 20)
  assert.equal((await consumer.poll(60_000)).count, 1)
  await consumer.close()
  assert.equal(consumer.closed(), true)
  await assert.rejects(consumer.poll(0), /closed/)
})

test('pause, seek, max.poll.records, lag, commitAsync and an injected commit failure', async () => {
  const consumer = new MockConsumer({ 'group.id': 'g', 'auto.offset.reset': 'earliest', 'max.poll.records': 2 })
  consumer.assign([tp0, tp1])
  consumer.updateBeginningOffsets([{ ...tp0, offset: 0n }, { ...tp1, offset: 0n }])
  consumer.updateEndOffsets([{ ...tp0, offset: 5n }, { ...tp1, offset: 1n }])
  for (let i = 0n; i < 5n; i++) consumer.addRecord({ ...tp0, offset: i })
  consumer.addRecord({ ...tp1, offset: 0n })
  consumer.pause([tp1])
  assert.deepEqual(consumer.paused(), [tp1])
  assert.deepEqual([...await consumer.poll(0)].map((r) => r.offset), [0n, 1n])
  assert.equal(consumer.currentLag(tp0), 3n)
  consumer.seek(tp0, 4n)
  assert.deepEqual([...await consumer.poll(0)].map((r) => r.offset), [4n], 'records before a forward seek are skipped')
  consumer.resume([tp1])
  assert.deepEqual((await consumer.poll(0)).records(tp1).length, 1)
  const outcome = await new Promise<KafkaError | null>((resolve) => consumer.commitAsync(undefined, (e) => resolve(e)))
  assert.equal(outcome, null)
  assert.deepEqual((await consumer.committed([tp0]))[0]!.offset, 5n)
  // Java's commitAsync(callback): the polled positions, as the Consumer does.
  const [error, offsets] = await new Promise<[KafkaError | null, { offset: bigint }[]]>((resolve) => consumer.commitAsync((e, o) => resolve([e, o])))
  assert.equal(error, null)
  assert.ok(offsets.some((o) => o.offset === 5n), JSON.stringify(offsets, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))
  consumer.setCommitException(new KafkaError('rebalance in progress', { type: 'REBALANCE_IN_PROGRESS', retriable: true }))
  await assert.rejects(consumer.commitSync(), /rebalance in progress/)
  await consumer.commitSync()
})

test('the async iterator and a function written against Consumer', async () => {
  type Poller = Pick<Consumer<Buffer, string>, 'poll' | 'commitSync'>
  async function drain(consumer: Poller): Promise<string[]> {
    const records = await consumer.poll(100)
    const out = [...records].map((r) => r.value ?? '')
    await consumer.commitSync()
    return out
  }
  const consumer = new MockConsumer<Buffer, string>({ 'group.id': 'g', 'auto.offset.reset': 'earliest' })
  consumer.assign([tp0])
  consumer.updateBeginningOffsets([{ ...tp0, offset: 0n }])
  consumer.addRecord({ ...tp0, offset: 0n, value: 'x' })
  assert.deepEqual(await drain(consumer), ['x'])
  consumer.addRecord({ ...tp0, offset: 1n, value: 'y' })
  for await (const record of consumer) {
    assert.equal(record.value, 'y')
    await consumer.close()
  }
})
