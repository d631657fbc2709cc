import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode, errorByCode, type ErrorName } from '../../src/protocol/errors.js'
import * as classes from '../../src/protocol/error-classes.js'
import { ErrorCode as PublicErrorCode } from '../../src/index.js'

const predicates = Object.entries(classes).filter(([name]) => name.startsWith('is')) as [string, (code: number | undefined) => boolean][]
const codes = (names: ErrorName[]): number[] => names.map((n) => ErrorCode[n])
const members = (predicate: (code: number | undefined) => boolean): ErrorName[] =>
  (Object.keys(ErrorCode) as ErrorName[]).filter((n) => predicate(ErrorCode[n]))

test('ErrorCode names every code of the table, and the table agrees', () => {
  assert.equal(PublicErrorCode, ErrorCode)
  assert.equal(ErrorCode.NONE, 0)
  assert.equal(ErrorCode.UNKNOWN_MEMBER_ID, 25)
  for (const [name, code] of Object.entries(ErrorCode)) assert.equal(errorByCode(code)?.name, name)
})

test('no predicate answers true for NONE, undefined or a code the table does not know', () => {
  assert.ok(predicates.length >= 10, predicates.map(([n]) => n).join())
  for (const [name, predicate] of predicates) {
    assert.equal(predicate(ErrorCode.NONE), false, name)
    assert.equal(predicate(undefined), false, name)
    assert.equal(predicate(9999), false, name)
  }
})

test('stale metadata is one set for the producer and the consumer (the union of what each used to have)', () => {
  assert.deepEqual(members(classes.isStaleMetadata).sort(), [
    'FENCED_LEADER_EPOCH', 'INCONSISTENT_TOPIC_ID', 'KAFKA_STORAGE_ERROR', 'LEADER_NOT_AVAILABLE', 'NETWORK_EXCEPTION',
    'NOT_LEADER_OR_FOLLOWER', 'OFFSET_NOT_AVAILABLE', 'REPLICA_NOT_AVAILABLE', 'UNKNOWN_LEADER_EPOCH', 'UNKNOWN_TOPIC_ID',
    'UNKNOWN_TOPIC_OR_PARTITION',
  ])
  // Every stale-metadata error is one the table calls retriable: refreshing and retrying is the cure.
  for (const n of members(classes.isStaleMetadata)) assert.equal(classes.isRetriable(ErrorCode[n]), true, n)
  for (const n of members(classes.isTopicIdStale)) assert.ok(classes.isStaleMetadata(ErrorCode[n]), n)
})

test('coordinator, group and transaction classes', () => {
  assert.deepEqual(members(classes.isCoordinatorMoved).sort(), ['COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR'])
  assert.deepEqual(members(classes.isCoordinatorLoading), ['COORDINATOR_LOAD_IN_PROGRESS'])
  assert.deepEqual(members(classes.isFetchSessionError).sort(), ['FETCH_SESSION_ID_NOT_FOUND', 'FETCH_SESSION_TOPIC_ID_ERROR', 'INVALID_FETCH_SESSION_EPOCH'])
  assert.deepEqual(members(classes.isMemberFenced).sort(), ['FENCED_MEMBER_EPOCH', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID'])
  assert.equal(classes.isMemberFenced(ErrorCode.FENCED_INSTANCE_ID), false, 'a fenced static member must not rejoin')
  assert.deepEqual(members(classes.isCommitFenced).sort(), ['FENCED_INSTANCE_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID'])
  assert.deepEqual(members(classes.isProducerFenced).sort(), ['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED'])
  for (const n of members(classes.isProducerFenced)) assert.ok(classes.isTransactionFatal(ErrorCode[n]), n)
  assert.deepEqual(members(classes.isTransactionFatal).sort(), [
    'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING', 'INVALID_TRANSACTION_TIMEOUT', 'INVALID_TXN_STATE', 'PRODUCER_FENCED',
    'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'TRANSACTION_COORDINATOR_FENCED', 'UNSUPPORTED_VERSION',
  ])
  assert.deepEqual(members(classes.isTransactionRetriable).sort(), [
    'CONCURRENT_TRANSACTIONS', 'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'REQUEST_TIMED_OUT',
    'UNKNOWN_TOPIC_OR_PARTITION',
  ])
  for (const code of codes(members(classes.isTransactionRetriable))) assert.equal(classes.isTransactionFatal(code), false)
})

test('isRetriable is the table\'s retriable column', () => {
  assert.equal(classes.isRetriable(ErrorCode.NOT_LEADER_OR_FOLLOWER), true)
  assert.equal(classes.isRetriable(ErrorCode.UNKNOWN_MEMBER_ID), false)
  for (const code of Object.values(ErrorCode)) assert.equal(classes.isRetriable(code), errorByCode(code)!.retriable)
})
