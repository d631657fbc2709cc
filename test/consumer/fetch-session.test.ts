import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FetchSession, FINAL_EPOCH, type SessionPartition, type SessionRequest } from '../../src/consumer/fetch-session.js'
import { ErrorCode, type ErrorName } from '../../src/protocol/errors.js'
import { ZERO_UUID } from '../../src/protocol/writer.js'

const ID_A = '11111111-1111-1111-1111-111111111111'
const ID_B = '22222222-2222-2222-2222-222222222222'
const code = (name: ErrorName): number => ErrorCode[name]

function part(topic: string, partition: number, over: Partial<SessionPartition> = {}): SessionPartition {
  return {
    topic,
    topicId: topic === 'a' ? ID_A : topic === 'b' ? ID_B : ZERO_UUID,
    partition,
    fetchOffset: 0n,
    currentLeaderEpoch: 0,
    lastFetchedEpoch: -1,
    maxBytes: 1024,
    ...over,
  }
}

/** topic -> sorted partitions the request lists. */
function listed(r: SessionRequest): Record<string, number[]> {
  const out: Record<string, number[]> = {}
  for (const t of r.topics) out[t.topic] = t.partitions.map((p) => p.partition!).sort()
  return out
}

function forgotten(r: SessionRequest): Record<string, number[]> {
  const out: Record<string, number[]> = {}
  for (const t of r.forgottenTopicsData) out[t.topic!] = [...t.partitions!].sort()
  return out
}

/** A session that the broker accepted with id 7 for `parts`. */
function established(parts: SessionPartition[], useIds = false): FetchSession {
  const s = new FetchSession()
  s.build(parts, useIds)
  assert.equal(s.handleResponse(0, 7), true)
  return s
}

test('the first request is full: session 0, epoch 0, every partition with its fetch state', () => {
  const s = new FetchSession()
  const r = s.build([part('a', 0, { fetchOffset: 5n, currentLeaderEpoch: 3, lastFetchedEpoch: 2, maxBytes: 99 }), part('a', 1), part('b', 0)], false)
  assert.equal(r.full, true)
  assert.equal(r.sessionId, 0)
  assert.equal(r.sessionEpoch, 0)
  assert.deepEqual(listed(r), { a: [0, 1], b: [0] })
  assert.deepEqual(r.forgottenTopicsData, [])
  assert.deepEqual(r.topics[0]!.partitions[0], { partition: 0, currentLeaderEpoch: 3, fetchOffset: 5n, lastFetchedEpoch: 2, logStartOffset: -1n, partitionMaxBytes: 99 })
})

test('a full response with a session id starts the session at epoch 1', () => {
  const s = established([part('a', 0)])
  assert.equal(s.sessionId, 7)
  assert.equal(s.sessionEpoch, 1)
  const r = s.build([part('a', 0)], false)
  assert.equal(r.full, false)
  assert.equal(r.sessionId, 7)
  assert.equal(r.sessionEpoch, 1)
  assert.deepEqual(r.topics, [], 'nothing changed: nothing listed')
  assert.deepEqual(r.forgottenTopicsData, [])
})

test('a full response without a session id keeps fetching in full', () => {
  const s = new FetchSession()
  s.build([part('a', 0)], false)
  assert.equal(s.handleResponse(0, 0), true, 'the data still answers the request')
  const r = s.build([part('a', 0)], false)
  assert.equal(r.full, true)
  assert.equal(r.sessionId, 0)
  assert.equal(r.sessionEpoch, 0)
})

test('incremental requests list added and changed partitions and forget removed ones', () => {
  const s = established([part('a', 0), part('a', 1), part('b', 0), part('b', 1)])
  const r = s.build([
    part('a', 0, { fetchOffset: 10n }), // offset moved
    part('a', 1), // unchanged
    part('b', 0, { currentLeaderEpoch: 1 }), // new leader epoch
    part('b', 2), // new in the session
  ], false)
  assert.equal(r.full, false)
  assert.deepEqual(listed(r), { a: [0], b: [0, 2] })
  assert.deepEqual(forgotten(r), { b: [1] })
  assert.equal(s.handleResponse(0, 7), true)
  assert.equal(s.sessionEpoch, 2)

  // Each field of the fetch state counts as a change.
  const r2 = s.build([
    part('a', 0, { fetchOffset: 10n, lastFetchedEpoch: 4 }),
    part('a', 1, { maxBytes: 2048 }),
    part('b', 0, { currentLeaderEpoch: 1 }),
    part('b', 2),
  ], false)
  assert.deepEqual(listed(r2), { a: [0, 1] })
  assert.deepEqual(r2.forgottenTopicsData, [])
})

test('forgotten partitions are grouped by topic, and a whole topic can be forgotten', () => {
  const s = established([part('a', 0), part('a', 1), part('b', 0)])
  const r = s.build([part('b', 0)], false)
  assert.deepEqual(r.topics, [])
  assert.deepEqual(forgotten(r), { a: [0, 1] })
})

