// The consumer's report of topics it may not read, against FakeKafka: one Metadata answer
// (consumer.ts throwIfTopicsDenied) or Fetch answer (source.ts) saying so fails no poll (frames
// carry no checksum, src/cluster/confirm.ts); answers that say it again do.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AuthorizationError, Consumer, KafkaError, Producer } from '../../src/index.js'
import { FakeKafka } from '../../src/testing/index.js'

/** FakeKafka with topic t (one partition) holding the records a, b and c. */
async function seeded(): Promise<{ fake: FakeKafka; bootstrap: string }> {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('t', { partitions: 1 })
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 0 })
  for (const v of ['a', 'b', 'c']) await producer.send({ topic: 't', value: Buffer.from(v) })
  await producer.close()
  return { fake, bootstrap }
}

/** Polls until the three records are read (10 s at most): a, b and c, in order, no poll failing. */
async function assertReadsAll(consumer: Consumer): Promise<void> {
  const values: string[] = []
  const until = Date.now() + 10_000
  while (values.length < 3 && Date.now() < until) {
    for (const r of await consumer.poll(200)) values.push(String(r.value))
  }
  assert.deepEqual(values, ['a', 'b', 'c'])
}

async function withConsumer(fn: (fake: FakeKafka, consumer: Consumer) => Promise<void>): Promise<void> {
  const { fake, bootstrap } = await seeded()
  // metadata refreshed every 300 ms: the denials come while the member is stable and polling
  const consumer = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': 'g', 'auto.offset.reset': 'earliest', 'retry.backoff.ms': 20, 'metadata.max.age.ms': 300 })
  try {
    consumer.subscribe(['t'])
    await assertReadsAll(consumer)
    await fn(fake, consumer)
  } finally {
    await consumer.close()
    await fake.close()
  }
}

/** A consumer assigned partition t-0 (no group), its three records not read yet. */
async function withAssigned(fn: (fake: FakeKafka, consumer: Consumer) => Promise<void>): Promise<void> {
  const { fake, bootstrap } = await seeded()
  const consumer = new Consumer({ 'bootstrap.servers': bootstrap, 'auto.offset.reset': 'earliest', 'retry.backoff.ms': 20 })
  try {
    consumer.assign([{ topic: 't', partition: 0 }])
    await fn(fake, consumer)
  } finally {
    await consumer.close()
    await fake.close()
  }
}

function assertDenied(error: unknown): asserts error is KafkaError {
  assert.ok(error instanceof AuthorizationError, `expected an AuthorizationError, got ${String(error)}`)
  assert.equal(error.type, 'TOPIC_AUTHORIZATION_FAILED')
}

/** Polls in short steps (each poll looks at the metadata once) for `ms`; the first error thrown, if any. */
async function pollFor(consumer: Consumer, ms: number): Promise<unknown> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    try {
      await consumer.poll(5)
    } catch (e) {
      return e
    }
  }
  return undefined
}

test('one Metadata answer denying the subscribed topic fails no poll', async () => {
  await withConsumer(async (fake, consumer) => {
    fake.failNext('Metadata', 'TOPIC_AUTHORIZATION_FAILED', 1)
    const error = await pollFor(consumer, 2000)
    assert.equal(error, undefined, `a poll failed: ${String(error)}`)
  })
})

test('a denial read again fails a poll with an AuthorizationError naming the topic', async () => {
  await withConsumer(async (fake, consumer) => {
    // every Metadata answer for a while (the first one may land while the member rejoins, since the
    // topic then seems to have no partitions; what counts is that a repeated denial is reported)
    fake.failNext('Metadata', 'TOPIC_AUTHORIZATION_FAILED', 20)
    const error = await pollFor(consumer, 5000)
    assertDenied(error)
    assert.deepEqual(error.context.topics, ['t'])
  })
})

test('one Fetch answer denying an assigned partition fails no poll: the records are read', async () => {
  await withAssigned(async (fake, consumer) => {
    fake.failNext('Fetch', 'TOPIC_AUTHORIZATION_FAILED', 1)
    await assertReadsAll(consumer)
  })
})

test('two Fetch answers in a row denying it fail a poll with an AuthorizationError naming the topic', async () => {
  await withAssigned(async (fake, consumer) => {
    fake.failNext('Fetch', 'TOPIC_AUTHORIZATION_FAILED', 2)
    const error = await pollFor(consumer, 5000)
    assertDenied(error)
    assert.equal(error.context.topic, 't')
  })
})
