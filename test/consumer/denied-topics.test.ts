// The consumer's report of subscribed topics the metadata says it may not read (consumer.ts
// throwIfTopicsDenied) against FakeKafka: one Metadata answer saying so fails no poll (frames
// carry no checksum, src/cluster/confirm.ts); readings that say it again do.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AuthorizationError, Consumer, KafkaError, Producer } from '../../src/index.js'
import { FakeKafka } from '../../src/testing/index.js'

async function withConsumer(fn: (fake: FakeKafka, consumer: Consumer) => Promise<void>): Promise<void> {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('t', { partitions: 1 })
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 0 })
  for (const v of ['a', 'b', 'c']) await producer.send({ topic: 't', value: Buffer.from(v) })
  await producer.close()
  // metadata refreshed every 300 ms: the denials come while the member is stable and polling
  const consumer = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': 'g', 'auto.offset.reset': 'earliest', 'retry.backoff.ms': 20, 'metadata.max.age.ms': 300 })
  try {
    consumer.subscribe(['t'])
    const values: string[] = []
    const until = Date.now() + 10_000
    while (values.length < 3 && Date.now() < until) {
      for (const r of await consumer.poll(200)) values.push(String(r.value))
    }
    assert.deepEqual(values, ['a', 'b', 'c'])
    await fn(fake, consumer)
  } finally {
    await consumer.close()
    await fake.close()
  }
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
    assert.ok(error instanceof AuthorizationError, `expected an AuthorizationError, got ${String(error)}`)
    assert.equal((error as KafkaError).type, 'TOPIC_AUTHORIZATION_FAILED')
    assert.deepEqual((error as KafkaError).context.topics, ['t'])
  })
})
