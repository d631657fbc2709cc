// The consumer's report of topics it may not read, against FakeKafka: one Metadata answer
// (consumer.ts throwIfTopicsDenied) or Fetch answer (source.ts) saying so fails no poll (frames
// carry no checksum, src/cluster/confirm.ts); answers that say it again do.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AuthorizationError, Consumer, KafkaError } from '../../src/index.js'
import type { FakeKafka } from '../../src/testing/index.js'
import { assertReadsAll, pollFor, seeded, throughFetchErrors } from './seeded-fake.js'

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

function assertDenied(error: unknown): asserts error is KafkaError {
  assert.ok(error instanceof AuthorizationError, `expected an AuthorizationError, got ${String(error)}`)
  assert.equal(error.type, 'TOPIC_AUTHORIZATION_FAILED')
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
  await throughFetchErrors('TOPIC_AUTHORIZATION_FAILED', 1)
})

test('two Fetch answers in a row denying it fail a poll with an AuthorizationError naming the topic', async () => {
  const error = await throughFetchErrors('TOPIC_AUTHORIZATION_FAILED', 2)
  assertDenied(error)
  assert.equal(error.context.topic, 't')
})
