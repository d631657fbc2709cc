import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer, ConsumerRecords, KafkaError, Producer, type ConsumerInterceptor, type ProducerInterceptor, type RecordMetadata, type TopicPartitionOffset } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic } from '../producer/helpers.js'

test('producer and consumer interceptors see every send, acknowledgement, poll and commit; one that throws is skipped', async () => {
  const topic = uniqueName('interceptors')
  await createTopic(topic, 1)
  const n = 50
  const acks: RecordMetadata[] = []
  const failures: KafkaError[] = []
  const stamp: ProducerInterceptor = {
    onSend: (r) => ({ ...r, headers: [{ key: 'intercepted', value: Buffer.from('yes') }] }),
    onAcknowledgement: (md, err) => {
      if (err !== null) failures.push(err)
      else acks.push(md!)
    },
  }
  const broken: ProducerInterceptor = {
    onSend: () => { throw new Error('broken onSend') },
    onAcknowledgement: () => { throw new Error('broken onAcknowledgement') },
  }
  let producerClosed = 0
  const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'interceptor.classes': [stamp, broken, { close: () => producerClosed++ }] })
  try {
    const sent = await Promise.all(Array.from({ length: n }, (_, i) => p.send({ topic, value: Buffer.from(String(i)) })))
    await assert.rejects(p.send({ topic, partition: 7, value: Buffer.from('nowhere') }, { signal: AbortSignal.timeout(3000) }))
    assert.equal(acks.length, n, 'onAcknowledgement for every acknowledged record, before its promise resolved')
    assert.deepEqual(acks.map((m) => m.offset).sort((a, b) => Number(a - b)), sent.map((m) => m.offset).sort((a, b) => Number(a - b)))
    assert.equal(failures.length, 1, 'and for the failed one')
  } finally {
    await p.close()
  }
  assert.equal(producerClosed, 1)

  const commits: TopicPartitionOffset[][] = []
  let consumed = 0
  const dropOdd: ConsumerInterceptor = {
    onConsume: (records) => {
      consumed += records.count
      const byPartition = new Map()
      let count = 0
      for (const tp of records.partitions()) {
        const kept = records.records(tp).filter((r) => r.offset % 2n === 0n)
        count += kept.length
        if (kept.length > 0) byPartition.set(`${tp.topic}\0${tp.partition}`, { tp, records: kept })
      }
      return new ConsumerRecords(byPartition, count)
    },
    onCommit: (offsets) => commits.push(offsets),
  }
  const c = new Consumer({
    'bootstrap.servers': bootstrapServers(), 'group.id': uniqueName('interceptors-group'), 'auto.offset.reset': 'earliest', 'enable.auto.commit': false,
    'interceptor.classes': [{ onConsume: () => { throw new Error('broken onConsume') }, onCommit: () => { throw new Error('broken onCommit') } }, dropOdd],
  })
  try {
    c.subscribe([topic])
    const seen: bigint[] = []
    while (consumed < n) {
      for (const r of await c.poll(1000)) {
        seen.push(r.offset)
        assert.equal(r.headers.find((h) => h.key === 'intercepted')?.value?.toString(), 'yes', 'the header onSend added')
      }
    }
    assert.equal(consumed, n)
    assert.deepEqual(seen, Array.from({ length: n / 2 }, (_, i) => BigInt(2 * i)), 'poll returned what onConsume returned')
    await c.commitSync()
    assert.equal(commits.length, 1)
    assert.deepEqual(commits[0]!.map((o) => [o.topic, o.partition, o.offset]), [[topic, 0, BigInt(n)]])
  } finally {
    await c.close()
  }
  await deleteTopic(topic)
})

test('interceptor.classes must hold interceptor objects', () => {
  assert.throws(() => new Producer({ 'bootstrap.servers': bootstrapServers(), 'interceptor.classes': ['com.example.MyInterceptor'] as never }), /interceptor\.classes.*interceptor objects/s)
  assert.throws(() => new Consumer({ 'bootstrap.servers': bootstrapServers(), 'interceptor.classes': [{ onConsume: 1 }] as never }), /interceptor\.classes.*interceptor objects/s)
})
