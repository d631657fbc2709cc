// Serializers that return promises: per-partition order and callback order stay
// those of the send() calls, a rejection fails that record alone, flush and
// close wait for pending serializations.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaError, Producer, SerializationError, serializers, type Serializer } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic, readPartition } from './helpers.js'

const base = () => ({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'samsa-async-serde-test' })

/** Serializes after a delay that varies per value (so later records often settle first); every 3rd value at once. */
const sometimesAsync: Serializer<string | null> = {
  serialize(_topic, data) {
    if (data === null) return null
    const n = Number(data)
    if (n % 3 === 0) return Buffer.from(data)
    return new Promise((resolve) => setTimeout(() => resolve(Buffer.from(data)), (n * 7) % 13))
  },
}

test('records of each partition are written and acknowledged in send() order when serializers mix promises and values', async () => {
  const topic = uniqueName('async-serde-order')
  const partitions = 3
  await createTopic(topic, partitions)
  const p = new Producer({ ...base(), 'key.serializer': serializers.string, 'value.serializer': sometimesAsync, 'linger.ms': 2 })
  try {
    const n = 600
    const acks: number[][] = Array.from({ length: partitions }, () => [])
    const callbacks: number[] = []
    await new Promise<void>((resolve, reject) => {
      let done = 0
      for (let i = 0; i < n; i++) {
        p.send({ topic, key: `key-${i % 17}`, value: `${i}` }, (err, md) => {
          if (err) return reject(err)
          acks[md!.partition]!.push(i)
          callbacks.push(i)
          if (++done === n) resolve()
        })
      }
    })
    let total = 0
    for (let part = 0; part < partitions; part++) {
      const order = acks[part]!
      total += order.length
      for (let j = 1; j < order.length; j++) assert.ok(order[j]! > order[j - 1]!, `partition ${part}: callbacks in send order`)
      const read = await readPartition(topic, part)
      assert.deepEqual(read.map((r) => Number(r.value!.toString())), order, `partition ${part}: the log holds the records in send order`)
    }
    assert.equal(total, n)
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('a rejecting async serializer fails its record alone with a SerializationError; flush and close wait for pending ones', async () => {
  const topic = uniqueName('async-serde-fail')
  await createTopic(topic, 1)
  const value: Serializer<string | null> = {
    async serialize(_t, data, headers) {
      await new Promise((r) => setTimeout(r, 20))
      if (data === 'bad') throw new Error('schema says no')
      headers.push({ key: 'serialized-by', value: Buffer.from('async') })
      return data === null ? null : Buffer.from(data)
    },
  }
  const p = new Producer({ ...base(), 'value.serializer': value })
  try {
    const results: (string | KafkaError)[] = []
    let settled = 0
    const sends = ['a', 'bad', 'c'].map((v, i) => p.send({ topic, value: v, partition: 0 }).then(
      (md) => { results[i] = `${v}@${md.offset}` },
      (e: KafkaError) => { results[i] = e },
    ).finally(() => settled++))
    await p.flush()
    await new Promise((r) => setImmediate(r))
    assert.equal(settled, 3, 'flush waited for the serializations and the sends')
    await Promise.all(sends)
    assert.equal(results[0], 'a@0')
    assert.ok(results[1] instanceof SerializationError, String(results[1]))
    assert.match((results[1] as KafkaError).message, /value.*schema says no/)
    assert.equal(results[2], 'c@1')
    const read = await readPartition(topic, 0)
    assert.deepEqual(read.map((r) => r.value!.toString()), ['a', 'c'])
    assert.deepEqual(read.map((r) => r.headers.map((h) => `${h.key}=${h.value!.toString()}`)), [['serialized-by=async'], ['serialized-by=async']], 'each record keeps the headers its serializer added')
    // close() waits for a serialization under way, and the record is delivered.
    const last = p.send({ topic, value: 'last', partition: 0 })
    await p.close()
    assert.equal((await last).offset, 2n)
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})
