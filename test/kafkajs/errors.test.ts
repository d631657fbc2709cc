import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AuthenticationError, ConfigError, ConnectionError, KafkaError, SslAuthenticationError, TimeoutError, brokerError } from '../../src/errors.js'
import { toKafkaJSError } from '../../src/kafkajs/errors.js'
import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNotImplemented,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSOffsetOutOfRange,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
  KafkaJSDeleteGroupsError,
} from '../../src/kafkajs/index.js'

test('broker errors become KafkaJSProtocolError with the broker type, code and retriability', () => {
  const samsa = brokerError(3, { topic: 't' })
  const e = toKafkaJSError(samsa) as KafkaJSProtocolError
  assert.ok(e instanceof KafkaJSProtocolError && e instanceof KafkaJSError && e instanceof Error)
  assert.equal(e.name, 'KafkaJSProtocolError')
  assert.equal(e.type, 'UNKNOWN_TOPIC_OR_PARTITION')
  assert.equal(e.code, 3)
  assert.equal(e.retriable, true)
  assert.equal(e.cause, samsa)
  const fatal = toKafkaJSError(brokerError(29)) as KafkaJSProtocolError
  assert.deepEqual([fatal.type, fatal.retriable], ['TOPIC_AUTHORIZATION_FAILED', false])
})

test('OFFSET_OUT_OF_RANGE keeps its topic and partition', () => {
  const e = toKafkaJSError(brokerError(1, { topic: 't', partition: 4 })) as KafkaJSOffsetOutOfRange
  assert.ok(e instanceof KafkaJSOffsetOutOfRange && e instanceof KafkaJSProtocolError)
  assert.deepEqual([e.name, e.type, e.topic, e.partition], ['KafkaJSOffsetOutOfRange', 'OFFSET_OUT_OF_RANGE', 't', 4])
})

test('client-side errors map to the KafkaJS class a KafkaJS program checks for', () => {
  const conn = toKafkaJSError(new ConnectionError('refused', { context: { broker: 'b:1' } })) as KafkaJSConnectionError
  assert.ok(conn instanceof KafkaJSConnectionError)
  assert.deepEqual([conn.retriable, conn.broker], [true, 'b:1'])
  const timeout = toKafkaJSError(new TimeoutError('deadline passed')) as KafkaJSNumberOfRetriesExceeded
  assert.ok(timeout instanceof KafkaJSNumberOfRetriesExceeded && timeout instanceof KafkaJSNonRetriableError)
  assert.equal(timeout.retriable, false)
  assert.ok(timeout.cause instanceof TimeoutError)
  assert.ok(toKafkaJSError(new AuthenticationError('bad password')) instanceof KafkaJSSASLAuthenticationError)
  const tlsFailure = toKafkaJSError(new SslAuthenticationError('SSL handshake failed: the certificate of broker b:9093 is not trusted'))
  assert.ok(tlsFailure instanceof KafkaJSNonRetriableError && !(tlsFailure instanceof KafkaJSSASLAuthenticationError))
  assert.equal(toKafkaJSError(new ConfigError('bad')).constructor, KafkaJSNonRetriableError)
  assert.ok(toKafkaJSError(new KafkaError('later', { type: 'NOT_IMPLEMENTED' })) instanceof KafkaJSNotImplemented)
  const retriable = toKafkaJSError(new KafkaError('flaky', { retriable: true }))
  assert.deepEqual([retriable.constructor, (retriable as KafkaJSError).retriable], [KafkaJSError, true])
})

test("the caller's own errors and KafkaJS errors pass through unchanged", () => {
  const mine = new TypeError('boom')
  assert.equal(toKafkaJSError(mine), mine)
  const k = new KafkaJSError('x')
  assert.equal(toKafkaJSError(k), k)
})

test('constructors behave as KafkaJS documents them', () => {
  const e = new KafkaJSError('m')
  assert.deepEqual([e.message, e.name, e.retriable], ['m', 'KafkaJSError', true])
  assert.equal(new KafkaJSError(new Error('inner')).message, 'inner')
  assert.equal(new KafkaJSNonRetriableError('m').retriable, false)
  const p = new KafkaJSProtocolError({ message: 'Not leader', type: 'NOT_LEADER_OR_FOLLOWER', code: 6, retriable: true })
  assert.deepEqual([p.message, p.type, p.code, p.retriable], ['Not leader', 'NOT_LEADER_OR_FOLLOWER', 6, true])
  const g = new KafkaJSDeleteGroupsError('Error in DeleteGroups', [{ groupId: 'a', errorCode: 68, error: new KafkaJSError('x') }])
  assert.equal(g.groups[0]!.groupId, 'a')
  const n = new KafkaJSNumberOfRetriesExceeded(new Error('last'), { retryCount: 5, retryTime: 1000 })
  assert.deepEqual([n.retryCount, n.retryTime, n.name], [5, 1000, 'KafkaJSNumberOfRetriesExceeded'])
  assert.match(n.stack!, /Caused by: Error: last/)
})
