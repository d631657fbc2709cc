// The producer's wait for a topic's metadata (src/producer/producer.ts, fetchMetadata) against
// FakeKafka: a non-retriable topic error in a Metadata answer fails the waiting sends only when the
// next refresh repeats it. Frames carry no checksum: one flipped bit turns NONE into
// OFFSET_OUT_OF_RANGE, and a CI run under 30% corrupted responses failed 1,500 sends that way.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaError, Producer } from '../../src/index.js'
import { FakeKafka } from '../../src/testing/index.js'

async function withProducer(fn: (fake: FakeKafka, producer: Producer) => Promise<void>): Promise<void> {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('t', { partitions: 2 })
  fake.createTopic('warm-up', { partitions: 1 })
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 0, 'retry.backoff.ms': 20, 'max.block.ms': 5000 })
  try {
    // connected, with the cluster's metadata: the next Metadata request is the one for topic t
    await producer.send({ topic: 'warm-up', value: Buffer.from('x') })
    await fn(fake, producer)
  } finally {
    await producer.close()
    await fake.close()
  }
}

/** Three sends to topic t all succeed and the fake holds the three records. */
async function assertDelivered(fake: FakeKafka, producer: Producer): Promise<void> {
  const sent = await Promise.all([0, 1, 2].map((i) => producer.send({ topic: 't', value: Buffer.from(`v${i}`) })))
  assert.equal(sent.length, 3)
  for (const md of sent) assert.ok(md.offset >= 0n)
  assert.equal((fake.highWatermark('t', 0) ?? 0n) + (fake.highWatermark('t', 1) ?? 0n), 3n)
}

for (const error of ['OFFSET_OUT_OF_RANGE', 'TOPIC_AUTHORIZATION_FAILED'] as const) {
  test(`one Metadata answer giving the topic ${error} is asked again, not believed: the sends are delivered`, async () => {
    await withProducer(async (fake, producer) => {
      fake.failNext('Metadata', error, 1)
      await assertDelivered(fake, producer)
    })
  })
}

test('the same non-retriable topic error twice in a row fails the waiting sends at once, naming the topic', async () => {
  await withProducer(async (fake, producer) => {
    fake.failNext('Metadata', 'TOPIC_AUTHORIZATION_FAILED', 2)
    const started = Date.now()
    const results = await Promise.allSettled([producer.send({ topic: 't', value: Buffer.from('a') }), producer.send({ topic: 't', value: Buffer.from('b') })])
    for (const r of results) {
      assert.equal(r.status, 'rejected')
      const e = (r as PromiseRejectedResult).reason as unknown
      assert.ok(e instanceof KafkaError, String(e))
      assert.equal(e.type, 'TOPIC_AUTHORIZATION_FAILED')
      assert.equal(e.context.topic, 't')
    }
    assert.ok(Date.now() - started < 2000, `failed after ${Date.now() - started} ms, not at max.block.ms`)
    assert.equal((fake.highWatermark('t', 0) ?? 0n) + (fake.highWatermark('t', 1) ?? 0n), 0n)
  })
})

test('a code Metadata never gives a topic is not believed even when repeated: the sends wait for a good answer', async () => {
  await withProducer(async (fake, producer) => {
    // A CI run under 30% corrupted responses failed 1,500 sends with DELEGATION_TOKEN_REQUEST_NOT_ALLOWED.
    fake.failNext('Metadata', 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED', 3)
    await assertDelivered(fake, producer)
  })
})

test('a known topic error kept over an implausible answer never passes for the broker repeating it', async () => {
  await withProducer(async (fake, producer) => {
    // denied (unconfirmed), then an answer no broker sends, then denied again: two denials, but not in a row
    fake.failNext('Metadata', 'TOPIC_AUTHORIZATION_FAILED', 1)
    fake.failNext('Metadata', 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED', 1)
    fake.failNext('Metadata', 'TOPIC_AUTHORIZATION_FAILED', 1)
    await assertDelivered(fake, producer)
  })
})

test('a topic error read before a refresh that got no answer is not read again as its repeat', async () => {
  await withProducer(async (fake, producer) => {
    // denied (unconfirmed), then a Metadata request whose connection drops: the snapshot still holds
    // the denial, but nothing repeated it; the next answer is good and the sends are delivered
    fake.failNext('Metadata', 'TOPIC_AUTHORIZATION_FAILED', 1)
    fake.dropNext('Metadata', 1)
    await assertDelivered(fake, producer)
  })
})
