// FakeKafka with topic t (one partition) holding the records a, b and c, and the checks the
// consumer's tests of damaged or refusing answers share (denied-topics, source-errors).
import assert from 'node:assert/strict'
import { Consumer, Producer } from '../../src/index.js'
import { FakeKafka } from '../../src/testing/index.js'

/** FakeKafka with topic t (one partition) holding the records a, b and c. */
export async function seeded(): Promise<{ fake: FakeKafka; bootstrap: string }> {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('t', { partitions: 1 })
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 0 })
  for (const v of ['a', 'b', 'c']) await producer.send({ topic: 't', value: Buffer.from(v) })
  await producer.close()
  return { fake, bootstrap }
}

/** Polls until the three records are read (10 s at most): a, b and c, in order, no poll failing. */
export async function assertReadsAll(consumer: Consumer): Promise<void> {
  const values: string[] = []
  const until = Date.now() + 10_000
  while (values.length < 3 && Date.now() < until) {
    for (const r of await consumer.poll(200)) values.push(String(r.value))
  }
  assert.deepEqual(values, ['a', 'b', 'c'])
}

/** A consumer assigned partition t-0 (no group), its three records not read yet. */
export async function withAssigned(fn: (fake: FakeKafka, consumer: Consumer) => Promise<void>): Promise<void> {
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

/** Polls in short steps (each poll looks at the metadata once) for `ms`; the first error thrown, if any. */
export async function pollFor(consumer: Consumer, ms: number): Promise<unknown> {
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

/** The first poll error while the next `times` Fetch answers give t-0 error `code` (5 s of polls at most), or, for one answer, a check that every record is read. */
export async function throughFetchErrors(code: Parameters<FakeKafka['failNext']>[1], times: number): Promise<unknown> {
  let error: unknown
  await withAssigned(async (fake, consumer) => {
    fake.failNext('Fetch', code, times)
    if (times === 1) await assertReadsAll(consumer)
    else error = await pollFor(consumer, 5000)
  })
  return error
}