test('an incremental request not answered leaves the session as last confirmed', () => {
  const s = established([part('a', 0), part('a', 1)])
  s.build([part('a', 0, { fetchOffset: 3n })], false)
  // No response handled (the caller gave up and rebuilds after, e.g., a cancelled wait).
  const r = s.build([part('a', 0, { fetchOffset: 3n })], false)
  assert.equal(r.sessionEpoch, 1)
  assert.deepEqual(listed(r), { a: [0] })
  assert.deepEqual(forgotten(r), { a: [1] })
})

test('the epoch increments per response and wraps from 2^31-1 to 1, as in Java', () => {
  const s = established([part('a', 0)])
  for (let i = 2; i <= 5; i++) {
    s.build([part('a', 0)], false)
    s.handleResponse(0, 7)
    assert.equal(s.sessionEpoch, i)
  }
  ;(s as unknown as { epoch: number }).epoch = 2147483647
  const r = s.build([part('a', 0)], false)
  assert.equal(r.sessionEpoch, 2147483647)
  s.handleResponse(0, 7)
  assert.equal(s.sessionEpoch, 1)
  assert.equal(s.build([part('a', 0)], false).full, false)
})

test('topic ids: used when supported and every topic has one; topics named by id, names resolvable', () => {
  const s = new FetchSession()
  const r = s.build([part('a', 0), part('b', 1)], true)
  assert.equal(r.useTopicIds, true)
  assert.deepEqual(r.topics.map((t) => t.topicId).sort(), [ID_A, ID_B])
  assert.equal(r.topicNames.get(ID_A), 'a')
  assert.equal(r.topicNames.get(ID_B), 'b')
  s.handleResponse(0, 9)
  const r2 = s.build([part('a', 0)], true)
  assert.deepEqual(r2.forgottenTopicsData, [{ topic: 'b', topicId: ID_B, partitions: [1] }])

  const noIds = new FetchSession().build([part('a', 0), part('c', 0)], true)
  assert.equal(noIds.useTopicIds, false, 'topic c has no id')
  assert.equal(noIds.topicNames.size, 0)
  assert.equal(new FetchSession().build([part('a', 0)], false).useTopicIds, false, 'not supported by the connection')
})

test('switching between topic names and ids starts a new session', () => {
  const s = established([part('a', 0)], true)
  assert.equal(s.build([part('a', 0)], true).full, false)
  s.handleResponse(0, 7)
  const r = s.build([part('a', 0), part('c', 0)], true)
  assert.equal(r.useTopicIds, false)
  assert.equal(r.full, true)
  assert.equal(r.sessionId, 0)
  assert.equal(r.sessionEpoch, 0)
  assert.deepEqual(listed(r), { a: [0], c: [0] })
})

for (const name of ['FETCH_SESSION_ID_NOT_FOUND', 'INVALID_FETCH_SESSION_EPOCH', 'FETCH_SESSION_TOPIC_ID_ERROR'] as const) {
  test(`${name} resets to a full fetch`, () => {
    assert.equal(FetchSession.isSessionError(code(name)), true)
    const s = established([part('a', 0), part('a', 1)])
    s.build([part('a', 0, { fetchOffset: 4n })], false)
    assert.equal(s.handleResponse(code(name), 0), false, 'the data must be ignored')
    assert.equal(s.sessionId, 0)
    const r = s.build([part('a', 0, { fetchOffset: 4n })], false)
    assert.equal(r.full, true)
    assert.equal(r.sessionEpoch, 0)
    assert.deepEqual(listed(r), { a: [0] })
    assert.deepEqual(r.forgottenTopicsData, [])
  })
}

test('other top-level errors and reset() also start over; they are not session errors', () => {
  assert.equal(FetchSession.isSessionError(code('UNKNOWN_SERVER_ERROR')), false)
  assert.equal(FetchSession.isSessionError(0), false)
  const s = established([part('a', 0)])
  s.build([part('a', 0)], false)
  assert.equal(s.handleResponse(code('UNKNOWN_SERVER_ERROR'), 7), false)
  assert.equal(s.build([part('a', 0)], false).full, true)

  const t = established([part('a', 0)])
  t.reset()
  assert.equal(t.build([part('a', 0)], false).full, true)
})

test('an incremental response without a session id ends the session', () => {
  const s = established([part('a', 0)])
  s.build([part('a', 0)], false)
  assert.equal(s.handleResponse(0, 0), true)
  assert.equal(s.build([part('a', 0)], false).full, true)
})

test('close() gives the session id with the FINAL epoch, once, and resets', () => {
  assert.equal(new FetchSession().close(), undefined, 'no session: nothing to close')
  const s = established([part('a', 0)])
  assert.deepEqual(s.close(), { sessionId: 7, sessionEpoch: FINAL_EPOCH })
  assert.equal(FINAL_EPOCH, -1)
  assert.equal(s.close(), undefined)
  assert.equal(s.build([part('a', 0)], false).full, true)
})
