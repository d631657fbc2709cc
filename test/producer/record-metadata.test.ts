import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { AcknowledgedRecord } from '../../src/producer/record-metadata.js'

test('offset is the base offset plus the record\'s index, -1n when the base is unknown', () => {
  assert.equal(new AcknowledgedRecord('t', 2, 41n, 0, 5, -1, 3).offset, 41n)
  assert.equal(new AcknowledgedRecord('t', 2, 41n, 7, 5, -1, 3).offset, 48n)
  assert.equal(new AcknowledgedRecord('t', 2, 2n ** 62n, 1, 5, -1, 3).offset, 2n ** 62n + 1n)
  assert.equal(new AcknowledgedRecord('t', 2, -1n, 7, 5, -1, 3).offset, -1n)
})

test('the other fields are plain properties; inspect and toJSON show the offset too', () => {
  const m = new AcknowledgedRecord('orders', 2, 41n, 1, 1_700_000_000_000, -1, 1024)
  assert.deepEqual({ topic: m.topic, partition: m.partition, timestamp: m.timestamp, serializedKeySize: m.serializedKeySize, serializedValueSize: m.serializedValueSize },
    { topic: 'orders', partition: 2, timestamp: 1_700_000_000_000, serializedKeySize: -1, serializedValueSize: 1024 })
  assert.equal(inspect(m), inspect({ topic: 'orders', partition: 2, offset: 42n, timestamp: 1_700_000_000_000, serializedKeySize: -1, serializedValueSize: 1024 }))
  assert.deepEqual(JSON.parse(JSON.stringify(m)), { topic: 'orders', partition: 2, offset: '42', timestamp: 1_700_000_000_000, serializedKeySize: -1, serializedValueSize: 1024 })
  // The documented limit: spread copies own properties only.
  assert.equal('offset' in { ...m }, false)
  assert.equal({ ...m, offset: m.offset }.offset, 42n)
})
