import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError, Producer, serializers, type RecordMetadata } from '../../src/index.js'
import { parseProducerConfig } from '../../src/config/producer.js'

const bootstrap = { 'bootstrap.servers': '127.0.0.1:1' }

function configError(fn: () => unknown, key: string, pattern?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `a ConfigError: ${String(e)}`)
    assert.equal(e.context.key, key)
    assert.ok(e.message.includes(key), `message names ${key}: ${e.message}`)
    if (pattern) assert.match(e.message, pattern)
    return true
  })
}

test('Java 4.x defaults', () => {
  const c = parseProducerConfig(bootstrap)
  assert.equal(c['acks'], 'all')
  assert.equal(c['linger.ms'], 5)
  assert.equal(c['batch.size'], 16384)
  assert.equal(c['buffer.memory'], 33554432)
  assert.equal(c['max.block.ms'], 60000)
  assert.equal(c['max.request.size'], 1048576)
  assert.equal(c['retries'], 2147483647)
  assert.equal(c['delivery.timeout.ms'], 120000)
  assert.equal(c['max.in.flight.requests.per.connection'], 5)
  assert.equal(c['enable.idempotence'], true)
  assert.equal(c.idempotent, true)
  assert.equal(c['compression.type'], 'none')
  assert.equal(c['partitioner'], 'default')
  assert.equal(c['partitioner.adaptive.partitioning.enable'], true)
  assert.equal(c['request.timeout.ms'], 30000)
  assert.equal(c['retry.backoff.ms'], 100)
  assert.equal(c['retry.backoff.max.ms'], 1000)
})

test('bad values and unknown keys are ConfigErrors naming the key', () => {
  configError(() => new Producer({ ...bootstrap, 'linger.ms': -1 }), 'linger.ms', /expected an integer >= 0/)
  configError(() => new Producer({ ...bootstrap, acks: 2 as never }), 'acks', /expected 0, 1, "all" or -1/)
  configError(() => new Producer({ ...bootstrap, 'compression.type': 'brotli' as never }), 'compression.type', /"gzip"/)
  configError(() => new Producer({ ...bootstrap, 'batch.size': 'big' as never }), 'batch.size')
  configError(() => new Producer({ ...bootstrap, partitioner: 'random' as never }), 'partitioner')
  assert.throws(() => new Producer({ ...bootstrap, 'linger.msec': 5 } as never), (e: unknown) =>
    e instanceof ConfigError && /unknown config "linger\.msec" \(did you mean "linger\.ms"\?\)/.test(e.message))
  configError(() => new Producer({ ...bootstrap, 'key.serializer': 'com.example.NoSuchSerializer' as never }), 'key.serializer', /unknown serializer class/)
  configError(() => new Producer({ ...bootstrap, 'value.serializer': 42 as never }), 'value.serializer')
  assert.throws(() => new Producer({} as never), (e: unknown) => e instanceof ConfigError && /bootstrap\.servers/.test(e.message))
})

test('numbers and booleans may be strings, as in a .properties file', () => {
  const c = parseProducerConfig({ ...bootstrap, 'linger.ms': '20', acks: '-1', 'enable.idempotence': 'false', 'batch.size': '65536' })
  assert.equal(c['linger.ms'], 20)
  assert.equal(c['acks'], 'all')
  assert.equal(c.idempotent, false)
  assert.equal(c['batch.size'], 65536)
})

