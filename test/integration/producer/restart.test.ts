// A broker restart in the middle of a stream of records, with the idempotent
// producer: every record is acknowledged exactly once, and each partition
// holds exactly the acknowledged records, in order, with contiguous offsets.
// Runs on a private cluster (its own port base) so the shared broker is
// never restarted.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Producer, TimeoutError, serializers, type KafkaError, type RecordMetadata } from '../../../src/index.js'
import { killNode, restartNode, startCluster, stopCluster } from '../../../scripts/kafka/cluster.js'
import { kafkaVersion, privateClusterPortBase, uniqueName } from '../../helpers/kafka.js'
import { createTopic, readPartition } from './helpers.js'

const PORT_BASE = privateClusterPortBase(40) // 9440 unless KAFKA_TEST_PORT_BASE is set
let bootstrap = ''

before(async () => {
  // This port base belongs to this file: a cluster left by an interrupted run goes first.
  await stopCluster({ portBase: PORT_BASE, log: () => {} })
  const info = await startCluster({ portBase: PORT_BASE, nodes: 1, version: kafkaVersion(), owner: 'harness', lease: true, log: () => {} })
  bootstrap = info.bootstrap
})

after(async () => {
  await stopCluster({ portBase: PORT_BASE, log: () => {} })
})

for (const kill of [false, true]) {
  test(`broker ${kill ? 'killed (kill -9) and restarted' : 'restarted'} mid-stream: every record acknowledged exactly once, contiguous offsets, nothing lost or duplicated`, async () => {
    await streamThroughRestart(kill, kill ? 15000 : 30000)
  })
}

// Last in this file: it leaves the cluster's only broker dead.
test('a leader that is gone for good: records fail at delivery.timeout.ms, saying the broker cannot be reached', async () => {
  const topic = uniqueName('producer-dead')
  await createTopic(topic, 1, {}, bootstrap)
  const p = new Producer({
    'bootstrap.servers': bootstrap,
    'value.serializer': serializers.string,
    'request.timeout.ms': 1000,
    'delivery.timeout.ms': 3000,
    'linger.ms': 0,
    'reconnect.backoff.max.ms': 200,
  })
  try {
    await p.send({ topic, value: 'before' })
    await killNode(1, { portBase: PORT_BASE, log: () => {} })
    const t0 = Date.now()
    const e = await p.send({ topic, value: 'after' }).then(() => assert.fail('should fail'), (err: unknown) => err)
    const took = Date.now() - t0
    assert.ok(e instanceof TimeoutError, String(e))
    assert.match((e as Error).message, /Expiring 1 record\(s\).*delivery\.timeout\.ms = 3000/)
    assert.match((e as Error).message, /cannot connect|connection .*closed|ECONNREFUSED|no known leader/)
    assert.ok(took >= 2500 && took < 10000, `failed after ${took} ms`)
  } finally {
    await p.close({ timeoutMs: 2000 })
  }
})

async function streamThroughRestart(kill: boolean, n: number): Promise<void> {
  const topic = uniqueName('producer-restart')
  const partitions = 3
  await createTopic(topic, partitions, {}, bootstrap)
  const p = new Producer({
    'bootstrap.servers': bootstrap,
    'key.serializer': serializers.string,
    'value.serializer': serializers.string,
    'linger.ms': 5,
    'request.timeout.ms': 5000,
    'retry.backoff.ms': 50,
    'reconnect.backoff.ms': 50,
    'reconnect.backoff.max.ms': 500,
  })
  const acks = new Array<number>(n).fill(0)
  const byPartition: { i: number; md: RecordMetadata }[][] = Array.from({ length: partitions }, () => [])
  const errors: KafkaError[] = []
  let acked = 0
  let sent = 0
  let outstanding = 0
  // How many records may be sent so far: a first third at full speed, then a
  // trickle for as long as the broker is being restarted (so records are in
  // the producer's hands while the broker is down), then the rest at full speed.
  let limit = Math.floor(n / 3)
  let done: () => void = () => {}
  let firstThird: () => void = () => {}
  const all = new Promise<void>((r) => (done = r))
  const third = new Promise<void>((r) => (firstThird = r))
  const pump = () => {
    while (sent < limit && outstanding < 2000) {
      const i = sent++
      outstanding++
      p.send({ topic, key: `key-${i % 31}`, value: `${i}` }, (err, md) => {
        outstanding--
        acks[i]!++
        if (err) errors.push(err)
        else byPartition[md!.partition]!.push({ i, md: md! })
        acked++
        lastAckAt = Date.now()
        if (acked === Math.floor(n / 3)) firstThird()
        if (acked === n) done()
        else setImmediate(pump)
      })
    }
  }
  // The restart must really interrupt the stream: records outstanding with no
  // acknowledgement for a while (the broker was down while the producer held them).
  let lastAckAt = Date.now()
  let longestStallMs = 0
  try {
    pump()
    await third
    const trickle = setInterval(() => {
      if (outstanding > 0) longestStallMs = Math.max(longestStallMs, Date.now() - lastAckAt)
      if (limit < Math.floor((2 * n) / 3)) limit++
      pump()
    }, 2)
    try {
      await restartNode(1, { portBase: PORT_BASE, kill, log: () => {} })
    } finally {
      clearInterval(trickle)
    }
    limit = n
    pump()
    await all
    assert.deepEqual(errors.map((e) => e.message), [], 'no record failed')
    assert.ok(acks.every((c) => c === 1), 'every callback ran exactly once')
    assert.ok(longestStallMs >= 500, `records were held unacknowledged while the broker was down (longest stall ${longestStallMs} ms; retries ${p.metrics().retries})`)
    for (let part = 0; part < partitions; part++) {
      const list = byPartition[part]!
      list.forEach(({ md }, j) => assert.equal(md.offset, BigInt(j), `partition ${part}: acknowledged offsets are contiguous, in send order`))
      for (let j = 1; j < list.length; j++) assert.ok(list[j]!.i > list[j - 1]!.i, `partition ${part}: acknowledged in send order`)
      const stored = await readPartition(topic, part, bootstrap)
      assert.equal(stored.length, list.length, `partition ${part}: stored exactly the acknowledged records`)
      stored.forEach((r, j) => assert.equal(r.value!.toString(), String(list[j]!.i), `partition ${part} offset ${j}`))
    }
  } finally {
    await p.close({ timeoutMs: 10000 })
  }
}
