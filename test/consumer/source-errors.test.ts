// The fetch loop's partition errors that poll reports (src/consumer/source.ts) besides the denials
// of denied-topics.test.ts: CORRUPT_MESSAGE, with which a broker says it cannot read its log at the
// fetch offset. Retriable in the error table (for Produce), but no retry cures it in a fetch: poll
// reports it, as Java's consumer does, once the next answer repeats it at the same offset.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaError } from '../../src/index.js'
import { pollFor, throughFetchErrors, withAssigned } from './seeded-fake.js'

test('one Fetch answer CORRUPT_MESSAGE fails no poll: the records are read', async () => {
  await throughFetchErrors('CORRUPT_MESSAGE', 1)
})

test('two Fetch answers CORRUPT_MESSAGE in a row fail a poll, naming the partition and offset, not retriable', async () => {
  await withAssigned(async (fake, consumer) => {
    fake.failNext('Fetch', 'CORRUPT_MESSAGE', 2)
    const error = await pollFor(consumer, 5000)
    assert.ok(error instanceof KafkaError, `expected a KafkaError, got ${String(error)}`)
    assert.equal(error.type, 'CORRUPT_MESSAGE')
    assert.equal(error.retriable, false)
    assert.deepEqual([error.context.topic, error.context.partition, error.context.offset], ['t', 0, 0n])
    assert.match(error.message, /seek past it/)
    // it stays reported (the log cannot be read there) until the application seeks past the offset
    consumer.seek({ topic: 't', partition: 0 }, 1n)
    const values: string[] = []
    for (const until = Date.now() + 5000; values.length < 2 && Date.now() < until;) for (const r of await consumer.poll(100)) values.push(String(r.value))
    assert.deepEqual(values, ['b', 'c'])
  })
})