test('idempotence: explicit conflicts are ConfigErrors, implicit ones turn it off as Java does', () => {
  configError(() => parseProducerConfig({ ...bootstrap, 'enable.idempotence': true, acks: 1 }), 'acks', /"acks" to "all"/)
  configError(() => parseProducerConfig({ ...bootstrap, 'enable.idempotence': true, retries: 0 }), 'retries', /non-zero/)
  configError(() => parseProducerConfig({ ...bootstrap, 'enable.idempotence': true, 'max.in.flight.requests.per.connection': 6 }),
    'max.in.flight.requests.per.connection', /at most 5/)
  configError(() => parseProducerConfig({ ...bootstrap, 'transactional.id': 'tx', 'enable.idempotence': false }), 'enable.idempotence', /transactional\.id/)
  configError(() => parseProducerConfig({ ...bootstrap, 'transactional.id': 'tx', acks: 0 }), 'acks', /transactional\.id requires idempotence/)
  assert.equal(parseProducerConfig({ ...bootstrap, acks: 1 }).idempotent, false)
  assert.equal(parseProducerConfig({ ...bootstrap, acks: 0 }).idempotent, false)
  assert.equal(parseProducerConfig({ ...bootstrap, retries: 0 }).idempotent, false)
  assert.equal(parseProducerConfig({ ...bootstrap, 'max.in.flight.requests.per.connection': 10 }).idempotent, false)
  assert.equal(parseProducerConfig({ ...bootstrap, 'enable.idempotence': false }).idempotent, false)
  assert.equal(parseProducerConfig({ ...bootstrap, 'max.in.flight.requests.per.connection': 5, acks: -1 }).idempotent, true)
})

test('delivery.timeout.ms must cover linger.ms + request.timeout.ms', () => {
  configError(() => parseProducerConfig({ ...bootstrap, 'delivery.timeout.ms': 1000, 'request.timeout.ms': 1000, 'linger.ms': 5 }),
    'delivery.timeout.ms', /at least linger\.ms \+ request\.timeout\.ms = 1005/)
  // Not set explicitly: raised to the sum, as Java does.
  assert.equal(parseProducerConfig({ ...bootstrap, 'request.timeout.ms': 200000 })['delivery.timeout.ms'], 200005)
})

test('key and value types are inferred from the serializers (compile-time check)', async () => {
  const a = new Producer({ ...bootstrap, 'key.serializer': serializers.int32, 'value.serializer': serializers.string })
  const b = new Producer({
    ...bootstrap,
    'key.serializer': 'org.apache.kafka.common.serialization.LongSerializer',
    'value.serializer': 'org.apache.kafka.common.serialization.StringSerializer',
  })
  const c = new Producer(bootstrap)
  const d = new Producer<number, string>({ ...bootstrap, 'key.serializer': serializers.int32, 'value.serializer': serializers.string })
  const typed: [Producer<number, string>, Producer<bigint, string>, Producer<Buffer, Buffer>, Producer<number, string>] = [a, b, c, d]
  const record = { topic: 't', key: 1, value: 'v' }
  // Sending nothing here: these only have to type-check.
  const check = (): Promise<RecordMetadata>[] => [
    a.send(record),
    b.send({ topic: 't', key: 1n, value: 'v' }),
    c.send({ topic: 't', key: Buffer.from('k'), value: null }),
    // @ts-expect-error a string key for an int32 key serializer
    a.send({ topic: 't', key: 'one', value: 'v' }),
    // @ts-expect-error a number value for a string value serializer
    a.send({ topic: 't', key: 1, value: 2 }),
  ]
  assert.equal(typeof check, 'function')
  assert.ok(a instanceof Producer)
  await Promise.all(typed.map((p) => p.close({ timeoutMs: 0 })))
})

test('transaction methods check their state before touching the network', async () => {
  const p = new Producer({ ...bootstrap, 'transactional.id': 'tx-1' })
  const plain = new Producer(bootstrap)
  try {
    await assert.rejects(p.send({ topic: 't', value: Buffer.from('x') }), /before initTransactions\(\) completes/)
    assert.throws(() => p.beginTransaction(), /state uninitialized: call initTransactions\(\) first/)
    await assert.rejects(p.commitTransaction(), /state uninitialized/)
    await assert.rejects(p.abortTransaction(), /state uninitialized/)
    await assert.rejects(plain.initTransactions(), /need "transactional\.id"/)
  } finally {
    await Promise.all([p.close({ timeoutMs: 0 }), plain.close({ timeoutMs: 0 })])
  }
})
