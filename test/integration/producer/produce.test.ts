import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaError, Producer, SerializationError, serializers, type RecordMetadata } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic, readPartition } from './helpers.js'

const base = () => ({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'samsa-producer-test' })

test('records of each partition are acknowledged in send order with contiguous offsets, and read back exactly once', async () => {
  const topic = uniqueName('producer-order')
  const partitions = 4
  await createTopic(topic, partitions)
  const p = new Producer({ ...base(), 'key.serializer': serializers.string, 'value.serializer': serializers.string, 'linger.ms': 2 })
  try {
    const n = 20000
    const acked: RecordMetadata[][] = Array.from({ length: partitions }, () => [])
    const sentOrder: number[][] = Array.from({ length: partitions }, () => [])
    const partitionOf = new Map<number, number>()
    let errors = 0
    await new Promise<void>((resolve) => {
      let done = 0
      for (let i = 0; i < n; i++) {
        p.send({ topic, key: `key-${i % 97}`, value: `${i}` }, (err, md) => {
          if (err) errors++
          else {
            acked[md!.partition]!.push(md!)
            sentOrder[md!.partition]!.push(i)
            partitionOf.set(i, md!.partition)
          }
          if (++done === n) resolve()
        })
      }
    })
    assert.equal(errors, 0)
    let total = 0
    for (let part = 0; part < partitions; part++) {
      const order = sentOrder[part]!
      total += order.length
      for (let j = 1; j < order.length; j++) assert.ok(order[j]! > order[j - 1]!, `partition ${part}: callbacks in send order`)
      acked[part]!.forEach((md, j) => assert.equal(md.offset, BigInt(j), `partition ${part}: offset ${j} is contiguous`))
      const records = await readPartition(topic, part)
      assert.equal(records.length, order.length, `partition ${part}: every acknowledged record stored once`)
      records.forEach((r, j) => {
        assert.equal(r.offset, BigInt(j))
        assert.equal(r.value!.toString(), String(order[j]), `partition ${part} offset ${j} holds record ${order[j]}`)
      })
    }
    assert.equal(total, n)
    // The same key always lands in the same partition.
    for (let i = 97; i < n; i++) assert.equal(partitionOf.get(i), partitionOf.get(i % 97))
    const m = p.metrics()
    assert.equal(m.recordsSent, n)
    assert.equal(m.errors, 0)
    assert.ok(m.batchesSent > 0 && m.batchesSent < n / 5, `records were batched (${m.batchesSent} batches)`)
    assert.ok(m.averageBatchSize > 0)
    assert.equal(m.bufferInUse, 0)
    assert.equal(m.recordsInFlight, 0)
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

// Partition of each key with 12 partitions, computed by the Java client
// (test/fixtures/java/JavaPartitions.java, kafka-clients 4.4.0).
const JAVA_12: ['S' | 'I', string | number, number][] = [
  ['S', "", 9],
  ['S', "a", 4],
  ['S', "ab", 2],
  ['S', "abc", 3],
  ['S', "abcd", 8],
  ['S', "key-0", 1],
  ['S', "key-1", 0],
  ['S', "key-42", 3],
  ['S', "user-1234", 4],
  ['S', "order:9f8e7d", 7],
  ['S', "\u00e9t\u00e9", 1],
  ['S', "\u65e5\u672c\u8a9e", 10],
  ['S', "\ud83d\ude00 emoji", 0],
  ['S', "a-little-bit-longer-string-with-more-than-32-bytes-in-it", 3],
  ['I', 0, 4],
  ['I', 1, 0],
  ['I', 2, 11],
  ['I', 3, 7],
  ['I', 7, 3],
  ['I', 42, 0],
  ['I', 100, 0],
  ['I', 1000, 8],
  ['I', 65535, 9],
  ['I', -1, 5],
  ['I', -42, 3],
  ['I', 2147483647, 3],
  ['I', -2147483648, 6],
  ['I', 123456789, 8],
]

test('keyed records land in the partition the Java client chooses', async () => {
  const topic = uniqueName('producer-keys')
  await createTopic(topic, 12)
  const strings = new Producer({ ...base(), 'key.serializer': 'org.apache.kafka.common.serialization.StringSerializer', 'value.serializer': serializers.string })
  const ints = new Producer({ ...base(), 'key.serializer': serializers.int32, 'value.serializer': serializers.string })
  try {
    const results = await Promise.all(JAVA_12.map(([kind, key]) =>
      kind === 'S' ? strings.send({ topic, key: key as string, value: 'v' }) : ints.send({ topic, key: key as number, value: 'v' })))
    JAVA_12.forEach(([kind, key, expected], i) => assert.equal(results[i]!.partition, expected, `${kind} key ${JSON.stringify(key)}`))
  } finally {
    await Promise.all([strings.close(), ints.close()])
    await deleteTopic(topic)
  }
})

test('acks=0, 1 and all', async () => {
  const topic = uniqueName('producer-acks')
  await createTopic(topic, 1)
  try {
    let expectedEnd = 0
    for (const acks of [0, 1, 'all', -1] as const) {
      const p = new Producer({ ...base(), acks, 'value.serializer': serializers.string })
      try {
        const mds = await Promise.all(Array.from({ length: 50 }, (_, i) => p.send({ topic, value: `${acks}-${i}` })))
        if (acks === 0) {
          assert.ok(mds.every((m) => m.offset === -1n), 'acks=0 reports offset -1')
        } else {
          mds.forEach((m, i) => assert.equal(m.offset, BigInt(expectedEnd + i), `acks=${acks}: offsets follow on`))
        }
        await p.flush()
      } finally {
        await p.close()
      }
      expectedEnd += 50
      let records = await readPartition(topic, 0)
      // acks=0 resolves once the records are written to the socket: the broker
      // appends them a moment later.
      for (const until = Date.now() + 10000; acks === 0 && records.length < expectedEnd && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 50))
        records = await readPartition(topic, 0)
      }
      assert.equal(records.length, expectedEnd, `acks=${acks}: all records stored`)
      assert.equal(records[expectedEnd - 1]!.value!.toString(), `${acks}-49`)
    }
  } finally {
    await deleteTopic(topic)
  }
})

test('headers (array and object form), keys, null values and timestamps are stored as given', async () => {
  const topic = uniqueName('producer-headers')
  await createTopic(topic, 1)
  const p = new Producer({ ...base(), 'key.serializer': serializers.string, 'value.serializer': serializers.string })
  try {
    const ts = Date.UTC(2024, 0, 2, 3, 4, 5)
    const a = await p.send({ topic, key: 'k1', value: 'v1', timestamp: ts, headers: [{ key: 'h1', value: Buffer.from('x') }, { key: 'h2', value: null }, { key: 'h1', value: Buffer.from('y') }] })
    const b = await p.send({ topic, key: null, value: null, headers: { trace: 'abc', bin: Buffer.from([1, 2, 3]), 'ünï': 'ok' } })
    assert.equal(a.timestamp, ts)
    assert.equal(a.serializedKeySize, 2)
    assert.equal(a.serializedValueSize, 2)
    assert.equal(b.serializedKeySize, -1)
    assert.equal(b.serializedValueSize, -1)
    const [r1, r2] = await readPartition(topic, 0)
    assert.equal(r1!.timestamp, ts)
    assert.equal(r1!.batch.timestampType, 'CreateTime')
    assert.equal(r1!.key!.toString(), 'k1')
    assert.deepEqual(r1!.headers.map((h) => [h.key, h.value?.toString() ?? null]), [['h1', 'x'], ['h2', null], ['h1', 'y']])
    assert.equal(r2!.key, null)
    assert.equal(r2!.value, null)
    assert.deepEqual(r2!.headers.map((h) => [h.key, h.value]), [['trace', Buffer.from('abc')], ['bin', Buffer.from([1, 2, 3])], ['ünï', Buffer.from('ok')]])
    assert.ok(Math.abs(r2!.timestamp - Date.now()) < 60000, 'default timestamp is now')
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('a LogAppendTime topic reports the broker\'s timestamp', async () => {
  const topic = uniqueName('producer-logappend')
  await createTopic(topic, 1, { 'message.timestamp.type': 'LogAppendTime' })
  const p = new Producer({ ...base(), 'value.serializer': serializers.string })
  try {
    const before = Date.now()
    const md = await p.send({ topic, value: 'x', timestamp: 1000 })
    assert.notEqual(md.timestamp, 1000, 'not the CreateTime given')
    assert.ok(md.timestamp >= before - 5000 && md.timestamp <= Date.now() + 5000, `broker time ${md.timestamp}`)
    const [r] = await readPartition(topic, 0)
    assert.equal(r!.batch.timestampType, 'LogAppendTime')
    assert.equal(r!.timestamp, md.timestamp)
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('bad records and serializer failures arrive through the promise or callback, never thrown', async () => {
  const topic = uniqueName('producer-bad')
  await createTopic(topic, 2)
  const failing = {
    serialize: (_t: string, key: string | null) => {
      if (key === 'k') throw new Error('boom')
      return key === null ? null : Buffer.from(key)
    },
  }
  const p = new Producer({ ...base(), 'key.serializer': failing, 'value.serializer': serializers.string, 'max.request.size': 10000 })
  try {
    const reject = async (promise: Promise<unknown>, check: (e: KafkaError) => void) => {
      const e = await promise.then(() => assert.fail('should fail'), (err: unknown) => err)
      assert.ok(e instanceof KafkaError, `a KafkaError: ${String(e)}`)
      check(e)
    }
    await reject(p.send({ topic, key: 'k', value: 'v' }), (e) => {
      assert.ok(e instanceof SerializationError)
      assert.match(e.message, /key.*boom/)
    })
    await reject(p.send({ topic, value: 'x'.repeat(20000) }), (e) => {
      assert.equal(e.type, 'MESSAGE_TOO_LARGE')
      assert.match(e.message, /max\.request\.size/)
    })
    await reject(p.send({ topic: '', value: 'v' }), (e) => assert.match(e.message, /topic/))
    await reject(p.send({ topic, value: 'v', partition: -1 }), (e) => assert.match(e.message, /partition/))
    await reject(p.send({ topic, value: 'v', timestamp: -5 }), (e) => assert.match(e.message, /timestamp/))
    await reject(p.send({ topic, value: 'v', headers: [{ key: 1 as unknown as string, value: null }] }), (e) => assert.match(e.message, /headers/))
    // The callback form: called once, asynchronously.
    let sync = true
    const viaCallback = await new Promise<KafkaError | null>((resolve) => {
      p.send({ topic, key: 'k', value: 'v' }, (err) => {
        assert.equal(sync, false, 'callback not called inside send()')
        resolve(err)
      })
      sync = false
    })
    assert.ok(viaCallback instanceof SerializationError)
    // A good record still goes through.
    const ok = await p.send({ topic, key: null, value: 'fine', partition: 1 })
    assert.equal(ok.partition, 1, 'explicit partition wins')
    // A null callback is no callback (Java's send(record, null)): the promise carries the outcome.
    const viaNull = await (p.send as unknown as (r: unknown, c: null) => Promise<{ partition: number }>)({ topic, key: null, value: 'null-callback', partition: 0 }, null)
    assert.equal(viaNull.partition, 0)
    // A callback that is not a function cannot be called: the record is not sent and a warning says why.
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve))
    assert.equal((p.send as unknown as (r: unknown, c: unknown) => unknown)({ topic, value: 'v' }, 5), undefined)
    const warning = await warned
    assert.equal((warning as Error & { code?: string }).code, 'SAMSA_INVALID_ARGUMENT')
    assert.match(warning.message, new RegExp(`^send\\(\\) callback must be a function, got number; the record to ${topic} was not sent$`))
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
  // The default serializers take bytes; a string says what to set instead of failing inside Buffer.from.
  const bytes = new Producer({ ...base() })
  try {
    const e = await bytes.send({ topic, value: 'text' as unknown as Buffer }).then(() => null, (err: unknown) => err)
    assert.ok(e instanceof SerializationError, String(e))
    assert.match(e.message, /^cannot serialize a string for topic ".*": the bytes serializer \(the default\) takes a Buffer or Uint8Array; set 'key\.serializer' or 'value\.serializer'/)
    const k = await bytes.send({ topic, key: { id: 1 } as unknown as Buffer, value: null }).then(() => null, (err: unknown) => err)
    assert.ok(k instanceof SerializationError && /^cannot serialize an object /.test(k.message), String(k))
  } finally {
    await bytes.close()
  }
  await assert.rejects(p.send({ topic, value: 'late' }), (e: KafkaError) => e.type === 'CLIENT_CLOSED')
})

test('keyless records stick to a partition for about a batch, then move on (KIP-480/794)', async () => {
  const topic = uniqueName('producer-sticky')
  await createTopic(topic, 6)
  const p = new Producer({ ...base(), 'batch.size': 16384, 'linger.ms': 50 })
  try {
    const value = Buffer.alloc(1000, 'x')
    const mds = await Promise.all(Array.from({ length: 600 }, () => p.send({ topic, value })))
    let switches = 0
    for (let i = 1; i < mds.length; i++) if (mds[i]!.partition !== mds[i - 1]!.partition) switches++
    // ~1 KB records and 16 KB batches: a switch after 16 to 32 records (between batch.size and twice that
    // produced to a partition), not after every record; a random pick may land on the same partition again.
    assert.ok(switches >= 8 && switches <= 60, `${switches} partition switches for 600 records`)
    const used = new Set(mds.map((m) => m.partition))
    assert.ok(used.size >= 4, `records spread over partitions (${[...used]})`)
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('round-robin and function partitioners; partitionsFor', async () => {
  const topic = uniqueName('producer-partitioners')
  await createTopic(topic, 3)
  const rr = new Producer({ ...base(), partitioner: 'round-robin', 'value.serializer': serializers.string })
  const seen: unknown[] = []
  const fn = new Producer({
    ...base(),
    'key.serializer': serializers.int32,
    'value.serializer': serializers.string,
    partitioner: (t, key, serializedKey, count) => {
      seen.push([t, key, serializedKey?.length, count])
      return (key as number) % count
    },
  })
  try {
    const a = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => rr.send({ topic, value: `${i}` })))
    assert.deepEqual(a.map((m) => m.partition), [0, 1, 2, 0, 1, 2])
    const b = await Promise.all([7, 8, 9].map((k) => fn.send({ topic, key: k, value: 'v' })))
    assert.deepEqual(b.map((m) => m.partition), [1, 2, 0])
    assert.deepEqual(seen[0], [topic, 7, 4, 3])
    const bad = new Producer({ ...base(), partitioner: () => 99 })
    await assert.rejects(bad.send({ topic, value: Buffer.from('x') }), /partitioner function returned 99/)
    await bad.close()
    const infos = await rr.partitionsFor(topic)
    assert.deepEqual(infos.map((i) => i.partition), [0, 1, 2])
    for (const i of infos) {
      assert.equal(i.topic, topic)
      assert.ok(i.leader !== null && i.leader.id >= 0 && i.leader.port > 0)
      assert.equal(i.replicas.length, 1)
      assert.equal(i.inSyncReplicas.length, 1)
    }
  } finally {
    await Promise.all([rr.close(), fn.close()])
    await deleteTopic(topic)
  }
})
