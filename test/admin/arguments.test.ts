// Unit tests (no broker) of the admin calls' argument checks: a wrong shape
// rejects at once with INVALID_ARGUMENT naming the call, the path and what was
// expected; nothing is sent (the admin points at a port nobody listens on, and
// a call that got past its checks would fail with a connection error instead).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, KafkaError } from '../../src/index.js'
import { countingListener } from '../helpers/listener.js'
import { asConfigString, configValue } from '../../src/admin/arguments.js'
import { describeValue } from '../../src/util/arguments.js'

type Call = [method: string, args: unknown[], message: RegExp]

const cases: Call[] = [
  ['createTopics', ['orders'], /^createTopics\(\): topics must be an array of NewTopic objects .*, got "orders"$/],
  ['createTopics', [[{ name: 'orders' }]], /^createTopics\(\): topics\[0\]\.topic must be the topic's name \(a string\), got undefined$/],
  ['createTopics', [[{ topic: 'a' }, 'b']], /^createTopics\(\): topics\[1\] must be a NewTopic object \(\{ topic, .*\}\), got "b"$/],
  ['createTopics', [[{ topic: 'a', numPartitions: 'three' }]], /topics\[0\]\.numPartitions must be an integer >= 1, got "three"$/],
  ['createTopics', [[{ topic: 'a', numPartitions: 0 }]], /topics\[0\]\.numPartitions must be an integer >= 1, got 0$/],
  ['createTopics', [[{ topic: 'a', numPartitions: 2.5 }]], /topics\[0\]\.numPartitions must be an integer >= 1, got 2\.5$/],
  ['createTopics', [[{ topic: 'a', replicationFactor: 40000 }]], /topics\[0\]\.replicationFactor must be an integer from 1 to 32767, got 40000$/],
  ['createTopics', [[{ topic: 'a', replicaAssignment: { x: [1] } }]], /topics\[0\]\.replicaAssignment must be keyed by partition indexes \(0, 1, \.\.\.\), got "x"$/],
  ['createTopics', [[{ topic: 'a', replicaAssignment: { 0: 1 } }]], /topics\[0\]\.replicaAssignment\[0\] must be an array of broker ids, got 1$/],
  ['createTopics', [[{ topic: 'a', configs: [['retention.ms', '1']] }]], /topics\[0\]\.configs must be an object of config name -> value, got an array of 1$/],
  ['createTopics', [[{ topic: 'a', configs: { 'retention.ms': {} } }]], /topics\[0\]\.configs\["retention\.ms"\] must be a string, a finite number, a boolean or null, got an empty object$/],
  ['createTopics', [[{ topic: 'a', configs: { 'retention.ms': Number.NaN } }]], /configs\["retention\.ms"\] must be .*, got NaN$/],
  ['deleteTopics', ['orders'], /^deleteTopics\(\): names must be an array of topic names, got "orders"$/],
  ['deleteTopics', [[{ topic: 'orders' }]], /^deleteTopics\(\): names\[0\] must be a string \(topic name\), got an object with topic$/],
  ['describeTopics', [[null]], /^describeTopics\(\): names\[0\] must be a string \(topic name\), got null$/],
  ['createPartitions', [[{ topic: 'a' }]], /^createPartitions\(\): changes\[0\]\.count must be an integer >= 1, got undefined$/],
  ['createPartitions', [[{ name: 'a', count: 3 }]], /^createPartitions\(\): changes\[0\]\.topic must be a topic name \(a string\), got undefined$/],
  ['listOffsets', [[{ topic: 'a', partition: '0', timestamp: 'latest' }]], /^listOffsets\(\): queries\[0\]\.partition must be an integer >= 0, got "0"$/],
  ['listOffsets', [[{ topic: 'a', partition: 0, timestamp: 'newest' }]], /^listOffsets\(\): queries\[0\]\.timestamp must be 'earliest', 'latest', 'max-timestamp' or a timestamp in ms .*, got "newest"$/],
  ['listOffsets', [[{ topic: 'a', partition: 0, timestamp: -1 }]], /queries\[0\]\.timestamp must be .*, got -1$/],
  ['listOffsets', [[{ topic: 'a', partition: 0, timestamp: 'latest' }], { isolationLevel: 'committed' }], /^listOffsets\(\): options\.isolationLevel must be one of 'read_uncommitted', 'read_committed', got "committed"$/],
  ['describeConfigs', [{ type: 'topic', name: 'a' }], /^describeConfigs\(\): resources must be an array of ConfigResource objects .*, got an object with type, name$/],
  ['describeConfigs', [[{ type: 'broker', name: 1 }]], /^describeConfigs\(\): resources\[0\]\.name must be the resource's name \(a string\), got 1$/],
  ['incrementalAlterConfigs', [[{ type: 'topic', name: 'a', configs: [{ name: 'x', value: '1' }] }]], /^incrementalAlterConfigs\(\): changes\[0\]\.ops must be an array of ops .*, got undefined$/],
  ['incrementalAlterConfigs', [[{ type: 'topic', name: 'a', ops: [{ key: 'x' }] }]], /^incrementalAlterConfigs\(\): changes\[0\]\.ops\[0\]\.name must be a config name \(a string\), got undefined$/],
  ['incrementalAlterConfigs', [[{ type: 'topic', name: 'a', ops: [{ name: 'x', value: [1] }] }]], /ops\[0\]\.value must be a string, a finite number, a boolean or null, got an array of 1$/],
  ['describeConsumerGroups', ['g'], /^describeConsumerGroups\(\): ids must be an array of group ids, got "g"$/],
  ['listConsumerGroupOffsets', [['g']], /^listConsumerGroupOffsets\(\): groupId must be a group id \(a string\), got an array of 1$/],
  ['alterConsumerGroupOffsets', [undefined, []], /^alterConsumerGroupOffsets\(\): groupId must be a group id \(a string\), got undefined$/],
  ['alterConsumerGroupOffsets', ['g', [{ topic: 'a', offset: 1n }]], /^alterConsumerGroupOffsets\(\): offsets\[0\]\.partition must be an integer >= 0, got undefined$/],
  ['alterConsumerGroupOffsets', ['g', [{ topic: 'a', partition: 0, offset: 3 }]], /^alterConsumerGroupOffsets\(\): offsets\[0\]\.offset must be a bigint >= 0n, got 3$/],
  ['alterConsumerGroupOffsets', ['g', [{ topic: 'a', partition: 0, offset: -2n }]], /^alterConsumerGroupOffsets\(\): offsets\[0\]\.offset must be a bigint >= 0n, got -2n$/],
  ['deleteConsumerGroups', ['g'], /^deleteConsumerGroups\(\): ids must be an array of group ids, got "g"$/],
  ['describeShareGroups', [[1]], /^describeShareGroups\(\): ids\[0\] must be a string \(group id\), got 1$/],
  ['deleteShareGroups', [null], /^deleteShareGroups\(\): ids must be an array of group ids, got null$/],
  ['listShareGroupOffsets', ['g', { partitions: [{ topic: 'a', partition: -1 }] }], /^listShareGroupOffsets\(\): options\.partitions\[0\]\.partition must be an integer >= 0, got -1$/],
  ['alterShareGroupOffsets', ['g', [{}]], /^alterShareGroupOffsets\(\): offsets\[0\]\.topic must be a topic name \(a string\), got undefined$/],
  ['alterShareGroupOffsets', ['g', [{ topic: 'a', partition: 0, offset: 3 }]], /^alterShareGroupOffsets\(\): offsets\[0\]\.offset must be a bigint >= 0n, got 3$/],
  ['alterShareGroupOffsets', ['g', [{ topic: 'a', partition: 0, offset: -1n }]], /^alterShareGroupOffsets\(\): offsets\[0\]\.offset must be a bigint >= 0n, got -1n$/],
  ['deleteShareGroupOffsets', ['g', 'a'], /^deleteShareGroupOffsets\(\): topics must be an array of topic names, got "a"$/],
  ['deleteRecords', [[{ topic: 'a', offset: 5n }]], /^deleteRecords\(\): offsets\[0\]\.partition must be an integer >= 0, got undefined$/],
  ['createAcls', [{}], /^createAcls\(\): acls must be an array of AclBinding objects \(\{ resourceType, .*\}\), got an empty object$/],
  ['describeAcls', [null], /^describeAcls\(\): filter must be an AclBindingFilter object, got null$/],
  ['deleteAcls', [{}], /^deleteAcls\(\): filters must be an array of AclBindingFilter objects \(.*\), got an empty object$/],
  ['describeUserScramCredentials', ['alice'], /^describeUserScramCredentials\(\): users must be an array of user names, got "alice"$/],
  ['alterUserScramCredentials', [[{ type: 'delete', mechanism: 'SCRAM-SHA-256' }]], /^alterUserScramCredentials\(\): alterations\[0\]\.user must be a user name \(a string\), got undefined$/],
  ['describeClientQuotas', ['user'], /^describeClientQuotas\(\): components must be an array of ClientQuotaFilterComponent objects .*, got "user"$/],
  ['alterClientQuotas', [[{ ops: [] }]], /^alterClientQuotas\(\): alterations\[0\]\.entity must be an entity object .*, got undefined$/],
  ['alterClientQuotas', [[{ entity: { user: 'u' }, ops: [{ name: 'k', value: 1 }] }]], /^alterClientQuotas\(\): alterations\[0\]\.ops\[0\]\.key must be a quota name \(a string\), got undefined$/],
  ['listTopics', [null], /^listTopics\(\): options must be an object, got null$/],
  ['describeCluster', [{ timeoutMs: '5000' }], /^describeCluster\(\): options\.timeoutMs must be an integer >= 0, got "5000"$/],
  ['listConsumerGroups', [{ timeoutMs: -1 }], /^listConsumerGroups\(\): options\.timeoutMs must be an integer >= 0, got -1$/],
]

test('each admin call rejects a wrongly shaped argument at once with INVALID_ARGUMENT, sending nothing', async () => {
  const listener = await countingListener()
  const admin = new Admin({ 'bootstrap.servers': listener.address, 'default.api.timeout.ms': 2000 })
  const calls = admin as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
  try {
    for (const [method, args, message] of cases) {
      const started = performance.now()
      const error = await calls[method]!.apply(admin, args).then(() => null, (e: unknown) => e)
      assert.ok(error instanceof KafkaError, `${method}(${describeValue(args)}) rejected with ${String(error)}`)
      assert.equal(error.type, 'INVALID_ARGUMENT', `${method}: ${error.message}`)
      assert.equal(error.retriable, false)
      assert.match(error.message, message)
      assert.ok(performance.now() - started < 100, `${method} rejected after ${performance.now() - started} ms`)
    }
    assert.equal(listener.connections(), 0, 'no connection was opened')
  } finally {
    await admin.close()
    await listener.close()
  }
})

test('a call with well-shaped arguments gets past the checks (it fails on the network, not on its arguments)', async () => {
  const admin = new Admin({ 'bootstrap.servers': '127.0.0.1:1', 'default.api.timeout.ms': 300 })
  try {
    const ok: Array<[string, unknown[]]> = [
      ['createTopics', [[{ topic: 'a', numPartitions: -1, replicationFactor: -1, configs: { 'retention.ms': 1000, 'compression.type': 'lz4', 'unclean.leader.election.enable': false, 'cleanup.policy': null } }]]],
      ['createTopics', [[{ topic: 'a', replicaAssignment: { 0: [1], 1: [2] } }]]],
      ['listOffsets', [[{ topic: 'a', partition: 0, timestamp: 0 }, { topic: 'a', partition: 1, timestamp: 'max-timestamp' }], { isolationLevel: 'read_committed', timeoutMs: 300 }]],
      ['incrementalAlterConfigs', [[{ type: 'topic', name: 'a', ops: [{ name: 'retention.ms', value: 60000 }, { name: 'x', op: 'delete' }] }]]],
      ['describeUserScramCredentials', []],
      ['describeAcls', []],
    ]
    for (const [method, args] of ok) {
      const error = await (admin as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!.apply(admin, args).then(() => null, (e: unknown) => e)
      assert.ok(error instanceof KafkaError, `${method} rejected with ${String(error)}`)
      assert.notEqual(error.type, 'INVALID_ARGUMENT', `${method}: ${error.message}`)
    }
  } finally {
    await admin.close()
  }
})

test('createTopics and createPartitions refuse a topic named twice, and an assignment together with counts (INVALID_REQUEST)', async () => {
  const admin = new Admin({ 'bootstrap.servers': '127.0.0.1:1', 'default.api.timeout.ms': 2000 })
  try {
    await assert.rejects(admin.createTopics([{ topic: 'a' }, { topic: 'b' }, { topic: 'a', numPartitions: 2 }]), (e: unknown) =>
      e instanceof KafkaError && e.type === 'INVALID_REQUEST' && e.message === 'createTopics: topic "a" is named more than once' && e.context.topic === 'a')
    await assert.rejects(admin.createTopics([{ topic: 'a', numPartitions: 2, replicaAssignment: { 0: [1] } }]), (e: unknown) =>
      e instanceof KafkaError && e.type === 'INVALID_REQUEST' && /sets replicaAssignment and numPartitions or replicationFactor/.test(e.message))
    await assert.rejects(admin.createPartitions([{ topic: 'a', count: 2 }, { topic: 'a', count: 3 }]), (e: unknown) =>
      e instanceof KafkaError && e.type === 'INVALID_REQUEST' && e.message === 'createPartitions: topic "a" is named more than once')
  } finally {
    await admin.close()
  }
})

test('config values: strings as given, numbers and booleans in their string form, null only where allowed', () => {
  assert.equal(configValue('x', '1', false), '1')
  assert.equal(configValue('x', 86_400_000, false), '86400000')
  assert.equal(configValue('x', 0.5, false), '0.5')
  assert.equal(configValue('x', true, false), 'true')
  assert.equal(configValue('x', null, true), null)
  assert.throws(() => configValue('x', null, false), /^KafkaError: x must be a string, a finite number or a boolean, got null$/)
  assert.throws(() => configValue('x', Infinity, true), /got Infinity$/)
  assert.throws(() => configValue('x', 1n, true), /got 1n$/)
  assert.equal(asConfigString(86_400_000), '86400000')
  assert.equal(asConfigString(false), 'false')
  assert.equal(asConfigString('lz4'), 'lz4')
  assert.equal(asConfigString(null), null)
  assert.equal(asConfigString(undefined), null)
})

test('describeValue shows the type and, for objects, their keys; long strings are cut', () => {
  assert.equal(describeValue(undefined), 'undefined')
  assert.equal(describeValue(null), 'null')
  assert.equal(describeValue([1, 2]), 'an array of 2')
  assert.equal(describeValue({}), 'an empty object')
  assert.equal(describeValue({ a: 1, b: 2 }), 'an object with a, b')
  assert.equal(describeValue({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 }), 'an object with a, b, c, d, e, f, ...')
  assert.equal(describeValue('x'.repeat(70)), JSON.stringify(`${'x'.repeat(60)}...`))
  assert.equal(describeValue(5n), '5n')
  assert.equal(describeValue(() => 1), 'a function')
  assert.equal(describeValue(2.5), '2.5')
})
