// A rebalance listener callback that outlasts several polls: the polls go on
// (the rebalance continues in the background) but return no record of a
// partition whose callback is still running, as with Java's consumer, where
// the callback runs inside poll. samsa/streams restores state stores in
// onPartitionsAssigned and relies on this.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'
import { stringConsumer } from '../../helpers/consume.js'

const producer = new TestProducer()
after(() => producer.close())

test('no record of a partition reaches poll while its onPartitionsAssigned runs', async () => {
  const topic = uniqueName('listener-slow-assign')
  await producer.createTopic(topic, 2)
  await producer.fill(topic, 2, 200)
  const consumer = stringConsumer({ 'group.id': uniqueName('g'), 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500 })
  let assignedDone = 0
  let polls = 0
  let pollsDuringCallback = 0
  const early: string[] = []
  consumer.subscribe([topic], {
    onPartitionsAssigned: async (tps) => {
      if (tps.length === 0) return
      const before = polls
      // longer than many polls of 100 ms: the rebalance goes on in the background
      await new Promise((r) => setTimeout(r, 2000))
      pollsDuringCallback = polls - before
      assignedDone = Date.now()
    },
  })
  try {
    let got = 0
    const until = Date.now() + 60000
    while (got < 200) {
      assert.ok(Date.now() < until, `only ${got} of 200 records arrived`)
      const records = await consumer.poll(100)
      polls++
      for (const r of records) {
        if (assignedDone === 0) early.push(`${r.topic}-${r.partition}@${r.offset}`)
        got++
      }
    }
    assert.deepEqual(early, [], 'records returned before onPartitionsAssigned resolved')
    assert.ok(pollsDuringCallback >= 3, `polls went on while the callback ran (${pollsDuringCallback})`)
    assert.equal(got, 200)
  } finally {
    await consumer.close()
  }
})

test('no record of a partition reaches poll while its onPartitionsRevoked runs', async () => {
  const topic = uniqueName('listener-slow-revoke')
  await producer.createTopic(topic, 2)
  const group = uniqueName('g')
  const config = { 'group.id': group, 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 300 }
  const a = stringConsumer(config)
  const b = stringConsumer(config)
  let revoking = false
  let revokedCalls = 0
  const during: string[] = []
  a.subscribe([topic], {
    onPartitionsRevoked: async (tps) => {
      if (tps.length === 0) return
      revoking = true
      await new Promise((r) => setTimeout(r, 1500))
      revoking = false
      revokedCalls++
    },
  })
  let stop = false
  const loopA = (async () => {
    while (!stop) for (const r of await a.poll(100)) if (revoking) during.push(`${r.topic}-${r.partition}@${r.offset}`)
  })()
  try {
    const until = Date.now() + 60000
    while (a.assignment().length < 2) {
      assert.ok(Date.now() < until, 'a never got both partitions')
      await new Promise((r) => setTimeout(r, 50))
    }
    // records keep arriving while b joins and a revokes
    const filling = (async () => {
      for (let i = 0; i < 20; i++) {
        await producer.fill(topic, 2, 20)
        await new Promise((r) => setTimeout(r, 100))
      }
    })()
    b.subscribe([topic])
    const loopB = (async () => {
      while (!stop) await b.poll(100)
    })()
    while (revokedCalls === 0) {
      assert.ok(Date.now() < until, 'a never revoked')
      await new Promise((r) => setTimeout(r, 50))
    }
    await filling
    stop = true
    await Promise.all([loopA, loopB])
    assert.equal(revokedCalls >= 1, true)
    assert.deepEqual(during, [], 'records returned while onPartitionsRevoked ran')
  } finally {
    stop = true
    await Promise.all([a.close(), b.close()])
  }
})
