// snapshotFrom (src/cluster/metadata.ts): what a Metadata answer that cannot be a broker's does to
// the client's view of a topic.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EMPTY_SNAPSHOT, legalTopicName, plausibleTopicError, snapshotFrom, type Snapshot } from '../../src/cluster/metadata.js'
import type { MetadataResponse } from '../../src/protocol/messages/metadata.js'
import { ErrorCode } from '../../src/protocol/errors.js'

function answer(topic: { name: string; errorCode: number; partitions: number }): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
    clusterId: 'c',
    controllerId: 1,
    topics: [{
      errorCode: topic.errorCode,
      name: topic.name,
      topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
      isInternal: false,
      partitions: Array.from({ length: topic.partitions }, (_, i) => ({
        errorCode: 0, partitionIndex: i, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [],
      })),
      topicAuthorizedOperations: -2147483648,
    }],
    clusterAuthorizedOperations: -2147483648,
  } as MetadataResponse
}

test('the codes a broker gives a topic in Metadata are plausible; a code it never sends there is not', () => {
  for (const name of ['NONE', 'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'TOPIC_AUTHORIZATION_FAILED', 'INVALID_TOPIC_EXCEPTION', 'INVALID_REPLICATION_FACTOR', 'POLICY_VIOLATION'] as const) {
    assert.equal(plausibleTopicError(ErrorCode[name]), true, name)
  }
  for (const name of ['DELEGATION_TOKEN_REQUEST_NOT_ALLOWED', 'OFFSET_OUT_OF_RANGE', 'ILLEGAL_GENERATION', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'] as const) {
    assert.equal(plausibleTopicError(ErrorCode[name]), false, name)
  }
  assert.equal(plausibleTopicError(-32768), false, 'a code outside the table')
})

test('a topic with an implausible error code keeps what was known of it when that was usable', () => {
  const good = snapshotFrom(answer({ name: 't', errorCode: 0, partitions: 3 }), EMPTY_SNAPSHOT, true)
  const next = snapshotFrom(answer({ name: 't', errorCode: ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED, partitions: 0 }), good, true)
  assert.equal(next.topics.get('t'), good.topics.get('t'))
  assert.equal(next.topics.get('t')!.partitions.length, 3)
})

test('a topic with an implausible error code drops a known error instead of keeping it (it would read as the broker repeating it)', () => {
  const denied: Snapshot = snapshotFrom(answer({ name: 't', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, partitions: 0 }), EMPTY_SNAPSHOT, true)
  assert.equal(denied.topics.get('t')!.errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
  const next = snapshotFrom(answer({ name: 't', errorCode: ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED, partitions: 0 }), denied, true)
  assert.equal(next.topics.has('t'), false)
  const fresh = snapshotFrom(answer({ name: 't', errorCode: ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED, partitions: 0 }), EMPTY_SNAPSHOT, true)
  assert.equal(fresh.topics.has('t'), false, 'never known: not in the snapshot')
})

test('a plausible topic error replaces what was known (the broker may deny a topic it described before)', () => {
  const good = snapshotFrom(answer({ name: 't', errorCode: 0, partitions: 3 }), EMPTY_SNAPSHOT, true)
  const next = snapshotFrom(answer({ name: 't', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, partitions: 0 }), good, true)
  assert.equal(next.topics.get('t')!.errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
})

test('a topic whose name no topic can have is left out (a damaged name); with INVALID_TOPIC_EXCEPTION it is the answer to such a name', () => {
  const good = snapshotFrom(answer({ name: 'faults-1', errorCode: 0, partitions: 2 }), EMPTY_SNAPSHOT, true)
  const damaged = snapshotFrom(answer({ name: 'fa}lts-1', errorCode: 0, partitions: 2 }), good, true)
  assert.deepEqual([...damaged.topics.keys()], ['faults-1'])
  assert.equal(damaged.topics.get('faults-1'), good.topics.get('faults-1'))
  const asked = snapshotFrom(answer({ name: 'a b', errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, partitions: 0 }), EMPTY_SNAPSHOT, true)
  assert.equal(asked.topics.get('a b')?.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
  for (const name of ['t', 'orders.v2', '__consumer_offsets', 'A-b_c.1', 'x'.repeat(249)]) assert.equal(legalTopicName(name), true, name)
  for (const name of ['', '.', '..', 'fa}lts', 'a b', 'x'.repeat(250), 'é']) assert.equal(legalTopicName(name), false, name)
})
