import { test } from 'node:test'
import assert from 'node:assert/strict'
import { WaitQueue } from '../../src/producer/wait-queue.js'
import { TopicEntry } from '../../src/producer/queue.js'
import type { SendCallback } from '../../src/producer/types.js'

const topic = new TopicEntry('t', 1000, 0)
const callbacks: SendCallback[] = Array.from({ length: 300 }, () => () => {})

/** Pushes send `i` (its fields derived from i). */
function push(q: WaitQueue, i: number): void {
  q.push(topic, i % 7 - 1, 1_700_000_000_000 + i, i % 2 === 0 ? null : Buffer.from([i & 255]), Buffer.from(String(i)),
    i % 3 === 0 ? [{ key: 'h', value: null }] : undefined, callbacks[i]!, 2_000_000_000_000 + i)
}

/** Shifts the head, checking every field is send `i`'s. */
function shiftExpect(q: WaitQueue, i: number): void {
  assert.equal(q.headTopic, topic)
  assert.equal(q.headPartition, i % 7 - 1)
  assert.equal(q.headTimestamp, 1_700_000_000_000 + i)
  assert.deepEqual(q.headKey, i % 2 === 0 ? null : Buffer.from([i & 255]))
  assert.equal(q.headValue!.toString(), String(i))
  assert.deepEqual(q.headHeaders, i % 3 === 0 ? [{ key: 'h', value: null }] : undefined)
  assert.equal(q.headCallback, callbacks[i])
  assert.equal(q.headDeadline, 2_000_000_000_000 + i)
  q.shift()
}

test('sends come out in order with all their fields, across wrap-around and growth', () => {
  const q = new WaitQueue()
  // Wrap the ring first (head moves), then grow it while wrapped.
  for (let i = 0; i < 50; i++) push(q, i)
  for (let i = 0; i < 40; i++) shiftExpect(q, i)
  for (let i = 50; i < 300; i++) push(q, i)
  assert.equal(q.length, 260)
  for (let i = 40; i < 300; i++) shiftExpect(q, i)
  assert.equal(q.length, 0)
  q.shift()
  assert.equal(q.length, 0, 'shifting an empty queue does nothing')
})

test('remove takes out one send by its callback, keeping the order of the others; drainCallbacks empties the queue in order', () => {
  const q = new WaitQueue()
  for (let i = 0; i < 60; i++) shiftExpect((push(q, i), q), i) // move the head
  for (let i = 60; i < 160; i++) push(q, i)
  assert.ok(q.remove(callbacks[100]!))
  assert.equal(q.remove(callbacks[100]!), false, 'only once')
  assert.equal(q.remove(callbacks[5]!), false, 'not waiting')
  assert.ok(q.remove(callbacks[60]!), 'the head')
  assert.ok(q.remove(callbacks[159]!), 'the tail')
  assert.equal(q.length, 97)
  for (let i = 61; i < 80; i++) shiftExpect(q, i)
  const rest = q.drainCallbacks()
  assert.deepEqual(rest, [...Array.from({ length: 20 }, (_, k) => callbacks[80 + k]!), ...Array.from({ length: 58 }, (_, k) => callbacks[101 + k]!)])
  assert.equal(q.length, 0)
  push(q, 7)
  shiftExpect(q, 7)
})
