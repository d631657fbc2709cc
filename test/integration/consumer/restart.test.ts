// Broker restart mid-consumption (a private single-node cluster, so the
// shared broker is never touched): the group consumer keeps going and no
// record is lost or skipped.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { restartNode, startCluster, stopCluster } from '../../../scripts/kafka/cluster.js'
import { kafkaVersion, uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'
import { stringConsumer, waitFor } from '../../helpers/consume.js'

const PORT_BASE = 9740
let bootstrap = ''

before(async () => {
  const info = await startCluster({ portBase: PORT_BASE, nodes: 1, version: kafkaVersion(), owner: 'harness', lease: true, log: () => {} })
  bootstrap = info.bootstrap
})
after(async () => {
  await stopCluster({ portBase: PORT_BASE, log: () => {} })
})

test('a group consumer survives a broker restart without losing or skipping records', async () => {
  const producer = new TestProducer(bootstrap)
  const topic = uniqueName('restart')
  const c = stringConsumer({
    'bootstrap.servers': bootstrap,
    'group.id': uniqueName('g'),
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
  await producer.createTopic(topic, 2)
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
    await producer.fill(topic, 2, 1000, 'before')
    await waitFor('some records', () => seen.size >= 300)
    await restartNode(1, { portBase: PORT_BASE, kill: true, log: () => {} })
    await producer.fill(topic, 2, 1000, 'after')
    await waitFor('every record', () => seen.size >= 2000, 90000)
    for (let i = 0; i < 1000; i++) {
      assert.ok(seen.has(`before-${i}`), `before-${i} lost`)
      assert.ok(seen.has(`after-${i}`), `after-${i} lost`)
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
