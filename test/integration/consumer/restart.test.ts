// Broker restart mid-consumption, on a private three-node cluster (the shared
// broker is never touched): the node killed is the group's coordinator and a
// partition leader, so the consumer lives through a coordinator failover and
// a leader change, and no record is lost or skipped.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { killNode, restartNode, startCluster, stopCluster } from '../../../scripts/kafka/cluster.js'
import { kafkaVersion, privateClusterPortBase, uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'
import { stringConsumer, waitFor } from '../../helpers/consume.js'

const PORT_BASE = privateClusterPortBase(340) // 9740 unless KAFKA_TEST_PORT_BASE is set
let bootstrap = ''

before(async () => {
  const info = await startCluster({ portBase: PORT_BASE, nodes: 3, version: kafkaVersion(), owner: 'harness', lease: true, log: () => {} })
  bootstrap = info.bootstrap
})
after(async () => {
  await stopCluster({ portBase: PORT_BASE, log: () => {} })
})

test('a group consumer survives a broker restart without losing or skipping records', async () => {
  const producer = new TestProducer(bootstrap)
  const topic = uniqueName('restart')
  const group = uniqueName('g')
  const c = stringConsumer({
    'bootstrap.servers': bootstrap,
    'group.id': group,
    'enable.auto.commit': false,
    'session.timeout.ms': 6000,
    'heartbeat.interval.ms': 500,
    'max.poll.records': 50,
    'request.timeout.ms': 5000,
  })
  const seen = new Map<string, number>()
  let stop = false
  let commits = 0
  let commitFailures = 0
  await producer.createTopic(topic, 3)
  c.subscribe([topic])
  const loop = (async () => {
    while (!stop) {
      const records = await c.poll(200)
      for (const r of records) seen.set(r.value!, (seen.get(r.value!) ?? 0) + 1)
      if (records.count > 0) {
        await new Promise((r) => setTimeout(r, 10))
        try {
          await c.commitSync()
          commits++
        } catch {
          commitFailures++ // the broker is down: at-least-once, these records may come again
        }
      }
    }
  })()
  try {
    await producer.fill(topic, 3, 1200, 'before')
    await waitFor('some records', () => seen.size >= 300)
    const victim = (await producer.cluster.coordinator('group', group, Date.now() + 10000)).nodeId
    const leaders = (await producer.cluster.topicMetadata(topic, Date.now() + 10000)).partitions.map((p) => p.leader)
    assert.ok(leaders.includes(victim), `the coordinator (node ${victim}) leads a partition (leaders ${leaders})`)
    // While the node is down its partition gets a new leader and the group a new coordinator.
    await killNode(victim, { portBase: PORT_BASE, log: () => {} })
    await producer.fill(topic, 3, 600, 'after')
    await waitFor('records written while the node was down', () => [...seen.keys()].filter((v) => v.startsWith('after')).length >= 600, 90000)
    await restartNode(victim, { portBase: PORT_BASE, log: () => {} })
    await producer.fill(topic, 3, 600, 'again')
    await waitFor('every record', () => seen.size >= 2400, 60000).catch((e) => {
      const by = (p: string) => [...seen.keys()].filter((v) => v.startsWith(p)).length
      throw new Error(`${(e as Error).message}: before ${by('before')}, after ${by('after')}, again ${by('again')}; assignment ${JSON.stringify(c.assignment())}`)
    })
    for (let i = 0; i < 1200; i++) assert.ok(seen.has(`before-${i}`), `before-${i} lost`)
    for (let i = 0; i < 600; i++) {
      assert.ok(seen.has(`after-${i}`), `after-${i} lost`)
      assert.ok(seen.has(`again-${i}`), `again-${i} lost`)
    }
    assert.ok(commits > 0)
    const duplicates = [...seen.values()].filter((n) => n > 1).length
    assert.ok(duplicates <= 2 * 50 * (commitFailures + 1), `duplicates (${duplicates}) only where commits failed (${commitFailures})`)
  } finally {
    stop = true
    await loop
    await c.close({ timeoutMs: 5000 })
    producer.close()
  }
})
