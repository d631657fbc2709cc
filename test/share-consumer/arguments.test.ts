// Unit test (no broker): acknowledge() tells a value that is not a record from
// a record this consumer does not hold.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaError, ShareConsumer } from '../../src/index.js'

test('acknowledge(): a value that is not a record is INVALID_ARGUMENT, a record not held is ILLEGAL_STATE', async () => {
  const consumer = new ShareConsumer({ 'bootstrap.servers': '127.0.0.1:1', 'group.id': 'arguments-test' })
  const ack = consumer.acknowledge.bind(consumer) as (record: unknown, type?: string) => void
  try {
    const failure = (record: unknown): KafkaError => {
      try {
        ack(record)
      } catch (e) {
        assert.ok(e instanceof KafkaError, String(e))
        return e
      }
      return assert.fail('acknowledge() accepted it')
    }
    let e = failure(null)
    assert.equal(e.type, 'INVALID_ARGUMENT')
    assert.equal(e.message, 'acknowledge(): the record must be a record returned by poll ({ topic, partition, offset }), got null')
    e = failure({ topic: 't', partition: 0, offset: 1 })
    assert.equal(e.type, 'INVALID_ARGUMENT')
    assert.equal(e.message, 'acknowledge(): the record.offset must be a bigint, got 1')
    e = failure({ topic: 't', partition: 0, offset: 1n })
    assert.equal(e.type, 'ILLEGAL_STATE')
    assert.match(e.message, /^acknowledge\(\): t-0 offset 1 is not a record of this consumer awaiting acknowledgement/)
  } finally {
    await consumer.close()
  }
})
