// The fetched batches' offsets against the request (src/consumer/source.ts
// checkOffsets): order and the fetch offset are checked (a base offset is not
// covered by the CRC), batches beyond the response's high watermark are left
// for the next fetch rather than judged corrupt.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkOffsets } from '../../src/consumer/source.js'
import type { RecordBatch } from '../../src/protocol/records/decode.js'

const batch = (baseOffset: bigint, count: bigint): RecordBatch => ({ baseOffset, nextOffset: baseOffset + count }) as unknown as RecordBatch

test('batches within the high watermark are all taken', () => {
  assert.equal(checkOffsets([batch(10n, 5n), batch(15n, 5n)], 12n, 20n), 2)
  assert.equal(checkOffsets([batch(10n, 5n)], 10n, -1n), 1) // no high watermark known
})

test('a batch ending beyond the high watermark and those after it are left for the next fetch (a broker sends them)', () => {
  // seen from Kafka 4.4 with acks=1: offset 8557 with high watermark 8557
  assert.equal(checkOffsets([batch(8557n, 1n)], 8557n, 8557n), 0)
  assert.equal(checkOffsets([batch(280n, 3n), batch(283n, 2n)], 282n, 283n), 1)
})

test('offsets out of order or not reaching the fetch offset are corrupt', () => {
  assert.throws(() => checkOffsets([batch(0n, 5n)], 10n, 100n), /cannot follow fetch offset 10/)
  assert.throws(() => checkOffsets([batch(10n, 5n), batch(12n, 5n)], 10n, 100n), /fetched batch 1 covers offsets 12\.\.16/)
  assert.throws(() => checkOffsets([batch(-3n, 20n)], 10n, 100n), /cannot follow/)
})
