// The fetcher (src/consumer/source.ts) against FakeKafka: an OFFSET_OUT_OF_RANGE answer is believed
// only when the next fetch repeats it at the same position (frames carry no checksum, and NONE
// becomes OFFSET_OUT_OF_RANGE by one flipped bit: with "latest" a believed corrupt one skips records).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer, Producer } from '../../src/index.js'
import { FakeKafka } from '../../src/testing/index.js'

async function setUp(): Promise<{ fake: FakeKafka; consumer: Consumer }> {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('t', { partitions: 1 })
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 0 })
  for (let i = 0; i < 10; i++) await producer.send({ topic: 't', value: Buffer.from(`v${i}`) })
  await producer.close()
  const consumer = new Consumer({ 'bootstrap.servers': bootstrap, 'auto.offset.reset': 'latest', 'retry.backoff.ms': 20 })
  consumer.assign([{ topic: 't', partition: 0 }])
  consumer.seek({ topic: 't', partition: 0 }, 5n)
  return { fake, consumer }
}

async function firstOffset(consumer: Consumer): Promise<bigint> {
  const until = Date.now() + 10000
  for (;;) {
    assert.ok(Date.now() < until, 'a record came within 10 s')
    const records = [...await consumer.poll(200)]
    if (records.length > 0) return records[0]!.offset
  }
}

test('one OFFSET_OUT_OF_RANGE answer is fetched again, not believed: no reset, no record skipped', async () => {
  const { fake, consumer } = await setUp()
  try {
    fake.failNext('Fetch', 'OFFSET_OUT_OF_RANGE', 1)
    assert.equal(await firstOffset(consumer), 5n, 'read on from the position')
  } finally {
    await consumer.close()
    await fake.close()
  }
})

test('two OFFSET_OUT_OF_RANGE answers in a row at one position reset it per auto.offset.reset', async () => {
  const { fake, consumer } = await setUp()
  try {
    fake.failNext('Fetch', 'OFFSET_OUT_OF_RANGE', 2)
    const until = Date.now() + 10000
    while ((await consumer.position({ topic: 't', partition: 0 })) !== 10n) {
      assert.ok(Date.now() < until, 'reset to latest (10) within 10 s')
      await consumer.poll(100)
    }
  } finally {
    await consumer.close()
    await fake.close()
  }
})
