// Leader failover on a 3-node cluster (replication factor 3,
// min.insync.replicas 2, acks=all, idempotent): the leader of a partition is
// killed (kill -9) mid-stream; the producer finds the new leaders and every
// record is acknowledged exactly once, stored exactly once, in send order.
// Runs on a private cluster (its own port base).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, Producer, serializers, type KafkaError, type RecordMetadata } from '../../../src/index.js'
import { killNode, startCluster, stopCluster } from '../../../scripts/kafka/cluster.js'
import { kafkaVersion, privateClusterPortBase, uniqueName } from '../../helpers/kafka.js'
import { readPartition } from './helpers.js'

const PORT_BASE = privateClusterPortBase(80) // 9480 unless KAFKA_TEST_PORT_BASE is set
let bootstrap = ''

before(async () => {
  await stopCluster({ portBase: PORT_BASE, log: () => {} })
  const info = await startCluster({ portBase: PORT_BASE, nodes: 3, version: kafkaVersion(), owner: 'harness', lease: true, log: () => {} })
  bootstrap = info.bootstrap
})

after(async () => {
  await stopCluster({ portBase: PORT_BASE, log: () => {} })
})

test('partition leader killed mid-stream: new leaders take over, every record acknowledged and stored exactly once, in order', async () => {
  const topic = uniqueName('producer-failover')
  const partitions = 3
  const n = 9000
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  let victim = -1
  try {
    await admin.createTopics([{ topic, numPartitions: partitions, replicationFactor: 3 }])
    for (const until = Date.now() + 30000; ; ) {
      // A new topic reaches each broker's metadata a moment after creation.
      const [d] = await admin.describeTopics([topic]).catch(() => [undefined])
      if (d && d.partitions.length === partitions && d.partitions.every((p) => p.leader >= 0 && p.isr.length === 3)) {
        victim = d.partitions[0]!.leader
        break
      }
      assert.ok(Date.now() < until, 'topic fully replicated within 30 s')
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    await admin.close()
  }

  const p = new Producer({
    'bootstrap.servers': bootstrap,
    'key.serializer': serializers.string,
    'value.serializer': serializers.string,
    'acks': 'all',
    'linger.ms': 5,
    'request.timeout.ms': 3000,
    'retry.backoff.ms': 50,
    'reconnect.backoff.max.ms': 500,
    'metadata.max.age.ms': 5000,
  })
  const acks = new Array<number>(n).fill(0)
  const byPartition: { i: number; md: RecordMetadata }[][] = Array.from({ length: partitions }, () => [])
  const errors: KafkaError[] = []
  let sent = 0
  let acked = 0
  let outstanding = 0
  let limit = n / 3
  let done: () => void = () => {}
  let third: () => void = () => {}
  const all = new Promise<void>((r) => (done = r))
  const firstThird = new Promise<void>((r) => (third = r))
  const pump = () => {
    while (sent < limit && outstanding < 1000) {
      const i = sent++
      outstanding++
      p.send({ topic, key: `key-${i % 17}`, value: `${i}` }, (err, md) => {
        outstanding--
        acks[i]!++
        if (err) errors.push(err)
        else byPartition[md!.partition]!.push({ i, md: md! })
        acked++
        if (acked === n / 3) third()
        if (acked === n) done()
        else setImmediate(pump)
      })
    }
  }
  try {
    pump()
    await firstThird
    // Keep records flowing while the leader dies, then send the rest.
    const trickle = setInterval(() => {
      if (limit < (2 * n) / 3) limit += 5
      pump()
    }, 5)
    await killNode(victim, { portBase: PORT_BASE, log: () => {} })
    const sentBeforeKill = sent
    await new Promise((r) => setTimeout(r, 1000))
    clearInterval(trickle)
    limit = n
    pump()
    await all
    assert.deepEqual(errors.map((e) => e.message), [], 'no record failed')
    assert.ok(acks.every((c) => c === 1), 'every callback ran exactly once')
    // Partition 0's leader is dead: records of it sent after the kill were written by a new leader.
    const afterKill = byPartition[0]!.filter(({ i }) => i >= sentBeforeKill).length
    assert.ok(afterKill > 0, `partition 0 took records after its leader died (${afterKill}; retries ${p.metrics().retries})`)
    const check = new Admin({ 'bootstrap.servers': bootstrap })
    try {
      const [d] = await check.describeTopics([topic])
      const leader = d!.partitions[0]!.leader
      assert.ok(leader >= 0 && leader !== victim, `partition 0 has a new leader (${leader}, was ${victim})`)
    } finally {
      await check.close()
    }
    for (let part = 0; part < partitions; part++) {
      const list = byPartition[part]!
      list.forEach(({ md }, j) => assert.equal(md.offset, BigInt(j), `partition ${part}: acknowledged offsets are contiguous`))
      for (let j = 1; j < list.length; j++) assert.ok(list[j]!.i > list[j - 1]!.i, `partition ${part}: acknowledged in send order`)
      const stored = await readPartition(topic, part, bootstrap)
      assert.equal(stored.length, list.length, `partition ${part}: stored exactly the acknowledged records`)
      stored.forEach((r, j) => assert.equal(r.value!.toString(), String(list[j]!.i), `partition ${part} offset ${j}`))
    }
  } finally {
    await p.close({ timeoutMs: 10000 })
  }
})
