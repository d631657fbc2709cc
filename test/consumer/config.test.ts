import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer, ConfigError, deserializers, Producer, serializers } from '../../src/index.js'
import { consumerSchema } from '../../src/config/consumer.js'

test('consumer defaults are the Java client\'s (4.x)', () => {
  const c = consumerSchema.parse({ 'bootstrap.servers': 'localhost:9092' })
  assert.equal(c['session.timeout.ms'], 45000)
  assert.equal(c['heartbeat.interval.ms'], 3000)
  assert.equal(c['max.poll.interval.ms'], 300000)
  assert.equal(c['max.poll.records'], 500)
  assert.equal(c['enable.auto.commit'], true)
  assert.equal(c['auto.commit.interval.ms'], 5000)
  assert.equal(c['auto.offset.reset'], 'latest')
  assert.equal(c['fetch.min.bytes'], 1)
  assert.equal(c['fetch.max.bytes'], 52428800)
  assert.equal(c['fetch.max.wait.ms'], 500)
  assert.equal(c['max.partition.fetch.bytes'], 1048576)
  assert.equal(c['isolation.level'], 'read_uncommitted')
  assert.equal(c['check.crcs'], true)
  assert.equal(c['group.protocol'], 'classic')
  assert.deepEqual(c['partition.assignment.strategy'], ['range', 'cooperative-sticky'])
})

test('assignors by name, list or Java class name', () => {
  const parse = (v: unknown) => consumerSchema.parse({ 'bootstrap.servers': 'x:1', 'partition.assignment.strategy': v })['partition.assignment.strategy']
  assert.deepEqual(parse('org.apache.kafka.clients.consumer.CooperativeStickyAssignor'), ['cooperative-sticky'])
  assert.deepEqual(parse('roundrobin, range'), ['roundrobin', 'range'])
  assert.deepEqual(parse(['range']), ['range'])
})

test('bad consumer configs throw ConfigError naming the key', () => {
  const base = { 'bootstrap.servers': 'localhost:9092' }
  assert.throws(() => new Consumer({ ...base, 'auto.offset.reset': 'smallest' } as never), (e: ConfigError) => e instanceof ConfigError && /auto\.offset\.reset/.test(e.message) && /"earliest"/.test(e.message))
  assert.throws(() => new Consumer({ ...base, 'max.poll.record': 5 } as never), /did you mean "max\.poll\.records"/)
  assert.throws(() => new Consumer({ ...base, 'partition.assignment.strategy': 'sticky' }), /unknown assignor "sticky"/)
  assert.throws(() => new Consumer({ ...base, 'group.instance.id': 'x' }), /group\.instance\.id.*group\.id/)
  assert.throws(() => new Consumer({ ...base, 'session.timeout.ms': 1000, 'heartbeat.interval.ms': 3000 }), /heartbeat\.interval\.ms/)
  assert.throws(() => new Consumer({ ...base, 'value.deserializer': 'com.example.Nope' as never }), /unknown deserializer class/)
  assert.throws(() => new Consumer({ ...base, 'max.poll.records': 0 }), /max\.poll\.records/)
})

test('key and value types follow the deserializers', async () => {
  const c = new Consumer({ 'bootstrap.servers': 'localhost:9092', 'key.deserializer': deserializers.int32, 'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer' })
  const typed: Consumer<number, string> = c
  // @ts-expect-error the key type is number, not string
  const wrong: Consumer<string, string> = c
  void wrong
  const raw = new Consumer({ 'bootstrap.servers': 'localhost:9092' })
  const bytes: Consumer<Buffer, Buffer> = raw
  const explicit = new Consumer<string, bigint>({ 'bootstrap.servers': 'localhost:9092' })
  assert.ok(typed && bytes && explicit)
  await Promise.all([c.close(), raw.close(), explicit.close()])
  assert.throws(() => c.assign([]), /closed/)
})

test('key and value types are inferred from the deserializers the way the producer infers them from its serializers (compile-time check)', async () => {
  const bootstrap = { 'bootstrap.servers': 'localhost:9092' }
  const a = new Consumer({ ...bootstrap, 'key.deserializer': deserializers.int32, 'value.deserializer': deserializers.string })
  const b = new Consumer({
    ...bootstrap,
    'key.deserializer': 'org.apache.kafka.common.serialization.LongDeserializer',
    'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
  })
  const c = new Consumer(bootstrap)
  const d = new Consumer<number, string>({ ...bootstrap, 'key.deserializer': deserializers.int32, 'value.deserializer': deserializers.string })
  const typed: [Consumer<number, string>, Consumer<bigint, string>, Consumer<Buffer, Buffer>, Consumer<number, string>] = [a, b, c, d]
  // The same configs give the producer the same key and value types.
  const p = new Producer({ ...bootstrap, 'key.serializer': serializers.int32, 'value.serializer': serializers.string })
  const q = new Producer({
    ...bootstrap,
    'key.serializer': 'org.apache.kafka.common.serialization.LongSerializer',
    'value.serializer': 'org.apache.kafka.common.serialization.StringSerializer',
  })
  const pair = <K, V>(_producer: Producer<K, V>, _consumer: Consumer<K, V>): void => undefined
  pair(p, a)
  pair(q, b)
  // Nothing below runs: it only has to type-check.
  const check = async (): Promise<void> => {
    for (const r of await a.poll(0)) {
      const key: number | null = r.key
      const value: string | null = r.value
      // @ts-expect-error an int32 key is a number, not a string
      const wrong: string | null = r.key
      void [key, value, wrong]
    }
    // @ts-expect-error the explicit key type does not match the key deserializer
    void new Consumer<string, string>({ ...bootstrap, 'key.deserializer': deserializers.int32 })
    // @ts-expect-error the explicit value type does not match the value deserializer
    void new Consumer<string, number>({ ...bootstrap, 'value.deserializer': deserializers.string })
  }
  assert.equal(typeof check, 'function')
  await Promise.all([...typed.map((x) => x.close()), p.close({ timeoutMs: 0 }), q.close({ timeoutMs: 0 })])
})
