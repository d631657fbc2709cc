import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fetchBytes, fetchSizeHint } from '../../src/consumer/fetch-size.js'

const MiB = 1024 * 1024

/** `complete` bytes of whole batches (content irrelevant here), then the tail the broker cut off. */
function answer(complete: number, tailHex: string, tailPad = 0): Buffer {
  return Buffer.concat([Buffer.alloc(complete, 0xaa), Buffer.from(tailHex, 'hex'), Buffer.alloc(tailPad)])
}

// Golden tail: base offset 5, batch length 0x00100040 (1 MiB + 64), so the
// next batch is 12 + 1,048,640 = 1,048,652 bytes; the fetch asks for that plus
// the 12 bytes that tell the size of the one after it.
const TAIL_1MIB = '0000000000000005' + '00100040'

test('a cut-off batch of more than half the limit: the next fetch asks for it and the next size prefix', () => {
  const records = answer(1_048_652, TAIL_1MIB, 900_000)
  assert.deepEqual(fetchSizeHint(records, 1_048_652, 5n, 2 * MiB), { offset: 5n, bytes: 1_048_664 })
})

test('an answer with no whole batch gives the hint from its first batch', () => {
  assert.deepEqual(fetchSizeHint(answer(0, TAIL_1MIB, 100), 0, 5n, 2 * MiB), { offset: 5n, bytes: 1_048_664 })
})

test('no hint: tail shorter than the size prefix, nothing cut off, small batches, or a batch over the limit', () => {
  assert.equal(fetchSizeHint(answer(1000, '00000000000000050010'), 1000, 7n, 2 * MiB), undefined)
  assert.equal(fetchSizeHint(answer(1000, ''), 1000, 7n, 2 * MiB), undefined)
  // 64 KiB batches under a 1 MiB limit: many fit, keep asking for the limit
  assert.equal(fetchSizeHint(answer(65_536, '0000000000000005' + '0000fff4'), 65_536, 5n, MiB), undefined)
  // exactly half the limit: a second one would fit
  assert.equal(fetchSizeHint(answer(10, '0000000000000005' + (0x80000 - 12).toString(16).padStart(8, '0')), 10, 5n, MiB), undefined)
  // the 1 MiB batch under a 1 MiB limit: the broker's own rule (one batch at least) applies, not a hint
  assert.equal(fetchSizeHint(answer(10, TAIL_1MIB), 10, 5n, MiB), undefined)
  // batch plus prefix one byte over the limit
  assert.equal(fetchSizeHint(answer(10, TAIL_1MIB), 10, 5n, 1_048_663), undefined)
  assert.deepEqual(fetchSizeHint(answer(10, TAIL_1MIB), 10, 5n, 1_048_664), { offset: 5n, bytes: 1_048_664 })
})

test('an implausible batch length gives no hint', () => {
  assert.equal(fetchSizeHint(answer(10, '0000000000000005' + 'ffffffff'), 10, 5n, MiB), undefined)
  assert.equal(fetchSizeHint(answer(10, '0000000000000005' + '00000030'), 10, 5n, 64), undefined)
})

test('fetchBytes uses a hint only at the offset it was made for', () => {
  const hint = { offset: 5n, bytes: 1_048_664 }
  assert.equal(fetchBytes(hint, 5n, 2 * MiB), 1_048_664)
  assert.equal(fetchBytes(hint, 4n, 2 * MiB), 2 * MiB)
  assert.equal(fetchBytes(undefined, 5n, 2 * MiB), 2 * MiB)
})
